import { ColumnTypeSchema, IdSchema, IsoDateSchema, ObjectNameSchema } from "@sous/contracts";
import { z } from "zod";

// REST shapes of SQL notebooks (issue #17): shared by the endpoint table, the services and the
// notebook page.

/** Rows a cell run returns; the grid shows them all, the count says how many there were. */
export const CELL_RESULT_MAX_ROWS = 10_000;
/** Rows kept with a cell's last result, so a reopened notebook shows its results at once. */
export const STORED_RESULT_MAX_ROWS = 200;
const MAX_CELLS = 200;

export const NotebookCellSchema = z
  .object({
    /** Chosen by the client (a random id), stable across edits and moves: results follow it. */
    id: IdSchema,
    sql: z
      .string()
      .max(200_000)
      .refine((s) => !s.includes("\0"), "contains a NUL character"),
  })
  .strict();
export type NotebookCell = z.infer<typeof NotebookCellSchema>;

const CellsSchema = z
  .array(NotebookCellSchema)
  .max(MAX_CELLS, `a notebook has at most ${MAX_CELLS} cells`)
  .refine((cells) => new Set(cells.map((c) => c.id)).size === cells.length, "two cells have the same id");

export const CreateNotebookBodySchema = z
  .object({ name: ObjectNameSchema, cells: CellsSchema.optional() })
  .strict();

export const SaveNotebookBodySchema = z
  .object({
    /** The version the edit started from: someone else's save since then is a 409. */
    version: z.number().int().min(1),
    name: ObjectNameSchema.optional(),
    cells: CellsSchema,
  })
  .strict();

/** Where a cell's SQL is wrong (1-based lines and columns in the cell). */
const SqlProblemSchema = z
  .object({
    message: z.string(),
    line: z.number().int(),
    column: z.number().int(),
    endLine: z.number().int(),
    endColumn: z.number().int(),
  })
  .strict();
export type SqlProblemDto = z.infer<typeof SqlProblemSchema>;

const CellValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const ResultColumnSchema = z
  .object({
    name: z.string(),
    /** The engine's own type (DuckDB), e.g. DECIMAL(18,2). */
    engineType: z.string(),
    /** Sous's type, when the engine's maps to one. */
    type: ColumnTypeSchema.nullable(),
  })
  .strict();

export const CellResultSchema = z.discriminatedUnion("status", [
  z
    .object({
      status: z.literal("ok"),
      columns: z.array(ResultColumnSchema),
      rows: z.array(z.array(CellValueSchema)),
      /** Every row of the result, however many are returned. */
      rowCount: z.number().int().min(0),
      truncated: z.boolean(),
      durationMs: z.number().int().min(0),
      ranAt: IsoDateSchema,
      /** The cell's SQL as it ran (the notebook may have been edited since). */
      sql: z.string(),
    })
    .strict(),
  z
    .object({
      status: z.literal("error"),
      message: z.string(),
      /** Positions in the cell when the SQL was refused before running; empty for a failure while running. */
      problems: z.array(SqlProblemSchema),
      durationMs: z.number().int().min(0),
      ranAt: IsoDateSchema,
      sql: z.string(),
    })
    .strict(),
]);
export type CellResult = z.infer<typeof CellResultSchema>;

export const NotebookSummarySchema = z
  .object({
    id: IdSchema,
    projectId: IdSchema,
    name: z.string(),
    /** A Python notebook (an .ipynb) opens through /python-notebooks/{id}; the rest of this file is SQL's. */
    kind: z.enum(["sql", "python"]),
    cellCount: z.number().int(),
    version: z.number().int(),
    createdAt: IsoDateSchema,
    updatedAt: IsoDateSchema,
  })
  .strict();
export type NotebookSummary = z.infer<typeof NotebookSummarySchema>;

export const NotebookSchema = NotebookSummarySchema.extend({
  cells: z.array(NotebookCellSchema),
  /** Each cell's last result (stored capped at the first rows), by cell id. */
  results: z.record(z.string(), CellResultSchema),
  /** The project's datasets a cell can read, by name. */
  datasets: z.array(z.object({ id: IdSchema, name: z.string(), built: z.boolean() }).strict()),
}).strict();
export type Notebook = z.infer<typeof NotebookSchema>;

export const RunCellBodySchema = z
  .object({
    /** The cell's SQL as in the editor (it may be unsaved). */
    sql: z
      .string()
      .min(1)
      .max(200_000)
      .refine((s) => !s.includes("\0"), "contains a NUL character"),
  })
  .strict();

export const SaveCellAsDatasetBodySchema = z
  .object({
    sql: z
      .string()
      .min(1)
      .max(200_000)
      .refine((s) => !s.includes("\0"), "contains a NUL character"),
    /** The new dataset the recipe writes. */
    datasetName: ObjectNameSchema,
    /** The recipe's name; by default `compute_<dataset>`. */
    recipeName: ObjectNameSchema.optional(),
  })
  .strict();

export const SavedAsDatasetSchema = z
  .object({
    recipeId: IdSchema,
    recipeName: z.string(),
    datasetId: IdSchema,
    datasetName: z.string(),
    inputs: z.array(z.object({ id: IdSchema, name: z.string() }).strict()),
  })
  .strict();
