import { z } from "zod";
import { RecipeSpecSchema } from "../recipes/index.ts";
import { IdSchema, IsoDateSchema, ObjectNameSchema } from "./common.ts";

const RecipeOutputSchema = z.union([
  z.object({ datasetId: IdSchema }).strict(),
  z.object({ name: ObjectNameSchema }).strict(),
]);

export const CreateRecipeBodySchema = z
  .object({
    name: ObjectNameSchema,
    inputs: z.array(IdSchema).min(1).describe("Input dataset ids, in order"),
    output: RecipeOutputSchema.optional().describe(
      "An existing dataset to write, or the name of a new one (one output; give `outputs` instead for a split)",
    ),
    outputs: z
      .array(RecipeOutputSchema)
      .min(1)
      .max(65)
      .optional()
      .describe(
        "Several outputs, in order (a split writes output i from its i-th rule, then the other rows)",
      ),
    spec: RecipeSpecSchema,
  })
  .strict()
  .refine((b) => (b.output === undefined) !== (b.outputs === undefined), {
    message: "Give either `output` or `outputs`.",
    path: ["output"],
  });

export const UpdateRecipeBodySchema = z
  .object({
    revision: z
      .number()
      .int()
      .positive()
      .describe("The revision you edited; a newer one on the server is a conflict"),
    name: ObjectNameSchema.optional(),
    spec: RecipeSpecSchema.optional(),
    outputs: z
      .array(RecipeOutputSchema)
      .min(1)
      .max(65)
      .optional()
      .describe(
        "The outputs after the update, in order: `{ datasetId }` for a dataset this recipe already writes, `{ name }` for a new one. Only a split can change how many it writes (as many as its new spec has outputs). A dataset left out is no longer written by the recipe but stays, with its data.",
      ),
  })
  .strict();

export const RecipeSchema = z
  .object({
    id: IdSchema,
    projectId: IdSchema,
    name: z.string(),
    kind: z.string(),
    spec: RecipeSpecSchema,
    inputs: z.array(IdSchema),
    outputs: z.array(IdSchema),
    revision: z.number().int(),
    updatedAt: IsoDateSchema,
  })
  .strict();
export type Recipe = z.infer<typeof RecipeSchema>;

export const CompileQuerySchema = z.object({ engine: z.enum(["spark", "duckdb"]).default("spark") }).strict();
