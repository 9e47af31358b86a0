import { IdSchema, nulFreeString, ObjectNameSchema } from "@sous/contracts";
import { z } from "zod";

// Renaming and deleting a dataset (PATCH / DELETE /projects/{projectId}/datasets/{datasetId}).
// Pure zod, no server code: the Flow canvas imports the types.

export const UpdateDatasetBodySchema = z
  .object({
    name: ObjectNameSchema.optional().describe("New name, unique in the project (409 when taken)"),
    description: nulFreeString().max(2000, "description is longer than 2,000 characters").optional(),
  })
  .strict();
export type UpdateDatasetBody = z.infer<typeof UpdateDatasetBodySchema>;

export const DeleteDatasetQuerySchema = z
  .object({
    force: z
      .enum(["true", "false"])
      .default("false")
      .describe(
        "true: also delete the recipes that read this dataset (their output datasets stay). Without it, a dataset that recipes read is refused with 409.",
      ),
  })
  .strict();

const Named = z.object({ id: IdSchema, name: z.string() }).strict();
export const DeleteDatasetResultSchema = z
  .object({
    dataset: Named.describe("The dataset deleted, with every stored version"),
    recipes: z
      .array(Named)
      .describe("Recipes deleted with it: the one that wrote it, and with force=true the ones that read it"),
    savedModels: z.array(Named).describe("Saved models trained on it, deleted with it (force=true)"),
    analyses: z.array(Named).describe("Lab analyses of it, deleted with it (force=true)"),
  })
  .strict();
export type DeleteDatasetResult = z.infer<typeof DeleteDatasetResultSchema>;
