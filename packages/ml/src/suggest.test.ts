import { describe, expect, it } from "vitest";
import { designProblems, trainRequestFor } from "./design.ts";
import { type ColumnProfile, exclusionReason, guessTask, suggestDesign } from "./suggest.ts";

const col = (over: Partial<ColumnProfile> & Pick<ColumnProfile, "name" | "type">): ColumnProfile => ({
  rows: 100,
  nonNull: 100,
  distinct: 10,
  targetCorrelation: null,
  ...over,
});

describe("guessTask", () => {
  it("reads the task from the target column", () => {
    expect(guessTask(col({ name: "t", type: "boolean", distinct: 2 }))).toBe("binary");
    expect(guessTask(col({ name: "t", type: "string", distinct: 2 }))).toBe("binary");
    expect(guessTask(col({ name: "t", type: "string", distinct: 5 }))).toBe("multiclass");
    expect(guessTask(col({ name: "t", type: "integer", distinct: 4 }))).toBe("multiclass");
    expect(guessTask(col({ name: "t", type: "double", distinct: 90 }))).toBe("regression");
  });
});

describe("exclusionReason", () => {
  it("names identifiers, constants, empties, leaks and huge categoricals", () => {
    expect(exclusionReason(col({ name: "id", type: "integer", distinct: 100 }))).toMatch(/identifier/);
    expect(exclusionReason(col({ name: "c", type: "string", distinct: 1 }))).toMatch(/constant/);
    expect(exclusionReason(col({ name: "e", type: "double", nonNull: 0, distinct: 0 }))).toMatch(/empty/);
    expect(exclusionReason(col({ name: "l", type: "double", targetCorrelation: -0.99 }))).toMatch(
      /leaks the target: correlation -0.990/,
    );
    expect(
      exclusionReason(col({ name: "s", type: "string", rows: 5000, nonNull: 4000, distinct: 3000 })),
    ).toMatch(/3,000 distinct values/);
    // A unique double is a measurement, not an identifier.
    expect(
      exclusionReason(col({ name: "x", type: "double", distinct: 100, targetCorrelation: 0.4 })),
    ).toBeNull();
  });
});

describe("suggestDesign", () => {
  const columns = [
    col({ name: "id", type: "bigint", distinct: 100 }),
    col({ name: "age", type: "integer", distinct: 50, targetCorrelation: 0.3 }),
    col({ name: "city", type: "string", distinct: 8 }),
    col({ name: "churned", type: "boolean", distinct: 2 }),
  ];

  it("proposes a design that trains, with reasons for what it leaves out", () => {
    const { design, reasons } = suggestDesign(columns, "churned");
    expect(design.task).toBe("binary");
    expect(design.metric).toBe("auc");
    expect(design.features.map((f) => [f.name, f.type, f.include])).toEqual([
      ["id", "numeric", false],
      ["age", "numeric", true],
      ["city", "categorical", true],
    ]);
    expect(Object.keys(reasons)).toEqual(["id"]);
    expect(designProblems(design)).toEqual([]);
    const request = trainRequestFor(design, { parquet: "/p", outputDir: "/o" });
    expect(request.features.map((f) => f.name)).toEqual(["age", "city"]);
    expect(request.features.every((f) => !("include" in f))).toBe(true);
  });

  it("names each problem of a design that cannot train", () => {
    const { design } = suggestDesign(columns, "churned");
    const bad = {
      ...design,
      task: "regression" as const,
      features: design.features.map((f) => ({ ...f, include: false })),
      algorithms: [{ algorithm: "logistic" as const, C: 1, maxIter: 10 }],
    };
    expect(designProblems(bad).map((p) => p.path)).toEqual(["features", "algorithms", "metric"]);
    // What the chosen engine cannot train is a problem too (MLlib trains no multiclass GBT).
    const gbt = { algorithm: "gbt" as const, nTrees: 10, learningRate: 0.1, maxDepth: 3, minSamplesLeaf: 1 };
    const multi = { ...design, task: "multiclass" as const, metric: "accuracy" as const, algorithms: [gbt] };
    expect(designProblems(multi)).toEqual([]);
    const remote = { ...multi, engine: { kind: "databricks" as const, connectionId: "c1", profileId: "p1" } };
    expect(designProblems(remote).map((p) => p.path)).toEqual(["algorithms.0"]);
  });
});
