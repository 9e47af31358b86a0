import { AppError } from "@sous/contracts";
import { z } from "zod";
import { CellSchema, type Feature, FeatureSchema, PortableFeatureSchema } from "./contracts.ts";
import { DesignFeatureSchema, MlEngineSchema } from "./design.ts";
import { featureVector, type Row } from "./score.ts";

// Clustering in the Lab: no target, the prediction trainer's feature handling (impute, rescale,
// one-hot), k-means on both engines plus a Gaussian mixture locally (scikit-learn,
// python/sous_ml/clustering.py) and bisecting k-means on Databricks (Spark MLlib). Both k-means
// export a portable form (the fitted feature handling and the centroids, plus the tree of a
// bisecting one) that the compiler turns into SQL: each row goes to its nearest centroid, or down
// the bisecting tree as MLlib's predict does.

const seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1);
export const MAX_CLUSTERS = 100;
const k = z.number().int().min(2).max(MAX_CLUSTERS);
const common = {
  k,
  /** Values of k to try; the one with the best silhouette is kept (k is then ignored). */
  kGrid: z.array(k).min(1).max(12).optional(),
  maxIter: z.number().int().min(1).max(10_000),
};

export const ClusterAlgorithmSchema = z.discriminatedUnion("algorithm", [
  z.object({ algorithm: z.literal("kmeans"), ...common }).strict(),
  z.object({ algorithm: z.literal("gaussianMixture"), ...common }).strict(),
  z.object({ algorithm: z.literal("bisectingKmeans"), ...common }).strict(),
]);
export type ClusterAlgorithm = z.infer<typeof ClusterAlgorithmSchema>;
export type ClusterAlgorithmKind = ClusterAlgorithm["algorithm"];

/** Where each clustering algorithm trains, and how; the Lab shows it before training. */
export const CLUSTER_ALGORITHM_SUPPORT: Record<
  ClusterAlgorithmKind,
  Record<"local" | "databricks", { available: boolean; note: string }>
> = {
  kmeans: {
    local: { available: true, note: "scikit-learn KMeans (k-means++); scores in SQL (nearest centroid)" },
    databricks: {
      available: true,
      note: "MLlib KMeans (k-means||): other starting centroids than locally; scores in SQL (nearest centroid)",
    },
  },
  gaussianMixture: {
    local: {
      available: true,
      note: "scikit-learn GaussianMixture (full covariances); scores through scikit-learn, not SQL",
    },
    databricks: { available: false, note: "Gaussian mixture trains locally (scikit-learn) only" },
  },
  bisectingKmeans: {
    local: { available: false, note: "Bisecting k-means trains on Databricks (Spark MLlib) only" },
    databricks: {
      available: true,
      note: "MLlib BisectingKMeans; scores in SQL (down its tree of centroids, as MLlib)",
    },
  },
};

/** Whether the algorithm's model has a portable form (scores in SQL); the others score in their runtime. */
export const clusterScoresInSql = (a: ClusterAlgorithm) => a.algorithm !== "gaussianMixture";

export const ClusterTrainRequestSchema = z
  .object({
    parquet: z.string().min(1),
    features: z.array(FeatureSchema).min(1),
    algorithms: z.array(ClusterAlgorithmSchema).min(1),
    seed,
    outputDir: z.string().min(1),
    /** The first rows whose raw features and clusters come back (to check scorers). */
    sampleRows: z.number().int().min(0).max(10_000).default(0),
  })
  .strict()
  .superRefine((r, ctx) => {
    const names = new Set<string>();
    for (const [i, f] of r.features.entries()) {
      if (names.has(f.name))
        ctx.addIssue({ code: "custom", path: ["features", i], message: `feature ${f.name} is listed twice` });
      names.add(f.name);
    }
  });
export type ClusterTrainRequest = z.input<typeof ClusterTrainRequestSchema>;

const level = z.object({ level: z.string(), share: z.number().min(0).max(1) }).strict();

/** Per cluster (in cluster order) and over every row: what a cluster looks like. */
export const ClusterProfilesSchema = z
  .object({
    /** The mean of the raw non-NULL values. */
    numeric: z.array(
      z
        .object({
          feature: z.string(),
          overall: z.number().nullable(),
          clusters: z.array(z.number().nullable()),
        })
        .strict(),
    ),
    /** The most frequent raw non-NULL level and its share. */
    categorical: z.array(
      z
        .object({ feature: z.string(), overall: level.nullable(), clusters: z.array(level.nullable()) })
        .strict(),
    ),
  })
  .strict();
export type ClusterProfiles = z.infer<typeof ClusterProfilesSchema>;

