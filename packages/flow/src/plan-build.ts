/** Which recipe writes each dataset: the edges of the flow that a build needs. */
export interface ProducerLink {
  datasetId: string;
  recipeId: string;
}

export type BuildPlan =
  | { ok: true; activities: { position: number; recipeId: string; outputDatasetId: string }[] }
  | { ok: false; unbuildable: string[] };

/**
 * "Build only this": one activity per distinct target, run by the recipe that writes it, in the
 * order asked. A target that no recipe writes cannot be built (it is a source dataset).
 */
export function planBuildOnlyThis(targets: readonly string[], producers: readonly ProducerLink[]): BuildPlan {
  const producerOf = new Map(producers.map((p) => [p.datasetId, p.recipeId]));
  const unique = [...new Set(targets)];
  const unbuildable = unique.filter((t) => !producerOf.has(t));
  if (unbuildable.length) return { ok: false, unbuildable };
  return {
    ok: true,
    activities: unique.map((t, position) => ({ position, recipeId: producerOf.get(t)!, outputDatasetId: t })),
  };
}
