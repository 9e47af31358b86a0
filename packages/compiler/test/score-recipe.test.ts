import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { DatasetSchema, RecipeSpec } from "@sous/contracts";
import { type PortableModel, scorePortable } from "@sous/ml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CompileError,
  type CompileInput,
  compilePipeline,
  compileRecipe,
  inferOutputSchemas,
} from "../src/index.ts";

// The score recipe kind: compileScoringSql behind a recipe (its model from the compile context),
// alone over a stored dataset or ending a pipeline whose earlier recipes become its FROM. Run on
// real DuckDB against the TypeScript reference scorer (itself checked against scikit-learn).

const model: PortableModel = {
  format: "sous-portable-model",
  version: 1,
  task: "multiclass",
  classes: ["a", "b", "c"],
  features: [
    { name: "x", type: "numeric", impute: 0.5, rescale: { kind: "standard", mean: 1, scale: 2 } },
    { name: "cat", type: "categorical", impute: "u", levels: ["u", "v"], others: true },
  ],
  model: {
    kind: "linear",
    link: "softmax",
    coefficients: [
      [0.7, -0.2, 0.4, 0.1],
      [-0.3, 0.5, -0.6, 0.2],
      [0.1, 0.05, 0.3, -0.9],
    ],
    intercepts: [0.1, -0.2, 0.05],
  },
};
const context = (portable: unknown | null = model) => ({
  scoringModel: {
    savedModelId: "sm1",
    savedModelName: "churn",
    versionId: "v1",
    versionNumber: 3,
    portable,
  },
});
const score = (
  params: Partial<{ predictionColumn: string; probabilityPrefix: string }> = {},
): RecipeSpec => ({
  kind: "score",
  version: 1,
  params: { savedModelId: "sm1", ...params },
});
const schema: DatasetSchema = [
  { name: "id", type: "integer" },
  { name: "x", type: "double" },
  { name: "cat", type: "string" },
];
const rows: [number, number | null, string | null][] = [
  [1, 0.5, "u"],
  [2, null, "v"],
  [3, -3.25, "w"],
  [4, 12, null],
  [5, 2, "v"],
];

let dir: string;
let input: CompileInput;
let instance: DuckDBInstance;
let c: DuckDBConnection;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "score-recipe-"));
  instance = await DuckDBInstance.create(":memory:");
  c = await instance.connect();
  const values = rows
    .map(
      ([id, x, cat]) => `(${id}, ${x === null ? "NULL" : x}::DOUBLE, ${cat === null ? "NULL" : `'${cat}'`})`,
    )
    .join(", ");
  await c.run(
    `COPY (SELECT col0::INTEGER AS id, col1 AS x, col2 AS cat FROM (VALUES ${values})) TO '${dir}/part-0.parquet' (FORMAT parquet)`,
  );
  input = { name: "customers", schema, location: { format: "parquet", path: dir } };
});
afterAll(() => {
  c?.closeSync();
  instance?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

async function run(sql: string) {
  const r = await c.runAndReadAll(`SELECT * FROM (${sql}) ORDER BY id`);
  const names = r.columnNames();
  return r.getRowsJS().map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]])));
}

const expected = (keep: (typeof rows)[number][]) =>
  keep.map(([id, x, cat]) => {
    const s = scorePortable(model, { x, cat });
    return {
      id,
      x,
      cat,
      prediction: s.prediction,
      ...Object.fromEntries(s.probabilities!.map((p, k) => [`proba_${model.classes![k]}`, p])),
    };
  });

