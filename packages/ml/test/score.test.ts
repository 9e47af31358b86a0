import { AppError } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { type PortableModel, PortableModelSchema, scorePortable, TrainRequestSchema } from "../src/index.ts";

// Hand-made portable models whose answers are worked out by hand; the integration test
// (packages/ml-local) checks the scorer against scikit-learn itself.

const features: PortableModel["features"] = [
  { name: "age", type: "numeric", impute: 40, rescale: { kind: "standard", mean: 40, scale: 10 } },
  { name: "city", type: "categorical", impute: "paris", levels: ["paris", "lyon"], others: true },
];

const logistic: PortableModel = {
  format: "sous-portable-model",
  version: 1,
  task: "binary",
  classes: ["no", "yes"],
  features,
  // z = 2*age_std + 1*paris - 1*lyon + 0.5*others - 0.25
  model: { kind: "linear", link: "logistic", coefficients: [[2, 1, -1, 0.5]], intercepts: [-0.25] },
};
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe("scorePortable, linear", () => {
  it("rescales, one-hot encodes and applies the logistic link", () => {
    const s = scorePortable(logistic, { age: 50, city: "lyon" });
    expect(s.probabilities![1]).toBeCloseTo(sigmoid(2 - 1 - 0.25), 15);
    expect(s.prediction).toBe("yes");
    expect(scorePortable(logistic, { age: 20, city: "lyon" }).prediction).toBe("no");
  });

  it("imputes a missing or null feature with the fitted value", () => {
    const imputed = sigmoid(0 + 1 - 0.25); // age -> 40 (0 once standardised), city -> paris
    expect(scorePortable(logistic, {}).probabilities![1]).toBeCloseTo(imputed, 15);
    expect(scorePortable(logistic, { age: null, city: null }).probabilities![1]).toBeCloseTo(imputed, 15);
    expect(scorePortable(logistic, { age: Number.NaN }).probabilities![1]).toBeCloseTo(imputed, 15);
  });

  it("sends an unseen level to 'others', or to all zeros when the model has no such column", () => {
    expect(scorePortable(logistic, { age: 40, city: "nice" }).probabilities![1]).toBeCloseTo(
      sigmoid(0.25),
      15,
    );
    const noOthers: PortableModel = {
      ...logistic,
      features: [features[0]!, { ...features[1]!, others: false } as PortableModel["features"][number]],
      model: { kind: "linear", link: "logistic", coefficients: [[2, 1, -1]], intercepts: [-0.25] },
    };
    expect(scorePortable(noOthers, { age: 40, city: "nice" }).probabilities![1]).toBeCloseTo(
      sigmoid(-0.25),
      15,
    );
  });

  it("refuses a cell of the wrong type with a message naming the feature", () => {
    const call = () => scorePortable(logistic, { age: "fifty", city: "lyon" });
    expect(call).toThrow(AppError);
    expect(call).toThrow(/feature age is numeric: expected a number or null, got string "fifty"/);
    expect(() => scorePortable(logistic, { age: 1, city: { a: 1 } })).toThrow(
      /feature city is categorical: expected text, got object/,
    );
  });

  it("spells numbers and booleans as the trainer does for a categorical feature", () => {
    const m: PortableModel = {
      ...logistic,
      features: [
        { name: "k", type: "categorical", impute: "1", levels: ["1", "true", "2.5"], others: false },
      ],
      model: { kind: "linear", link: "logistic", coefficients: [[1, 2, 3]], intercepts: [0] },
    };
    expect(scorePortable(m, { k: 1 }).probabilities![1]).toBeCloseTo(sigmoid(1), 15);
    expect(scorePortable(m, { k: true }).probabilities![1]).toBeCloseTo(sigmoid(2), 15);
    expect(scorePortable(m, { k: 2.5 }).probabilities![1]).toBeCloseTo(sigmoid(3), 15);
  });

  it("uses softmax for multiclass and identity for regression; minmax is x * scale + offset", () => {
    const multi: PortableModel = {
      ...logistic,
      task: "multiclass",
      classes: [0, 1, 2],
      features: [
        { name: "x", type: "numeric", impute: 0, rescale: { kind: "minmax", scale: 0.5, offset: -1 } },
      ],
      model: { kind: "linear", link: "softmax", coefficients: [[1], [0], [-1]], intercepts: [0, 0, 0] },
    };
    const s = scorePortable(multi, { x: 4 }); // x' = 1
    const e = [Math.E, 1, 1 / Math.E];
    const sum = e[0]! + e[1]! + e[2]!;
    for (const [i, p] of s.probabilities!.entries()) expect(p).toBeCloseTo(e[i]! / sum, 15);
    expect(s.prediction).toBe(0);
    const reg: PortableModel = {
      ...multi,
      task: "regression",
      classes: null,
      model: { kind: "linear", link: "identity", coefficients: [[3]], intercepts: [1] },
    };
    expect(scorePortable(reg, { x: 4 }).prediction).toBe(4);
  });
});

