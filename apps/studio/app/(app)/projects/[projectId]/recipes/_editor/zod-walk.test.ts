import { PREPARE_STEP_PARAMS } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { type AnySchema, initialValue, isColumnListField, unwrap } from "./zod-walk.ts";

// The generated step form picks columns only for lists of columns: a list of strings that are
// not columns (date formats, regex output names, binner labels) is typed as text.

const cols = [{ name: "day", type: "string" }];
const fieldOf = (type: keyof typeof PREPARE_STEP_PARAMS, key: string): AnySchema => {
  const shape = unwrap(PREPARE_STEP_PARAMS[type] as unknown as AnySchema).base._zod.def.shape;
  return shape[key] as AnySchema;
};
const elementOf = (s: AnySchema): AnySchema => unwrap(s).base._zod.def.element as AnySchema;

describe("list fields of the generated step form", () => {
  it("Parse dates' formats are text entries starting from an ISO date format, not columns", () => {
    const formats = fieldOf("DateParser", "formats");
    expect(isColumnListField("formats", elementOf(formats))).toBe(false);
    expect(initialValue(formats, "formats", cols, () => "out")).toEqual(["yyyy-MM-dd"]);
  });

  it("regex output names are not columns", () => {
    const outputs = fieldOf("RegexpExtractor", "outputs");
    expect(isColumnListField("outputs", elementOf(outputs))).toBe(false);
  });

  it("binner labels are not columns", () => {
    const mode = unwrap(fieldOf("BinnerProcessor", "mode")).base._zod.def.options as AnySchema[];
    const edges = mode.find((o) => o._zod.def.shape.labels)!;
    expect(isColumnListField("labels", elementOf(edges._zod.def.shape.labels))).toBe(false);
  });

  it("lists of column names still pick columns", () => {
    const columns = fieldOf("NormalizeWhitespace", "columns");
    expect(isColumnListField("columns", elementOf(columns))).toBe(true);
    expect(initialValue(columns, "columns", cols, () => "out")).toEqual(["day"]);
  });
});
