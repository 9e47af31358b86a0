import { z } from "zod";

/** POST /projects/:projectId/saved-models/:savedModelId/retrain: activate the new version (default yes). */
export const RetrainSavedModelInputSchema = z.object({ activate: z.boolean().default(true) }).strict();
export type RetrainSavedModelInput = z.infer<typeof RetrainSavedModelInputSchema>;

/**
 * Stored on a training started by "Retrain" (MlTraining.retrain): when it succeeds, the worker
 * deploys model `modelIndex` of its result as a new version of the saved model, active if asked.
 */
export const RetrainIntentSchema = z
  .object({
    savedModelId: z.string().min(1).max(64),
    modelIndex: z.number().int().min(0),
    activate: z.boolean(),
  })
  .strict();
export type RetrainIntent = z.infer<typeof RetrainIntentSchema>;