describe("scorePortable, trees", () => {
  // One split at a threshold between 0.1 and its float32 rounding (0.10000000149...).
  const tree = (value: number[][], threshold = 0.1000000001) => ({
    feature: [0, -2, -2],
    threshold: [threshold, -2, -2],
    left: [1, -1, -1],
    right: [2, -1, -1],
    value,
  });
  const stump: PortableModel = {
    format: "sous-portable-model",
    version: 1,
    task: "binary",
    classes: [false, true],
    features: [{ name: "x", type: "numeric", impute: 0, rescale: { kind: "none" } }],
    model: {
      kind: "trees",
      inputFloat32: true,
      trees: [
        tree([
          [0.5, 0.5],
          [0.9, 0.1],
          [0.2, 0.8],
        ]),
      ],
    },
  };

  it("compares the input rounded to float32, as scikit-learn does", () => {
    // In float64, 0.1 <= 0.1000000001 (left); scikit-learn sees float32(0.1) > it (right).
    expect(scorePortable(stump, { x: 0.1 })).toEqual({ prediction: true, probabilities: [0.2, 0.8] });
    const float64 = { ...stump, model: { ...stump.model, inputFloat32: false } } as PortableModel;
    expect(scorePortable(float64, { x: 0.1 })).toEqual({ prediction: false, probabilities: [0.9, 0.1] });
  });

  it("averages a forest's trees", () => {
    const forest: PortableModel = {
      ...stump,
      model: {
        kind: "trees",
        inputFloat32: true,
        trees: [
          tree([
            [0.5, 0.5],
            [1, 0],
            [0, 1],
          ]),
          tree(
            [
              [0.5, 0.5],
              [0.6, 0.4],
              [0.4, 0.6],
            ],
            5,
          ),
        ],
      },
    };
    // x = 1 goes right in the first tree (0, 1) and left in the second (0.6, 0.4).
    const [p0, p1] = scorePortable(forest, { x: 1 }).probabilities!;
    expect(p0).toBeCloseTo(0.3, 15);
    expect(p1).toBeCloseTo(0.7, 15);
    const reg: PortableModel = {
      ...forest,
      task: "regression",
      classes: null,
      model: {
        kind: "trees",
        inputFloat32: true,
        trees: [tree([[0], [1], [3]]), tree([[0], [10], [20]], 5)],
      },
    };
    expect(scorePortable(reg, { x: 1 }).prediction).toBe(6.5);
  });

  it("rejects a tree whose children would loop or leave the arrays", () => {
    const bad = {
      ...stump,
      model: {
        ...stump.model,
        trees: [
          {
            ...tree([
              [1, 0],
              [1, 0],
              [0, 1],
            ]),
            left: [0, -1, -1],
          },
        ],
      },
    };
    expect(PortableModelSchema.safeParse(bad).error?.issues[0]?.message).toBe("node 0 has invalid children");
    expect(PortableModelSchema.safeParse(stump).success).toBe(true);
  });
});

describe("TrainRequestSchema", () => {
  const ok = {
    parquet: "/data/v1",
    task: "binary",
    target: "y",
    features: [{ name: "x", type: "numeric", impute: { method: "constant", value: 0 }, rescale: "none" }],
    validation: { kind: "random_split", testRatio: 0.2, seed: 3 },
    algorithms: [{ algorithm: "randomForest", nTrees: 10, maxDepth: null, minSamplesLeaf: 1 }],
    metric: "auc",
    outputDir: "/out",
  };

  it("accepts a valid request and defaults sampleRows to 0", () => {
    expect(TrainRequestSchema.parse(ok).sampleRows).toBe(0);
  });

  it("names each problem: duplicate feature, metric of another task, unknown key, bad ratio", () => {
    const messages = (r: unknown) =>
      TrainRequestSchema.safeParse(r).error?.issues.map((i) => i.message) ?? [];
    expect(messages({ ...ok, features: [ok.features[0], ok.features[0]] })).toEqual([
      "feature x is listed twice",
    ]);
    expect(messages({ ...ok, metric: "rmse" })).toEqual(["rmse is not a binary metric"]);
    expect(messages({ ...ok, extra: 1 })).toHaveLength(1);
    expect(
      TrainRequestSchema.safeParse({ ...ok, validation: { ...ok.validation, testRatio: 1 } }).success,
    ).toBe(false);
    expect(
      TrainRequestSchema.safeParse({
        ...ok,
        features: [{ name: "c", type: "categorical", impute: { method: "mean" }, maxLevels: 5 }],
      }).success,
    ).toBe(false);
  });
});
