import type { DatasetSchema, RecipeSpec } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { compileRecipe } from "../compile.ts";
import type { CompileInput } from "../types.ts";

const schema: DatasetSchema = [
  { name: "g", type: "string" },
  { name: "x", type: "integer" },
  { name: "s", type: "string" },
];
const inputs: CompileInput[] = [{ name: "t", schema, location: { format: "parquet", path: "/d/t" } }];
const win = (aggregations: unknown[], orderBy: unknown[] = [{ column: "x" }]) => ({
  kind: "window",
  params: { partitionBy: ["g"], orderBy, aggregations },
});
const compile = (spec: unknown, dialect: "spark" | "duckdb" = "duckdb") =>
  compileRecipe({ spec: spec as never, inputs, dialect });

describe("window validation", () => {
  it.each([
    [win([{ fn: "rank" }], []), "invalid_window", ["params", "aggregations", 0]],
    [win([{ fn: "rank", column: "x" }]), "invalid_window", ["params", "aggregations", 0, "column"]],
    [win([{ fn: "lag" }]), "invalid_window", ["params", "aggregations", 0, "column"]],
    [win([{ fn: "sum", column: "s" }]), "invalid_column_type", ["params", "aggregations", 0, "fn"]],
    [
      win([{ fn: "rowNumber", frame: { unit: "rows", start: -1, end: 0 } }]),
      "invalid_window",
      ["params", "aggregations", 0, "frame"],
    ],
    [
      win([{ fn: "sum", column: "x", frame: { unit: "range", start: -2, end: 0 } }]),
      "invalid_window",
      ["params", "aggregations", 0, "frame"],
    ],
    [
      win([{ fn: "sum", column: "x", frame: { unit: "rows", start: 1, end: -1 } }]),
      "invalid_window",
      ["params", "aggregations", 0, "frame"],
    ],
    [
      win([{ fn: "lag", column: "x", default: "a" }]),
      "invalid_value",
      ["params", "aggregations", 0, "default"],
    ],
    [
      win([{ fn: "max", column: "x", as: "G" }]),
      "duplicate_output_name",
      ["params", "aggregations", 0, "as"],
    ],
  ])("rejects %j", (spec, code, path) => {
    expect(() => compile(spec)).toThrow(expect.objectContaining({ code, path }));
  });

  it("casts DuckDB's BIGINT ranks back to Spark's INT", () => {
    const spec = win([{ fn: "rowNumber" }]);
    expect(compile(spec, "duckdb").sql).toContain(
      'CAST(row_number() OVER (PARTITION BY "g" ORDER BY "x" ASC NULLS FIRST) AS INTEGER) AS "rowNumber"',
    );
    expect(compile(spec, "spark").sql).toContain(
      "row_number() OVER (PARTITION BY `g` ORDER BY `x` ASC NULLS FIRST) AS `rowNumber`",
    );
  });
});

describe("top-n", () => {
  it("picks a helper rank name no input column uses", () => {
    const clash: CompileInput[] = [
      { ...inputs[0]!, schema: [...schema, { name: "_RANK", type: "integer" }] },
    ];
    const out = compileRecipe({
      spec: {
        kind: "topN",
        version: 1,
        params: {
          orderBy: [{ column: "x", direction: "asc" }],
          n: 3,
          ranking: "rowNumber",
          partitionBy: ["g"],
        },
      },
      inputs: clash,
      dialect: "spark",
    });
    expect(out.sql).toContain("AS `__rank`");
    expect(out.outputSchemas[0]!.map((c) => c.name)).toEqual(["g", "x", "s", "_RANK"]);
  });

  it("takes the top n of the whole dataset by row number as ORDER BY ... LIMIT (a top-N, not a full sort)", () => {
    const topN = (params: Record<string, unknown>) =>
      compileRecipe({
        spec: {
          kind: "topN",
          version: 1,
          params: {
            orderBy: [{ column: "x", direction: "desc" }],
            n: 3,
            partitionBy: [],
            ranking: "rowNumber",
            ...params,
          },
        } as RecipeSpec,
        inputs,
        dialect: "duckdb",
      });
    const global = topN({});
    expect(global.sql).toMatch(/ORDER BY "x" DESC NULLS LAST\nLIMIT 3$/);
    expect(global.sql).not.toContain("row_number");
    expect(global.outputSchemas[0]!.map((c) => c.name)).toEqual(["g", "x", "s"]);
    // Ties are kept by rank, asked-for rank columns and groups need the window.
    for (const params of [
      { ranking: "rank" },
      { ranking: "denseRank" },
      { rankColumn: "r" },
      { partitionBy: ["g"] },
    ]) {
      const out = topN(params);
      expect(out.sql, JSON.stringify(params)).toContain(" OVER (");
      expect(out.sql, JSON.stringify(params)).not.toContain("LIMIT");
    }
  });
});
