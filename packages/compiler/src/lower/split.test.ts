import type { DatasetSchema } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { compileRecipe } from "../compile.ts";
import type { CompileInput } from "../types.ts";

const schema: DatasetSchema = [
  { name: "s", type: "string" },
  { name: "i", type: "integer" },
  { name: "d", type: "double" },
];
const inputs: CompileInput[] = [{ name: "t", schema, location: { format: "parquet", path: "/d/t" } }];
const compile = (params: unknown, dialect: "spark" | "duckdb" = "duckdb") =>
  compileRecipe({ spec: { kind: "split", version: 1, params } as never, inputs, dialect });

describe("split", () => {
  it.each([
    [
      { mode: "rules", outputs: [{ rules: [{ column: "i", op: "equals", value: "x" }] }] },
      "invalid_value",
      ["params", "outputs", 0, "rules", 0, "value"],
    ],
    [
      {
        mode: "rules",
        outputs: [{ rules: [{ column: "s", op: "isNull" }] }, { rules: [{ column: "nope", op: "isNull" }] }],
      },
      "unknown_column",
      ["params", "outputs", 1, "rules", 0, "column"],
    ],
    [
      { mode: "rules", outputs: [{ rules: [{ kind: "formula", formula: "i +" }] }] },
      "invalid_formula",
      ["params", "outputs", 0, "rules", 0, "formula"],
    ],
    [
      { mode: "values", column: "i", outputs: [{ values: [1, 2] }, { values: [3, 2] }] },
      "invalid_value",
      ["params", "outputs", 1, "values", 1],
    ],
    [
      { mode: "values", column: "i", outputs: [{ values: ["a"] }] },
      "invalid_value",
      ["params", "outputs", 0, "values", 0],
    ],
    [{ mode: "values", column: "zz", outputs: [{ values: ["a"] }] }, "unknown_column", ["params", "column"]],
    [{ mode: "random", ratios: [0.6, 0.5] }, "invalid_value", ["params", "ratios"]],
    [{ mode: "random", ratios: [0.5], columns: ["zz"] }, "unknown_column", ["params", "columns", 0]],
  ])("rejects %j with %s at its path", (params, code, path) => {
    expect(() => compile(params)).toThrow(expect.objectContaining({ code, path }));
  });

  it("has one output per rule set, value list or ratio, plus other rows unless turned off", () => {
    const values = { mode: "values", column: "s", outputs: [{ values: ["a"] }, { values: [null] }] };
    expect(compile(values).sqlPerOutput).toHaveLength(3);
    expect(compile({ ...values, otherRows: false }).sqlPerOutput).toHaveLength(2);
    expect(compile({ mode: "random", ratios: [0.25, 0.25, 0.5], otherRows: false }).outputSchemas).toEqual([
      schema,
      schema,
      schema,
    ]);
  });

  it("says which step hashes doubles (partial on DuckDB) under params.ratios", () => {
    const out = compile({ mode: "random", ratios: [0.5] });
    const step = out.steps.find((s) => s.id === "params.ratios");
    expect(step?.engines.duckdb.level).toBe("partial");
    expect(step?.engines.spark.level).toBe("full");
  });

  it("keeps injection-corpus values as literals on both engines", () => {
    const corpus = ["x'; DROP TABLE t; --", "\\'", "a`b", 'a"b', "line\nbreak", "/* c */", "ünï 🚀"];
    const params = { mode: "values", column: "s", outputs: corpus.map((v) => ({ values: [v] })) };
    const spark = compile(params, "spark").sqlPerOutput!;
    const duck = compile(params, "duckdb").sqlPerOutput!;
    corpus.forEach((v, k) => {
      expect(spark[k]).toContain(`(\`s\` = '${v.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}')`);
      expect(duck[k]).toContain(`("s" = '${v.replaceAll("'", "''")}')`);
    });
  });
});
