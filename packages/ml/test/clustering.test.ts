import { describe, expect, it } from "vitest";
import {
  CLUSTER_ALGORITHM_SUPPORT,
  type ClusterAlgorithm,
  ClusterTrainRequestSchema,
  clusterProblems,
  nearestCentroid,
  PortableClusterModelSchema,
} from "../src/index.ts";

const features = [
  { name: "x", type: "numeric", impute: 2, rescale: { kind: "standard", mean: 1, scale: 2 } },
  { name: "c", type: "categorical", impute: "a", levels: ["a", "b"], others: true },
] as const;

describe("clustering contracts", () => {
  it("a portable k-means needs one centroid value per input column (numeric 1, one-hot levels + others)", () => {
    const ok = { format: "sous-portable-clusters", version: 1, features, centroids: [[0, 1, 0, 0]] };
    expect(PortableClusterModelSchema.safeParse(ok).success).toBe(true);
    const short = { ...ok, centroids: [[0, 1, 0]] };
    expect(PortableClusterModelSchema.safeParse(short).error?.issues[0]?.message).toMatch(/4 input columns/);
  });

  it("nearest centroid: imputes, rescales and one-hots as the trainer, unseen levels go to others, ties to the first", () => {
    const model = PortableClusterModelSchema.parse({
      format: "sous-portable-clusters",
      version: 1,
      features,
      centroids: [
        [0, 1, 0, 0],
        [1, 0, 1, 0],
        [1, 0, 0, 1],
      ],
    });
    // x = 3 -> (3 - 1) / 2 = 1; c = b -> [0, 1, 0]: centroid 1 exactly.
    expect(nearestCentroid(model, { x: 3, c: "b" })).toBe(1);
    // An unseen level joins "others": centroid 2.
    expect(nearestCentroid(model, { x: 3, c: "zzz" })).toBe(2);
    // NULLs take the imputed values: x = 2 -> 0.5, c = a -> centroid 0 (0.25) beats 1 and 2 (2.25).
    expect(nearestCentroid(model, { x: null, c: null })).toBe(0);
    // Equidistant from two centroids: the first wins, as numpy's argmin.
    const tie = PortableClusterModelSchema.parse({
      ...model,
      centroids: [
        [1, 0, 0, 0],
        [1, 0, 0, 0],
      ],
    });
    expect(nearestCentroid(tie, { x: 3, c: "a" })).toBe(0);
  });

  it("a bisecting k-means descends its tree to the nearest child, which is not always the nearest leaf", () => {
    // One numeric feature (no rescale): split at the root between an inner node centered at 0
    // (leaves -3 and 1.4) and leaf 10. x = 4.5 is nearest to leaf 1.4 overall... and to the inner
    // node's 0 (4.5) rather than 10 (5.5), so both agree; x = 5.2 is nearer 10 (4.8) than 0 (5.2)
    // at the root: cluster 2, although leaf 1.4 (3.8) is the nearest centroid.
    const one = [{ name: "x", type: "numeric", impute: 0, rescale: { kind: "none" } }] as const;
    const model = PortableClusterModelSchema.parse({
      format: "sous-portable-clusters",
      version: 1,
      features: one,
      centroids: [[-3], [1.4], [10]],
      tree: [
        { center: [3], children: [1, 4] },
        { center: [0], children: [2, 3] },
        { cluster: 0 },
        { cluster: 1 },
        { cluster: 2 },
      ],
    });
    expect(nearestCentroid(model, { x: 4.5 })).toBe(1);
    expect(nearestCentroid(model, { x: 5.2 })).toBe(2);
    expect(nearestCentroid({ ...model, tree: undefined }, { x: 5.2 })).toBe(1);
    expect(nearestCentroid(model, { x: -1 })).toBe(0);
    // A tie at a split goes to the first child, as MLlib's minBy: x = 5 is 5 from 0 and from 10.
    expect(nearestCentroid(model, { x: 5 })).toBe(1);
    // Trees that cannot be walked are refused: a child before its parent, a cluster twice or
    // missing, a node with two parents, a center of the wrong width.
    const bad = (tree: unknown[]) =>
      PortableClusterModelSchema.safeParse({ ...model, tree }).error?.issues.map((i) => i.message);
    expect(
      bad([
        { center: [0], children: [2, 1] },
        { cluster: 0 },
        { center: [0], children: [1, 3] },
        { cluster: 1 },
      ]),
    ).toEqual([
      "node 2 has a child 1 out of order",

      "every cluster needs exactly one leaf",
    ]);
    expect(
      bad([{ center: [0, 1], children: [1, 2, 3] }, { cluster: 0 }, { cluster: 1 }, { cluster: 2 }]),
    ).toEqual(["node 0's center needs 1 columns"]);
    expect(
      bad([
        { center: [0], children: [1, 2] },
        { center: [0], children: [2, 3] },
        { cluster: 0 },
        { cluster: 1 },
        { cluster: 2 },
      ]),
    ).toEqual(["every node but the root needs exactly one parent"]);
    expect(bad([{ center: [0], children: [1, 2] }, { cluster: 0 }, { cluster: 0 }])).toEqual([
      "every cluster needs exactly one leaf",
    ]);
  });

  it("says before training what stops a clustering: no feature, k above the rows, an algorithm of the other engine", () => {
    const kmeans: ClusterAlgorithm = { algorithm: "kmeans", k: 3, kGrid: [2, 8], maxIter: 100 };
    expect(clusterProblems({ features: [{}], algorithms: [kmeans] }, "local", 100)).toEqual([]);
    const problems = clusterProblems(
      { features: [], algorithms: [kmeans, { algorithm: "bisectingKmeans", k: 2, maxIter: 20 }] },
      "local",
      5,
    );
    expect(problems.map((p) => p.path)).toEqual(["features", "algorithms.0.k", "algorithms.1"]);
    expect(problems[1]?.message).toMatch(/8 clusters need at least 8 rows; the dataset has 5/);
    expect(problems[2]?.message).toBe(`${CLUSTER_ALGORITHM_SUPPORT.bisectingKmeans.local.note}.`);
    expect(
      clusterProblems(
        { features: [{}], algorithms: [{ algorithm: "gaussianMixture", k: 2, maxIter: 5 }] },
        "databricks",
        null,
      ),
    ).toHaveLength(1);
  });

  it("refuses target encoding before training: a clustering has no target", () => {
    const kmeans: ClusterAlgorithm = { algorithm: "kmeans", k: 2, maxIter: 10 };
    const category = { name: "c", type: "categorical", impute: { method: "most_frequent" }, maxLevels: 5 };
    for (const engine of ["local", "databricks"] as const) {
      expect(
        clusterProblems(
          { features: [{ ...category, encoding: "target" }], algorithms: [kmeans] },
          engine,
          100,
        ),
      ).toEqual([
        {
          path: "features.0",
          message: "Target encoding of c needs a target, and a clustering has none: use one-hot or ordinal.",
        },
      ]);
      expect(
        clusterProblems(
          { features: [{ ...category, encoding: "ordinal" }], algorithms: [kmeans] },
          engine,
          100,
        ),
      ).toEqual([]);
    }
  });

  it("a request lists each feature once and needs k of at least 2", () => {
    const base = {
      parquet: "/x",
      outputDir: "/o",
      seed: 1,
      features: [{ name: "x", type: "numeric", impute: { method: "mean" }, rescale: "none" }],
      algorithms: [{ algorithm: "kmeans", k: 2, maxIter: 10 }],
    };
    expect(ClusterTrainRequestSchema.safeParse(base).success).toBe(true);
    expect(
      ClusterTrainRequestSchema.safeParse({ ...base, features: [...base.features, ...base.features] })
        .success,
    ).toBe(false);
    expect(
      ClusterTrainRequestSchema.safeParse({
        ...base,
        algorithms: [{ algorithm: "kmeans", k: 1, maxIter: 10 }],
      }).success,
    ).toBe(false);
  });
});
