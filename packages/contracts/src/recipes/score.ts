import { z } from "zod";
import { nulFreeString, RecipeColumnNameSchema } from "./common.ts";

/**
 * The scoring recipe: one dataset in, the same rows out with the prediction of a saved model and,
 * for classifiers, one probability column per class. It scores with the saved model's ACTIVE
 * version, compiled to SQL from its portable form (no Python at scoring time), so activating
 * another version outdates the output.
 */
export const ScoreParamsSchema = z
  .object({
    savedModelId: nulFreeString().min(1).max(64).describe("The saved model that scores the rows"),
    /** Default `prediction`. */
    predictionColumn: RecipeColumnNameSchema.optional(),
    /** Each class's probability column is this prefix + the class. Default `proba_`. */
    probabilityPrefix: nulFreeString().min(1).max(200).optional(),
  })
  .strict();
export type ScoreParams = z.infer<typeof ScoreParamsSchema>;
