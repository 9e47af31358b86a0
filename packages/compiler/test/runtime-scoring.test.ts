import type { DatasetSchema, RecipeSpec } from "@sous/contracts";
import type { PortableModel } from "@sous/ml";
import { describe, expect, it } from "vitest";
import { compilePipeline, compileRecipe, compileScoringSql, inferOutputSchemas } from "../src/index.ts";

// A model version without a portable form scores through its runtime (the worker runs it): the
// compiler still gives its output schema before any build, the same columns the SQL path writes
// for the same classes, and says on each engine's verdict what scores it.

const schema: DatasetSchema = [
  { name: "id", type: "integer" },
  { name: "x", type: "double" },
  { name: "cat", type: "string" },
];
const portable = (classes: (string | number | boolean)[] | null): PortableModel => ({
  format: "sous-portable-model",
  version: 1,
  task: classes === null ? "regression" : classes.length === 2 ? "binary" : "multiclass",
  classes,
  features: [{ name: "x", type: "numeric", impute: 0.5, rescale: { kind: "none" } }],
  model: {
    kind: "linear",
    link: classes === null ? "identity" : classes.length === 2 ? "logistic" : "softmax",
    coefficients: classes && classes.length > 2 ? classes.map(() => [0.5]) : [[0.5]],
    intercepts: classes && classes.length > 2 ? classes.map(() => 0) : [0],
  },
});
const context = (engine: "scikit-learn" | "mllib", classes: (string | number | boolean)[] | null) => ({
  scoringModel: {
    savedModelId: "sm1",
    savedModelName: "churn",
    versionId: "v1",
    versionNumber: 2,
    portable: null,
    runtime: { engine, classes, features: ["x", "cat", "gone"] },
  },
});
const spec = (params: Record<string, string> = {}): RecipeSpec => ({
  kind: "score",
  version: 1,
  params: { savedModelId: "sm1", ...params },
});
const input = { name: "rows", schema, location: { format: "parquet" as const, path: "/data/rows" } };

describe("score recipe through the model's runtime", () => {
  it.each([
    [["no", "yes"], {}],
    [[true, false], { predictionColumn: "label" }],
    [[3, 1, 2], { probabilityPrefix: "p_" }],
    [["a b", "a_b", "c-d"], {}],
    [null, {}],
  ] as const)("names the output columns as the SQL path does (classes %j)", (classes, params) => {
    const runtime = inferOutputSchemas({
      spec: spec(params),
      inputs: [input],
      context: context("scikit-learn", classes === null ? null : [...classes]),
    });
    const sql = compileScoringSql({
      model: portable(classes === null ? null : [...classes]),
      dialect: "duckdb",
      input,
      ...params,
    });
    expect(runtime).toEqual([sql.outputSchema]);
  });

  it("says scikit-learn scores it locally and Databricks cannot; MLlib nowhere yet", () => {
    const local = compileRecipe({
      spec: spec(),
      inputs: [input],
      dialect: "duckdb",
      context: context("scikit-learn", ["no", "yes"]),
    });
    expect(local.sql).toBe("");
    expect(local.steps[0]!.engines.duckdb).toEqual({
      level: "partial",
      condition: expect.stringMatching(/scores with scikit-learn in Python \(no SQL\)/),
    });
    expect(local.steps[0]!.engines.spark.level).toBe("none");
    expect(local.blocking?.reason).toMatch(/scores with scikit-learn \(no SQL\)/);
    // Lineage: the predictions derive from the features the input has.
    expect(local.lineage[0]!.find((l) => l.output === "prediction")!.from).toEqual([
      { input: 0, column: "x" },
      { input: 0, column: "cat" },
    ]);
    const remote = compileRecipe({
      spec: spec(),
      inputs: [input],
      dialect: "spark",
      context: context("mllib", ["no", "yes"]),
    });
    // No MLlib runtime path: neither engine runs it, and both say why; Databricks says what to do
    // (a retrain gives the version a portable form).
    expect(remote.steps[0]!.engines.spark).toEqual({
      level: "none",
      reason: expect.stringMatching(/not available yet: retrain the saved model from the Flow/),
    });
    expect(remote.steps[0]!.engines.duckdb.level).toBe("none");
    expect(remote.blocking?.reason).toMatch(/retrain the saved model from the Flow/);
  });

  it("refuses a prediction column that clashes with the input, as the SQL path does", () => {
    expect(() =>
      compileRecipe({
        spec: spec({ predictionColumn: "X" }),
        inputs: [input],
        dialect: "duckdb",
        context: context("scikit-learn", ["no", "yes"]),
      }),
    ).toThrow(/"X" is already a column of the input/);
  });

  it("ends a pipeline with the schema of the recipes before it", () => {
    const c = compilePipeline({
      dialect: "duckdb",
      steps: [
        {
          name: "keep",
          spec: { kind: "prepare", version: 1, params: { steps: [] } } as unknown as RecipeSpec,
          inputs: [input],
        },
        { name: "score", spec: spec(), inputs: [{ step: 0 }], context: context("scikit-learn", ["n", "y"]) },
      ],
    });
    expect(c.outputSchemas[0]!.map((x) => x.name)).toEqual([
      "id",
      "x",
      "cat",
      "prediction",
      "proba_n",
      "proba_y",
    ]);
  });
});

describe("evaluate recipe with a model without a portable form", () => {
  it("is refused, naming the model and what to use instead", () => {
    expect(() =>
      compileRecipe({
        spec: {
          kind: "evaluate",
          version: 1,
          params: { savedModelId: "sm1", labelColumn: "cat" },
        } as unknown as RecipeSpec,
        inputs: [input],
        dialect: "duckdb",
        context: context("scikit-learn", ["u", "v"]),
      }),
    ).toThrow(
      /Saved model churn \(version 2\) has no portable form: an evaluation recipe scores in SQL only/,
    );
  });
});