export const ClusterModelSchema = z
  .object({
    algorithm: ClusterAlgorithmSchema,
    k,
    /** Silhouette over the rows (a seeded sample of 5,000 beyond that); absent when undefined. */
    metrics: z.object({ silhouette: z.number().min(-1).max(1).optional() }).strict(),
    sizes: z.array(z.number().int().min(0)),
    profiles: ClusterProfilesSchema,
    trainMs: z.number(),
    /** Relative to outputDir. */
    pickle: z.string(),
    /** Relative to outputDir; null when the model has no portable form (it scores in its runtime). */
    portable: z.string().nullable(),
    sample: z.object({ cluster: z.array(z.number().int().min(0)) }).strict(),
    kSearch: z
      .object({
        tried: z.array(z.object({ k, silhouette: z.number().nullable() }).strict()),
        best: z.number().int().min(0),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((m) => m.sizes.length === m.k, { message: "one size per cluster" });
export type ClusterModel = z.infer<typeof ClusterModelSchema>;

/** A clustering model's algorithm as a saved model version stores it: the k the search kept, not the grid it tried. */
export function deployedClusterAlgorithm(model: ClusterModel): ClusterAlgorithm {
  const { kGrid: _, ...algorithm } = model.algorithm;
  return { ...algorithm, k: model.k };
}

export const ClusterResultSchema = z.discriminatedUnion("ok", [
  z
    .object({
      ok: z.literal(true),
      task: z.literal("clustering"),
      rows: z.object({ read: z.number().int() }).strict(),
      models: z.array(ClusterModelSchema).min(1),
      best: z.object({ index: z.number().int().min(0), metric: z.literal("silhouette") }).strict(),
      sample: z.array(z.record(z.string(), CellSchema)),
      totalMs: z.number(),
    })
    .strict(),
  z
    .object({
      ok: z.literal(false),
      error: z.object({ code: z.string(), message: z.string() }).strict(),
    })
    .strict(),
]);
export type ClusterResult = z.infer<typeof ClusterResultSchema>;

const finite = z.number().finite();

/**
 * A node of a bisecting k-means's tree: an inner node (its center and its children, later nodes of
 * the list) or a leaf (a cluster, whose center is centroids[cluster]).
 */
const ClusterTreeNodeSchema = z.union([
  z
    .object({
      center: z.array(finite).min(1),
      children: z.array(z.number().int().min(1)).min(2),
    })
    .strict(),
  z.object({ cluster: z.number().int().min(0) }).strict(),
]);
export type ClusterTreeNode = z.infer<typeof ClusterTreeNodeSchema>;

/**
 * A k-means after its feature handling: a row belongs to the nearest centroid (the first on a
 * tie). A bisecting k-means adds its tree (node 0 the root): MLlib's predict does not look for the
 * nearest centroid but descends from the root to the child whose center is nearest (the first on
 * a tie) until a leaf, whose cluster the row joins.
 */
export const PortableClusterModelSchema = z
  .object({
    format: z.literal("sous-portable-clusters"),
    version: z.literal(1),
    features: z.array(PortableFeatureSchema).min(1),
    centroids: z.array(z.array(finite).min(1)).min(1),
    tree: z
      .array(ClusterTreeNodeSchema)
      .min(1)
      .max(4 * MAX_CLUSTERS)
      .optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const width = portableWidth(m.features);
    if (m.centroids.some((c) => c.length !== width))
      ctx.addIssue({
        code: "custom",
        message: `every centroid needs the ${width} input columns of the features`,
      });
    if (m.tree)
      for (const message of treeProblems(m.tree, m.centroids.length, width))
        ctx.addIssue({ code: "custom", path: ["tree"], message });
  });
export type PortableClusterModel = z.infer<typeof PortableClusterModelSchema>;

/** What makes a tree unusable: each node reached once from the root, each cluster a leaf once. */
function treeProblems(tree: readonly ClusterTreeNode[], k: number, width: number): string[] {
  const parents = new Array<number>(tree.length).fill(0);
  const leaves = new Array<number>(k).fill(0);
  const problems: string[] = [];
  tree.forEach((node, i) => {
    if ("cluster" in node) {
      if (node.cluster >= k) problems.push(`node ${i} is cluster ${node.cluster} of ${k}`);
      else leaves[node.cluster]!++;
      return;
    }
    if (node.center.length !== width) problems.push(`node ${i}'s center needs ${width} columns`);
    for (const c of node.children) {
      // Children come later in the list: the tree has no cycle.
      if (c <= i || c >= tree.length) problems.push(`node ${i} has a child ${c} out of order`);
      else parents[c]!++;
    }
  });
  if (parents.some((n, i) => (i === 0 ? n !== 0 : n !== 1)))
    problems.push("every node but the root needs exactly one parent");
  if (leaves.some((n) => n !== 1)) problems.push("every cluster needs exactly one leaf");
  return problems;
}

const squaredDistance = (x: readonly number[], c: readonly number[]) => {
  let d = 0;
  for (let i = 0; i < x.length; i++) {
    const diff = x[i]! - c[i]!;
    d += diff * diff;
  }
  return d;
};

/** The width of the input vector of portable features (the scorer's own encoding of an empty row). */
export function portableWidth(features: readonly z.infer<typeof PortableFeatureSchema>[]): number {
  return featureVector(features, {}).length;
}

/**
 * A row's cluster: the nearest centroid by squared Euclidean distance, the first on a tie; for a
 * bisecting k-means, the leaf reached by going down its tree to the nearest child each time.
 */
export function nearestCentroid(model: PortableClusterModel, row: Row): number {
  const x = featureVector(model.features, row);
  if (model.tree) return descendTree(model.tree, model.centroids, x);
  return nearestOf(
    x,
    model.centroids.map((_, j) => j),
    (j) => model.centroids[j]!,
  );
}

/** The candidate whose center is nearest to x (the first on a tie). */
function nearestOf(x: readonly number[], candidates: number[], center: (c: number) => readonly number[]) {
  let best = -1;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = squaredDistance(x, center(c));
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best < 0) throw new AppError("invalid_input", "the row's features are not finite numbers");
  return best;
}

function descendTree(tree: readonly ClusterTreeNode[], centroids: readonly number[][], x: readonly number[]) {
  const centerOf = (i: number) => {
    const n = tree[i]!;
    return "cluster" in n ? centroids[n.cluster]! : n.center;
  };
  let node = tree[0]!;
  while (!("cluster" in node)) node = tree[nearestOf(x, node.children, centerOf)]!;
  return node.cluster;
}

/** What stops a clustering from training, before it runs (a 400 in the studio). */
export function clusterProblems(
  input: { features: readonly unknown[]; algorithms: readonly ClusterAlgorithm[] },
  engine: "local" | "databricks",
  rows: number | null,
): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  if (input.features.length === 0)
    problems.push({ path: "features", message: "Include at least one feature to cluster on." });
  // Target encoding fits each level's mean of the target: a clustering has none.
  for (const [i, f] of input.features.entries()) {
    const feature = f as { name?: string; type?: string; encoding?: string };
    if (feature.type === "categorical" && feature.encoding === "target")
      problems.push({
        path: `features.${i}`,
        message: `Target encoding of ${feature.name} needs a target, and a clustering has none: use one-hot or ordinal.`,
      });
  }
  if (input.algorithms.length === 0)
    problems.push({ path: "algorithms", message: "Choose at least one clustering algorithm." });
  for (const [i, a] of input.algorithms.entries()) {
    const support = CLUSTER_ALGORITHM_SUPPORT[a.algorithm][engine];
    if (!support.available) problems.push({ path: `algorithms.${i}`, message: `${support.note}.` });
    const most = Math.max(a.k, ...(a.kGrid ?? []));
    if (rows !== null && most > rows)
      problems.push({
        path: `algorithms.${i}.k`,
        message: `${most} clusters need at least ${most} rows; the dataset has ${rows}: choose a smaller k.`,
      });
  }
  return problems;
}

// -- The Lab's clustering analysis: its design as stored (MlAnalysis.design, task "clustering") --

export const ClusterDesignSchema = z
  .object({
    task: z.literal("clustering"),
    features: z.array(DesignFeatureSchema).max(2000),
    algorithms: z.array(ClusterAlgorithmSchema).max(10),
    seed,
    engine: MlEngineSchema,
  })
  .strict();
export type ClusterDesign = z.infer<typeof ClusterDesignSchema>;

/** The included features of a design, as the trainers take them. */
export function clusterFeatures(design: ClusterDesign): Feature[] {
  return design.features.filter((f) => f.include).map(({ include: _, ...f }) => f as Feature);
}

/** The local trainer's request for a design (clusterProblems first: this does not check). */
export function clusterRequestFor(
  design: ClusterDesign,
  paths: { parquet: string; outputDir: string; sampleRows?: number },
): ClusterTrainRequest {
  return {
    parquet: paths.parquet,
    outputDir: paths.outputDir,
    features: clusterFeatures(design),
    algorithms: design.algorithms,
    seed: design.seed,
    sampleRows: paths.sampleRows ?? 0,
  };
}

export const CreateClusteringBodySchema = z
  .object({ datasetId: z.string().min(1), name: z.string().min(1).max(200).optional() })
  .strict();
export const UpdateClusteringBodySchema = z
  .object({
    design: ClusterDesignSchema,
    version: z.number().int().min(1),
    name: z.string().min(1).max(200).optional(),
  })
  .strict();

export const ClusterTrainingSchema = z
  .object({
    id: z.string(),
    number: z.number().int(),
    jobId: z.string(),
    state: z.string(),
    engine: z.enum(["local", "databricks"]),
    design: ClusterDesignSchema,
    result: ClusterResultSchema.nullable(),
    error: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .strict();
export type ClusterTrainingDto = z.infer<typeof ClusterTrainingSchema>;

export const ClusterAnalysisSchema = z
  .object({
    id: z.string(),
    projectId: z.string(),
    datasetId: z.string(),
    datasetName: z.string(),
    name: z.string(),
    design: ClusterDesignSchema,
    version: z.number().int(),
    /** What stops the design from training, with the field to fix, and where each algorithm runs. */
    problems: z.array(z.object({ path: z.string(), message: z.string() }).strict()),
    trainings: z.array(ClusterTrainingSchema),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .strict();
export type ClusterAnalysisDto = z.infer<typeof ClusterAnalysisSchema>;
