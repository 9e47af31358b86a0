import { describe, expect, it } from "vitest";
import { engineProblems, type PortableModel, PortableModelSchema, scorePortable } from "../src/index.ts";

// Boosted trees (gbt) worked out by hand: raw = base + sum of weight x leaf, then the link.

const features: PortableModel["features"] = [
  { name: "x", type: "numeric", impute: 0, rescale: { kind: "none" } },
];
// A stump: x <= 1 goes left (leaf 1), else right (leaf 2).
const stump = (left: number, right: number) => ({
  feature: [0, -2, -2],
  threshold: [1, -2, -2],
  left: [1, -1, -1],
  right: [2, -1, -1],
  value: [[0], [left], [right]],
});

const binary: PortableModel = {
  format: "sous-portable-model",
  version: 1,
  task: "binary",
  classes: ["no", "yes"],
  features,
  model: {
    kind: "boosted",
    inputFloat32: false,
    link: "logistic",
    base: [-0.5],
    trees: [stump(-1, 1), stump(-2, 2)],
    weights: [0.1, 0.2],
    outputs: [0, 0],
  },
};
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe("scorePortable, boosted trees", () => {
  it("adds the weighted leaves to the base and applies the logistic link", () => {
    const right = scorePortable(binary, { x: 3 });
    expect(right.probabilities![1]).toBe(sigmoid(-0.5 + 0.1 * 1 + 0.2 * 2));
    expect(right.prediction).toBe("no"); // raw is exactly 0, and the second class needs raw > 0
    const left = scorePortable(binary, { x: 0 });
    expect(left.probabilities![1]).toBe(sigmoid(-0.5 - 0.1 - 0.4));
    expect(
      scorePortable({ ...binary, model: { ...binary.model, base: [0] } } as PortableModel, { x: 3 })
        .prediction,
    ).toBe("yes");
  });

  it("adds each tree to its own output for softmax, and nothing more for regression", () => {
    const multi = PortableModelSchema.parse({
      ...binary,
      task: "multiclass",
      classes: ["a", "b", "c"],
      model: { ...binary.model, link: "softmax", base: [0, 0, 0], outputs: [1, 2] },
    });
    const s = scorePortable(multi, { x: 3 });
    const e = [1, Math.exp(0.1), Math.exp(0.4)];
    const sum = e[0]! + e[1]! + e[2]!;
    expect(s.probabilities).toEqual(e.map((v) => expect.closeTo(v / sum, 15)));
    expect(s.prediction).toBe("c");
    const regression = {
      ...binary,
      task: "regression",
      classes: null,
      model: { ...binary.model, link: "identity" },
    };
    expect(scorePortable(PortableModelSchema.parse(regression), { x: 0 }).prediction).toBe(-0.5 - 0.1 - 0.4);
  });

  it("refuses weights or outputs that do not match the trees", () => {
    expect(
      PortableModelSchema.safeParse({ ...binary, model: { ...binary.model, weights: [1] } }).success,
    ).toBe(false);
    expect(
      PortableModelSchema.safeParse({ ...binary, model: { ...binary.model, outputs: [0, 1] } }).success,
    ).toBe(false);
  });

  it("is not available for a multiclass target on MLlib (binary and regression only)", () => {
    const gbt = { algorithm: "gbt" as const, nTrees: 10, learningRate: 0.1, maxDepth: 3, minSamplesLeaf: 1 };
    expect(engineProblems({ task: "multiclass", algorithms: [gbt] }, "databricks")).toEqual([
      { path: "algorithms.0", message: "gbt does not train a multiclass model on Databricks (Spark MLlib)." },
    ]);
    expect(engineProblems({ task: "multiclass", algorithms: [gbt] }, "local")).toEqual([]);
    expect(engineProblems({ task: "binary", algorithms: [gbt] }, "databricks")).toEqual([]);
  });
});
