import { z } from "zod";
import { nulFreeString } from "./recipes/common.ts";

/** The logical column types Sous knows; every engine maps them to its own types. */
export const ColumnTypeSchema = z.enum([
  "string",
  "integer",
  "bigint",
  "double",
  "decimal",
  "boolean",
  "date",
  "timestamp",
]);
export type ColumnType = z.infer<typeof ColumnTypeSchema>;

export const ColumnSchema = z
  .object({
    name: nulFreeString().min(1).max(256).describe("Column name as the user sees it"),
    type: ColumnTypeSchema,
  })
  .strict();
export type Column = z.infer<typeof ColumnSchema>;

export const DatasetSchemaSchema = z.array(ColumnSchema).max(10_000);
export type DatasetSchema = z.infer<typeof DatasetSchemaSchema>;
