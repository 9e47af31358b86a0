import { DatasetSchemaSchema, IdSchema, RecipeSpecSchema } from "@sous/contracts";
import { z } from "zod";

// The recipe editor's preview: a draft recipe (not saved) compiled for both engines and run by
// DuckDB on a sample of its inputs. Pure zod, no server code: the browser imports the types.

export const RecipePreviewBodySchema = z
  .object({
    inputs: z.array(IdSchema).min(1).max(64).describe("Input dataset ids, in order (as the recipe has them)"),
    spec: RecipeSpecSchema,
    limit: z.number().int().min(1).max(1000).default(100).describe("Output rows to return"),
    output: z
      .number()
      .int()
      .min(0)
      .max(64)
      .default(0)
      .describe("Which output to preview (a split has several, in order; others have only 0)"),
    recipeId: IdSchema.optional().describe(
      "The saved recipe being edited, if any: the SparkSQL shown reads where its engine's Databricks connection sees the inputs (else the project's)",
    ),
  })
  .strict();
export type RecipePreviewBody = z.input<typeof RecipePreviewBodySchema>;

const TranslatabilitySchema = z.union([
  z.object({ level: z.literal("full") }).strict(),
  z.object({ level: z.literal("partial"), condition: z.string() }).strict(),
  z.object({ level: z.literal("none"), reason: z.string() }).strict(),
]);
export type TranslatabilityVerdict = z.infer<typeof TranslatabilitySchema>;

const EngineResultSchema = z
  .object({
    sql: z.string().describe("Empty when a step blocks this engine"),
    blocking: z.object({ stepId: z.string(), reason: z.string() }).strict().nullable(),
    warnings: z.array(z.string()),
  })
  .strict();
export type EngineResult = z.infer<typeof EngineResultSchema>;

export const RecipePreviewSchema = z
  .object({
    outputSchema: DatasetSchemaSchema,
    steps: z.array(
      z
        .object({
          id: z.string(),
          engines: z.object({ spark: TranslatabilitySchema, duckdb: TranslatabilitySchema }).strict(),
        })
        .strict(),
    ),
    engines: z.object({ spark: EngineResultSchema, duckdb: EngineResultSchema }).strict(),
    inputs: z.array(
      z
        .object({
          datasetId: IdSchema,
          name: z.string(),
          sampleRows: z.number().int().describe("Rows of the sample the preview read"),
          totalRows: z.number().int().nullable(),
        })
        .strict(),
    ),
    columns: DatasetSchemaSchema,
    rows: z.array(z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))),
    truncated: z.boolean().describe("More output rows than `limit`"),
    runError: z.string().nullable().describe("Why no rows could be computed (the SQL is still shown)"),
    stepSchemas: z
      .array(
        z
          .object({
            id: z.string(),
            disabled: z.boolean(),
            schema: DatasetSchemaSchema,
            added: z.array(z.string()),
            removed: z.array(z.string()),
            changed: z.array(z.string()),
          })
          .strict(),
      )
      .optional()
      .describe("Prepare recipes: the schema after each step and the columns it added, removed or changed"),
    durationMs: z.number(),
  })
  .strict();
export type RecipePreview = z.infer<typeof RecipePreviewSchema>;
