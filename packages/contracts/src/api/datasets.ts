import { z } from "zod";
import { DatasetSchemaSchema } from "../columns.ts";
import { IdSchema, IsoDateSchema, ObjectNameSchema } from "./common.ts";

export const DatasetVersionSummarySchema = z
  .object({
    id: IdSchema,
    number: z.number().int(),
    rowCount: z.number().nullable(),
    bytes: z.number().nullable(),
    createdAt: IsoDateSchema,
  })
  .strict();

export const DatasetInfoSchema = z
  .object({
    id: IdSchema,
    projectId: IdSchema,
    name: z.string(),
    description: z.string(),
    schema: DatasetSchemaSchema.nullable(),
    currentVersion: DatasetVersionSummarySchema.nullable().describe(
      "null until the dataset is built or imported",
    ),
    createdAt: IsoDateSchema,
  })
  .strict();
export type DatasetInfo = z.infer<typeof DatasetInfoSchema>;

export const UploadDatasetQuerySchema = z
  .object({ name: ObjectNameSchema.describe("Name of the new dataset") })
  .strict();

export const PreviewQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(10_000).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

export const DatasetPreviewSchema = z
  .object({
    columns: DatasetSchemaSchema,
    rows: z.array(z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))),
    totalRows: z.number(),
  })
  .strict();
export type DatasetPreview = z.infer<typeof DatasetPreviewSchema>;
