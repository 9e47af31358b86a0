// How a saved model version without a portable form scores: through the runtime that trained it
// (a scikit-learn pickle locally, an MLlib PipelineModel folder on Databricks), with what that
// runtime needs (the pipeline's key, the trainer's features) and what the compiler needs before
// any build (the classes: the output's probability columns).

export interface ScoringRuntime {
  engine: "scikit-learn" | "mllib";
  classes: (string | number | boolean)[] | null;
  /** Feature names (lineage). */
  features: string[];
  /** Storage key of the fitted pipeline: model.pkl, or an MLlib model folder. */
  artifactKey: string;
  /** The trainer's features, as its request listed them (the pipeline's input columns, in order). */
  trainerFeatures: Record<string, unknown>[];
  /** A clustering (a Gaussian mixture's pickle): it scores a `cluster` column, no classes. */
  task?: "clustering";
}

type Label = string | number | boolean;
const isLabel = (x: unknown): x is Label => ["string", "number", "boolean"].includes(typeof x);

/** Stored JSON, read loosely: the design's included features, as the trainer got them. */
function includedFeatures(design: unknown): Record<string, unknown>[] {
  const features = (design as { features?: unknown } | null)?.features;
  if (!Array.isArray(features)) return [];
  return features
    .filter(
      (f): f is Record<string, unknown> =>
        typeof f === "object" && f !== null && typeof f.name === "string" && f.include === true,
    )
    .map(({ include: _, ...f }) => f);
}

export function runtimeOf(v: {
  /** The version's task; "clustering" scores a cluster column (absent: a prediction model). */
  task?: string;
  classes: unknown;
  artifactKey: string;
  training: { design: unknown } | null;
}): ScoringRuntime {
  const trainerFeatures = includedFeatures(v.training?.design);
  const classes = Array.isArray(v.classes) && v.classes.every(isLabel) ? (v.classes as Label[]) : null;
  return {
    // The local trainer writes a pickle; the MLlib script a PipelineModel folder.
    engine: v.artifactKey.endsWith(".pkl") ? "scikit-learn" : "mllib",
    classes,
    features: trainerFeatures.map((f) => String(f.name)),
    artifactKey: v.artifactKey,
    trainerFeatures,
    ...(v.task === "clustering" ? { task: "clustering" as const } : {}),
  };
}
