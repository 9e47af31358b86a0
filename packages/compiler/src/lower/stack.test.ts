import type { DatasetSchema } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { compileRecipe } from "../compile.ts";
import type { CompileInput } from "../types.ts";

const input = (name: string, schema: DatasetSchema): CompileInput => ({
  name,
  schema,
  location: { format: "parquet", path: `/d/${name}` },
});
const compile = (params: unknown, inputs: CompileInput[]) =>
  compileRecipe({ spec: { kind: "stack", params } as never, inputs, dialect: "duckdb" });

describe("stack", () => {
  it("rejects a column whose types the engines would not reconcile", () => {
    const inputs = [
      input("a", [{ name: "x", type: "string" }]),
      input("b", [{ name: "x", type: "integer" }]),
    ];
    expect(() => compile({}, inputs)).toThrow(
      expect.objectContaining({ code: "invalid_column_type", path: ["inputs", 1] }),
    );
  });

  it("rejects inputs of different widths when stacking by position", () => {
    const inputs = [input("a", [{ name: "x", type: "string" }]), input("b", [])];
    expect(() => compile({ mode: "byPosition" }, inputs)).toThrow(
      expect.objectContaining({ code: "invalid_schema" }),
    );
  });

  it("needs two inputs and an origin column name that is free", () => {
    const one = [input("a", [{ name: "x", type: "string" }])];
    expect(() => compile({}, one)).toThrow(expect.objectContaining({ code: "wrong_input_count" }));
    expect(() => compile({ originColumn: "X" }, [...one, input("b", [])])).toThrow(
      expect.objectContaining({ code: "duplicate_output_name", path: ["params", "originColumn"] }),
    );
  });
});
