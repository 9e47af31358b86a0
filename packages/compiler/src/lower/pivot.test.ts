import type { DatasetSchema } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { compileRecipe } from "../compile.ts";
import type { CompileInput } from "../types.ts";

const schema: DatasetSchema = [
  { name: "k", type: "string" },
  { name: "p", type: "integer" },
  { name: "v", type: "double" },
];
const inputs: CompileInput[] = [{ name: "t", schema, location: { format: "parquet", path: "/d/t" } }];
const compile = (params: unknown, context?: { pivotValues: (string | number | null)[] }) =>
  compileRecipe({
    spec: { kind: "pivot", params } as never,
    inputs,
    dialect: "duckdb",
    ...(context ? { context } : {}),
  });

describe("pivot", () => {
  const base = { keys: ["k"], pivotColumn: "p", aggregations: [{ column: "v", fn: "sum" }] };

  it("needs pivot values from the spec or the compile context", () => {
    expect(() => compile(base)).toThrow(expect.objectContaining({ code: "missing_compile_input" }));
    expect(compile(base, { pivotValues: [1, 2, 2, null] }).outputSchemas[0]!.map((c) => c.name)).toEqual([
      "k",
      "1_v_sum",
      "2_v_sum",
      "null_v_sum",
    ]);
  });

  it("checks pivot values against the pivot column's type", () => {
    expect(() => compile(base, { pivotValues: ["x"] })).toThrow(
      expect.objectContaining({ code: "invalid_value", path: ["context", "pivotValues", 0] }),
    );
  });

  it("refuses first/last, whose conditional form would pick NULLs", () => {
    expect(() => compile({ ...base, values: [1], aggregations: [{ column: "v", fn: "first" }] })).toThrow(
      expect.objectContaining({ code: "invalid_spec", path: ["params", "aggregations", 0, "fn"] }),
    );
  });

  it("refuses a key that is also the pivot column", () => {
    expect(() => compile({ ...base, keys: ["p"], values: [1] })).toThrow(
      expect.objectContaining({ code: "invalid_spec" }),
    );
  });
});
