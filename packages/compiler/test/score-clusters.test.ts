import type { DatasetSchema, RecipeSpec } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { compileClustersSql, compilePipeline, compileRecipe, inferOutputSchemas } from "../src/index.ts";

// A Score recipe on a clustering saved model: a k-means's portable form compiles to SQL (its
// nearest centroid, compileClustersSql) on both engines; a Gaussian mixture scores through its
// runtime with the same output schema, known before a build. Evaluation refuses both.

const schema: DatasetSchema = [
  { name: "id", type: "integer" },
  { name: "x", type: "double" },
  { name: "c", type: "string" },
];
const input = { name: "rows", schema, location: { format: "parquet" as const, path: "/data/rows" } };
const portable = {
  format: "sous-portable-clusters",
  version: 1,
  features: [
    { name: "x", type: "numeric", impute: 2, rescale: { kind: "none" } },
    { name: "c", type: "categorical", impute: "a", levels: ["a", "b"], others: false },
  ],
  centroids: [
    [0, 1, 0],
    [5, 0, 1],
  ],
};
const model = (kind: "portable" | "runtime") => ({
  scoringModel: {
    savedModelId: "sm1",
    savedModelName: "segments",
    versionId: "v1",
    versionNumber: 3,
    ...(kind === "portable"
      ? { portable }
      : {
          portable: null,
          runtime: {
            engine: "scikit-learn" as const,
            classes: null,
            features: ["x", "c"],
            task: "clustering" as const,
          },
        }),
  },
});
const score = (params: Record<string, string> = {}): RecipeSpec => ({
  kind: "score",
  version: 1,
  params: { savedModelId: "sm1", ...params },
});

describe("score recipe on a clustering saved model", () => {
  it.each(["duckdb", "spark"] as const)("compiles a k-means to its nearest-centroid SQL on %s", (dialect) => {
    const c = compileRecipe({ spec: score(), inputs: [input], dialect, context: model("portable") });
    const direct = compileClustersSql({ model: portable, dialect, input });
    expect(c.outputSchemas).toEqual([direct.outputSchema]);
    expect(c.outputSchemas[0]!.at(-1)).toEqual({ name: "cluster", type: "integer" });
    expect(c.blocking).toBeNull();
    expect(c.steps[0]!.engines[dialect].level).toBe("full");
    // Lineage: the cluster derives from the model's features.
    expect(c.lineage[0]!.find((l) => l.output === "cluster")!.from).toEqual([
      { input: 0, column: "x" },
      { input: 0, column: "c" },
    ]);
  });

  it("names the cluster column after the recipe's prediction column, and refuses a taken name", () => {
    const c = compileRecipe({
      spec: score({ predictionColumn: "segment" }),
      inputs: [input],
      dialect: "duckdb",
      context: model("portable"),
    });
    expect(c.outputSchemas[0]!.at(-1)).toEqual({ name: "segment", type: "integer" });
    for (const kind of ["portable", "runtime"] as const)
      expect(() =>
        compileRecipe({
          spec: score({ predictionColumn: "X" }),
          inputs: [input],
          dialect: "duckdb",
          context: model(kind),
        }),
      ).toThrow(/"X" is already a column of the input/);
  });

  it("gives a runtime-scored clustering (a Gaussian mixture) the k-means's output schema before a build", () => {
    const runtime = inferOutputSchemas({ spec: score(), inputs: [input], context: model("runtime") });
    const sql = inferOutputSchemas({ spec: score(), inputs: [input], context: model("portable") });
    expect(runtime).toEqual(sql);
    const c = compileRecipe({ spec: score(), inputs: [input], dialect: "duckdb", context: model("runtime") });
    expect(c.sql).toBe("");
    expect(c.blocking?.reason).toMatch(/scikit-learn/);
    const pipeline = compilePipeline({
      dialect: "duckdb",
      steps: [
        {
          name: "keep",
          spec: { kind: "prepare", version: 1, params: { steps: [] } } as unknown as RecipeSpec,
          inputs: [input],
        },
        { name: "score", spec: score(), inputs: [{ step: 0 }], context: model("portable") },
      ],
    });
    expect(pipeline.outputSchemas[0]!.map((x) => x.name)).toEqual(["id", "x", "c", "cluster"]);
  });

  it.each(["portable", "runtime"] as const)("refuses an evaluation recipe on a %s clustering", (kind) => {
    expect(() =>
      compileRecipe({
        spec: { kind: "evaluate", version: 1, params: { savedModelId: "sm1", labelColumn: "id" } },
        inputs: [input],
        dialect: "duckdb",
        context: model(kind),
      }),
    ).toThrow(/is a clustering: evaluation recipes do not support clustering models yet/);
  });
});
