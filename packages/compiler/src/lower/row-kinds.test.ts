import type { DatasetSchema } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { compileRecipe, inferOutputSchemas } from "../compile.ts";
import type { CompileInput } from "../types.ts";

const schema: DatasetSchema = [
  { name: "a", type: "integer" },
  { name: "b", type: "string" },
];
const inputs: CompileInput[] = [{ name: "t", schema, location: { format: "parquet", path: "/d/t" } }];
const compile = (spec: unknown, dialect: "spark" | "duckdb" = "duckdb") =>
  compileRecipe({ spec: spec as never, inputs, dialect });

describe("sync", () => {
  it("copies every column when none are listed", () => {
    expect(inferOutputSchemas({ spec: { kind: "sync", version: 1, params: {} }, inputs })).toEqual([schema]);
  });

  it("rejects a rename onto another kept column", () => {
    const spec = { kind: "sync", params: { columns: [{ column: "a", as: "B" }, { column: "b" }] } };
    expect(() => compile(spec)).toThrow(
      expect.objectContaining({ code: "duplicate_output_name", path: ["params", "columns", 1, "as"] }),
    );
  });
});

describe("sort", () => {
  it("makes Spark's default null placement explicit on both engines", () => {
    const spec = { kind: "sort", params: { keys: [{ column: "a" }, { column: "b", direction: "desc" }] } };
    expect(compile(spec, "spark").sql).toContain("ORDER BY `a` ASC NULLS FIRST, `b` DESC NULLS LAST");
    expect(compile(spec, "duckdb").sql).toContain('ORDER BY "a" ASC NULLS FIRST, "b" DESC NULLS LAST');
  });

  it("names the unknown sort column", () => {
    expect(() => compile({ kind: "sort", params: { keys: [{ column: "zz" }] } })).toThrow(
      expect.objectContaining({ code: "unknown_column", path: ["params", "keys", 0, "column"] }),
    );
  });
});

describe("distinct", () => {
  it("keeps only the subset, plus the count when asked", () => {
    const spec = { kind: "distinct", params: { columns: ["b"], duplicateCount: true } };
    expect(compile(spec).outputSchemas).toEqual([
      [
        { name: "b", type: "string" },
        { name: "count", type: "bigint" },
      ],
    ]);
  });

  it("refuses a count column that clashes with a kept column", () => {
    const clash: CompileInput[] = [{ ...inputs[0]!, schema: [{ name: "Count", type: "string" }] }];
    const spec = { kind: "distinct", params: { duplicateCount: true } };
    expect(() => compileRecipe({ spec: spec as never, inputs: clash, dialect: "spark" })).toThrow(
      expect.objectContaining({ code: "duplicate_output_name" }),
    );
  });
});
