import type { DatasetSchema } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { compileRecipe } from "../src/compile.ts";

// Measured by the conformance suite on Spark 4.0.1 ("decimal m > n [… extremes]"): a
// DECIMAL(38,9) value of 10^29 against a DECIMAL(38,18) column is answered by Spark, while DuckDB
// widens both to DECIMAL(38,18) and fails. Sous' type does not carry the stored scale, so the
// local verdict must name the condition on every column-to-column decimal comparison.
const schema: DatasetSchema = [
  { name: "m", type: "decimal" },
  { name: "n", type: "decimal" },
];
const formula = (f: string) =>
  compileRecipe({
    spec: {
      kind: "prepare",
      version: 1,
      params: { steps: [{ id: "cmp", type: "CreateColumnWithGREL", params: { output: "v", formula: f } }] },
    } as never,
    inputs: [{ name: "t", schema, location: { format: "parquet", path: "/d/t" } }],
    dialect: "duckdb",
  }).steps.find((s) => s.id === "cmp")?.engines.duckdb;

describe("decimal comparisons on DuckDB", () => {
  it("are partial between two decimal columns, naming the scales and 10^20", () => {
    expect(formula("m > n")).toEqual({
      level: "partial",
      condition: expect.stringMatching(/different scales.*10\^20/),
    });
  });

  it("stay full against a literal, whose scale is the literal's", () => {
    expect(formula("m > 1.5")).toEqual({ level: "full" });
  });
});
