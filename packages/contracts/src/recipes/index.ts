import { z } from "zod";
import { GroupParamsSchema } from "./group.ts";

export * from "./group.ts";

const RecipeIoSchema = z.object({ datasetId: z.string().min(1) }).strict();

/**
 * A visual recipe as stored (Recipe.spec in Postgres) and sent over the API.
 * `version` is the schema version of the stored JSON, so old recipes can be migrated on read.
 */
export const GroupRecipeSpecSchema = z
  .object({
    kind: z.literal("group"),
    version: z.literal(1).default(1),
    params: GroupParamsSchema,
  })
  .strict();

export const RecipeSpecSchema = z.discriminatedUnion("kind", [GroupRecipeSpecSchema]);
export type RecipeSpec = z.infer<typeof RecipeSpecSchema>;
export type RecipeKind = RecipeSpec["kind"];
export const RecipeIoListSchema = z.array(RecipeIoSchema);
