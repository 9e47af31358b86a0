import type { DatasetSchema } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { compileRecipe } from "../compile.ts";
import type { CompileInput } from "../types.ts";

const schema: DatasetSchema = [
  { name: "s", type: "string" },
  { name: "i", type: "integer" },
  { name: "d", type: "double" },
  { name: "dt", type: "date" },
  { name: "b", type: "boolean" },
];
const inputs: CompileInput[] = [{ name: "t", schema, location: { format: "parquet", path: "/d/t" } }];
const rule = (r: Record<string, unknown>) => ({ kind: "filter", params: { filter: { rules: [r] } } });
const compile = (spec: unknown, dialect: "spark" | "duckdb" = "duckdb") =>
  compileRecipe({ spec: spec as never, inputs, dialect });

describe("filter rules", () => {
  it.each([
    [{ column: "i", op: "equals", value: "x" }, "invalid_value", ["params", "filter", "rules", 0, "value"]],
    [
      { column: "i", op: "equals", value: 2 ** 31 },
      "invalid_value",
      ["params", "filter", "rules", 0, "value"],
    ],
    [
      { column: "dt", op: "gt", value: "31/01/2024" },
      "invalid_value",
      ["params", "filter", "rules", 0, "value"],
    ],
    [
      { column: "i", op: "contains", value: "1" },
      "invalid_column_type",
      ["params", "filter", "rules", 0, "op"],
    ],
    [{ column: "b", op: "lt", value: true }, "invalid_column_type", ["params", "filter", "rules", 0, "op"]],
    [{ column: "s", op: "isTrue" }, "invalid_column_type", ["params", "filter", "rules", 0, "op"]],
    [{ column: "s", op: "in" }, "invalid_value", ["params", "filter", "rules", 0, "values"]],
    [{ column: "nope", op: "isNull" }, "unknown_column", ["params", "filter", "rules", 0, "column"]],
  ])("rejects %j with %s", (r, code, path) => {
    expect(() => compile(rule(r))).toThrow(expect.objectContaining({ code, path }));
  });

  it("renders typed literals for each column type", () => {
    const spec = {
      kind: "filter",
      params: {
        filter: {
          rules: [
            { column: "i", op: "lte", value: 3 },
            { column: "dt", op: "gte", value: "2024-01-31" },
            { column: "b", op: "isFalse" },
            { column: "s", op: "notIn", values: ["a", "b"] },
          ],
        },
      },
    };
    expect(compile(spec, "spark").sql.split("\n")[2]).toBe(
      "WHERE ((`i` <= 3) AND (`dt` >= DATE '2024-01-31') AND (`b` = FALSE) AND (NOT ((`s` = 'a') OR (`s` = 'b'))))",
    );
  });

  it("blocks DuckDB on a Java-only regex and says which step", () => {
    const spec = rule({ column: "s", op: "matchesRegex", value: "(?<=a)b" });
    const duck = compile(spec, "duckdb");
    expect(duck.blocking).toEqual({
      stepId: "params.filter.rules.0",
      dialect: "duckdb",
      reason: expect.stringContaining("look-around"),
    });
    expect(duck.sql).toBe("");
    const spark = compile(spec, "spark");
    expect(spark.blocking).toBeNull();
    expect(spark.sql).toContain("(`s` RLIKE '(?<=a)b')");
    expect(spark.steps.find((s) => s.id === "params.filter.rules.0")?.engines.duckdb.level).toBe("none");
  });
});

describe("sampling", () => {
  it("marks a ratio sample that hashes doubles as partial on DuckDB", () => {
    const out = compile({ kind: "filter", params: { sampling: { method: "randomRatio", ratio: 0.1 } } });
    const step = out.steps.find((s) => s.id === "params.sampling");
    expect(step?.engines.spark).toEqual({ level: "full" });
    expect(step?.engines.duckdb.level).toBe("partial");
    const narrow = compile({
      kind: "filter",
      params: { sampling: { method: "randomRatio", ratio: 0.1, columns: ["i"] } },
    });
    expect(narrow.steps.find((s) => s.id === "params.sampling")?.engines.duckdb).toEqual({ level: "full" });
  });

  it("puts the sample in the same WHERE as the filter, and first N as LIMIT", () => {
    const out = compile({
      kind: "filter",
      params: {
        filter: { rules: [{ column: "i", op: "isNotNull" }] },
        sampling: { method: "firstN", n: 10 },
      },
    });
    expect(out.sql).toMatchInlineSnapshot(`
      "SELECT "s", "i", "d", "dt", "b"
      FROM read_parquet('/d/t/*.parquet')
      WHERE (NOT ("i" IS NULL))
      LIMIT 10"
    `);
  });
});