describe("score recipe", () => {
  it("scores a stored dataset alone: the input's columns, then prediction and one probability per class", async () => {
    const compiled = compileRecipe({ spec: score(), inputs: [input], dialect: "duckdb", context: context() });
    expect(compiled.outputSchemas[0]!.map((col) => col.name)).toEqual([
      "id",
      "x",
      "cat",
      "prediction",
      "proba_a",
      "proba_b",
      "proba_c",
    ]);
    expect(compiled.lineage[0]!.find((l) => l.output === "proba_b")!.from).toEqual([
      { input: 0, column: "x" },
      { input: 0, column: "cat" },
    ]);
    const got = await run(compiled.sql);
    const want = expected(rows);
    expect(got.map((r) => r.prediction)).toEqual(want.map((r) => r.prediction));
    for (const [i, r] of got.entries())
      for (const k of ["a", "b", "c"])
        expect(
          Math.abs((r[`proba_${k}`] as number) - (want[i]![`proba_${k}` as "x"] as number)),
        ).toBeLessThan(1e-12);
    const pipeline = compilePipeline({
      steps: [{ name: "scored", spec: score(), inputs: [input], context: context() }],
      dialect: "duckdb",
    });
    expect(pipeline.sql).toBe(compiled.sql);
    expect(pipeline.steps.map((s) => s.id)).toEqual(["0/score"]);
  });

  it("ends a pipeline: the filter before it is its FROM, one statement, lineage back to the stored input", async () => {
    const filter: RecipeSpec = {
      kind: "filter",
      version: 1,
      params: { filter: { combine: "and", rules: [{ column: "id", op: "gte", value: 3 }] } },
    } as RecipeSpec;
    const c1 = compilePipeline({
      steps: [
        { name: "recent", spec: filter, inputs: [input] },
        {
          name: "scored",
          spec: score({ predictionColumn: "label", probabilityPrefix: "p_" }),
          inputs: [{ step: 0 }],
          context: context(),
        },
      ],
      dialect: "duckdb",
    });
    expect(c1.steps.map((s) => s.id).at(-1)).toBe("1/score");
    expect(c1.inputs).toEqual([input]);
    const got = await run(c1.sql);
    const want = expected(rows.filter((r) => r[0] >= 3));
    expect(got.map((r) => [r.id, r.label])).toEqual(want.map((r) => [r.id, r.prediction]));
    expect(Object.keys(got[0]!)).toEqual(["id", "x", "cat", "label", "p_a", "p_b", "p_c"]);
    expect(c1.lineage[0]!.find((l) => l.output === "x")!.from).toEqual([{ input: 0, column: "x" }]);
    // The same pipeline in Spark SQL: one SELECT over the filter's query, read from the Parquet path.
    const spark = compilePipeline({
      steps: [
        { name: "recent", spec: filter, inputs: [input] },
        { name: "scored", spec: score(), inputs: [{ step: 0 }], context: context() },
      ],
      dialect: "spark",
    });
    expect(spark.sql).toMatch(/^SELECT /);
    expect(spark.sql).toContain(`parquet.\`${dir}\``);
    expect(spark.sql.replaceAll(dir, "<dir>")).toMatchSnapshot();
  });

  it("infers the output schema from the model without rendering", () => {
    expect(inferOutputSchemas({ spec: score(), inputs: [input], context: context() })[0]!.slice(3)).toEqual([
      { name: "prediction", type: "string" },
      { name: "proba_a", type: "double" },
      { name: "proba_b", type: "double" },
      { name: "proba_c", type: "double" },
    ]);
  });

  it("refuses clearly: no model loaded, a version without a portable form, a clashing column, a score inside a pipeline", () => {
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(CompileError);
        return e as CompileError;
      }
      throw new Error("expected a CompileError");
    };
    expect(err(() => compileRecipe({ spec: score(), inputs: [input], dialect: "duckdb" })).code).toBe(
      "missing_compile_input",
    );
    const noPortable = err(() =>
      compileRecipe({ spec: score(), inputs: [input], dialect: "spark", context: context(null) }),
    );
    expect(noPortable.message).toContain("Saved model churn (version 3) has no portable form");
    expect(noPortable.path).toEqual(["params", "savedModelId"]);
    const clash = err(() =>
      compileRecipe({
        spec: score({ predictionColumn: "cat" }),
        inputs: [input],
        dialect: "duckdb",
        context: context(),
      }),
    );
    expect(clash.code).toBe("duplicate_output_name");
    expect(clash.message).toContain("Saved model churn (version 3)");
    const inside = err(() =>
      compilePipeline({
        steps: [
          { name: "scored", spec: score(), inputs: [input], context: context() },
          {
            name: "again",
            spec: { kind: "distinct", version: 1, params: {} } as RecipeSpec,
            inputs: [{ step: 0 }],
          },
        ],
        dialect: "duckdb",
      }),
    );
    expect(inside.message).toContain("A score recipe ends a pipeline");
  });
});
