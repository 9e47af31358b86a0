import { describe, expect, it } from "vitest";
import {
  designProblems,
  engineNotes,
  gridSize,
  MlDesignSchema,
  searchedCombinations,
  TrainRequestSchema,
  trainRequestFor,
} from "../src/index.ts";

// Validation kinds, hyperparameter grids, the search and class weights in the Lab's design: what
// a stored design reads as, what stops a design before training, and what reaches the trainer.

const stored = {
  task: "binary",
  target: "churned",
  features: [
    { name: "age", type: "numeric", impute: { method: "mean" }, rescale: "standard", include: true },
    {
      name: "signup",
      type: "categorical",
      impute: { method: "most_frequent" },
      maxLevels: 5,
      include: false,
    },
  ],
  validation: { kind: "random_split", testRatio: 0.2, seed: 1337 },
  algorithms: [{ algorithm: "logistic", C: 1, maxIter: 100 }],
  metric: "auc",
  engine: { kind: "local" },
};

describe("the design's validation and search", () => {
  it("reads a design stored before searches existed with a grid search and no class weights", () => {
    const d = MlDesignSchema.parse(stored);
    expect(d.search).toEqual({ kind: "grid" });
    expect(d.classWeights).toBe("none");
    expect(designProblems(d)).toEqual([]);
  });

  it("takes a time split, k-fold (3 to 10 folds) and per-setting value lists", () => {
    const time = MlDesignSchema.parse({
      ...stored,
      validation: { kind: "time_split", column: "signup", testRatio: 0.25 },
    });
    expect(time.validation).toEqual({ kind: "time_split", column: "signup", testRatio: 0.25 });
    for (const k of [2, 11])
      expect(MlDesignSchema.safeParse({ ...stored, validation: { kind: "kfold", k, seed: 1 } }).success).toBe(
        false,
      );
    const d = MlDesignSchema.parse({
      ...stored,
      validation: { kind: "kfold", k: 5, seed: 1 },
      algorithms: [
        { algorithm: "logistic", C: 1, maxIter: 100, grid: { C: [0.01, 0.1, 1, 10] } },
        {
          algorithm: "randomForest",
          nTrees: 50,
          maxDepth: null,
          minSamplesLeaf: 1,
          grid: { maxDepth: [3, null], nTrees: [10, 50, 100] },
        },
      ],
      search: { kind: "random", budget: 4, seed: 9 },
      classWeights: "balanced",
    });
    expect(d.algorithms.map(gridSize)).toEqual([4, 6]);
    expect(d.algorithms.map((a) => searchedCombinations(a, d.search))).toEqual([4, 4]);
    expect(designProblems(d)).toEqual([]);
    // A value outside the setting's range and a setting the algorithm does not have are refused.
    expect(
      MlDesignSchema.safeParse({ ...stored, algorithms: [{ ...stored.algorithms[0], grid: { C: [0, 1] } }] })
        .success,
    ).toBe(false);
    expect(
      MlDesignSchema.safeParse({ ...stored, algorithms: [{ ...stored.algorithms[0], grid: { alpha: [1] } }] })
        .success,
    ).toBe(false);
  });

  it("says what stops a design: a huge grid searched in full, class weights on numbers, the target as the time column", () => {
    const big = MlDesignSchema.parse({
      ...stored,
      algorithms: [
        {
          algorithm: "gbt",
          nTrees: 10,
          learningRate: 0.1,
          maxDepth: 3,
          minSamplesLeaf: 1,
          grid: {
            nTrees: [10, 20, 50, 100, 200],
            learningRate: [0.01, 0.05, 0.1, 0.2, 0.5],
            maxDepth: [2, 3, 4, 5, 6, 8, 10, 12, 14],
          },
        },
      ],
    });
    expect(designProblems(big)).toEqual([
      { path: "search", message: expect.stringContaining("225 combinations, more than 200") },
    ]);
    expect(designProblems({ ...big, search: { kind: "random", budget: 20, seed: 1 } })).toEqual([]);
    const regression = MlDesignSchema.parse({
      ...stored,
      task: "regression",
      metric: "r2",
      algorithms: [{ algorithm: "linear", alpha: 1 }],
      classWeights: "balanced",
      validation: { kind: "time_split", column: "churned", testRatio: 0.2 },
    });
    expect(designProblems(regression).map((p) => p.path)).toEqual(["classWeights", "validation.column"]);
  });

  it("passes the validation, search and class weights to the trainer, whose schema checks them again", () => {
    const d = MlDesignSchema.parse({
      ...stored,
      validation: { kind: "kfold", k: 4, seed: 3 },
      algorithms: [{ algorithm: "logistic", C: 1, maxIter: 100, grid: { C: [0.1, 1] } }],
      search: { kind: "random", budget: 1, seed: 2 },
      classWeights: "balanced",
    });
    const request = TrainRequestSchema.parse(trainRequestFor(d, { parquet: "/d", outputDir: "/o" }));
    expect(request.validation).toEqual({ kind: "kfold", k: 4, seed: 3 });
    expect(request.search).toEqual({ kind: "random", budget: 1, seed: 2 });
    expect(request.classWeights).toBe("balanced");
    expect(request.algorithms[0]!.grid).toEqual({ C: [0.1, 1] });
    const refused = TrainRequestSchema.safeParse({
      ...request,
      task: "regression",
      metric: "r2",
      algorithms: [{ algorithm: "linear", alpha: 1 }],
    });
    expect(refused.error?.issues.map((i) => i.message)).toEqual(["class weights need a class target"]);
  });

  it("notes how MLlib validates differently for each kind", () => {
    for (const [validation, pattern] of [
      [{ kind: "random_split", testRatio: 0.2, seed: 1 }, /randomSplit/],
      [{ kind: "time_split", column: "t", testRatio: 0.2 }, /same test rows as locally/],
      [{ kind: "kfold", k: 3, seed: 1 }, /folds are drawn with Spark's seeded rand/],
    ] as const) {
      const d = MlDesignSchema.parse({ ...stored, validation });
      expect(engineNotes(d, "databricks")[0]).toEqual({
        path: "validation",
        message: expect.stringMatching(pattern),
      });
      expect(engineNotes(d, "local")).toEqual([]);
    }
  });
});
