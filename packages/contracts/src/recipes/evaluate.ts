import { z } from "zod";
import { nulFreeString, RecipeColumnNameSchema } from "./common.ts";

/**
 * The evaluation recipe (DSS's "evaluate"): a labelled dataset and a saved model in, two datasets
 * out: (0) the rows scored as a score recipe scores them, plus `correct` (classifiers: prediction
 * equals the label) or `error` (regression: prediction minus the label); (1) the metrics, one row
 * per run (evaluated at, model version, rows, then the task's metrics), computed in SQL on the
 * engine that runs it: each run appends its row to the rows the dataset holds. It evaluates the saved model's ACTIVE version, so activating another
 * version outdates both outputs. Rows with a null label are scored but not counted in the metrics.
 */
export const EvaluateParamsSchema = z
  .object({
    savedModelId: nulFreeString().min(1).max(64).describe("The saved model to evaluate"),
    /** The column holding the true label (the training's target, usually). */
    labelColumn: RecipeColumnNameSchema,
    /** Default `prediction`. */
    predictionColumn: RecipeColumnNameSchema.optional(),
    /** Each class's probability column is this prefix + the class. Default `proba_`. */
    probabilityPrefix: nulFreeString().min(1).max(200).optional(),
  })
  .strict();
export type EvaluateParams = z.infer<typeof EvaluateParamsSchema>;
