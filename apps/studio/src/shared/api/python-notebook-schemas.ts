import { IdSchema, IsoDateSchema, ObjectNameSchema } from "@sous/contracts";
import { z } from "zod";

// REST shapes of Python notebooks (issue #17): the notebook is an .ipynb (nbformat 4) stored with
// the project; cells run in the caller's own Jupyter kernel, which the studio starts and reaches
// (the browser never talks to Jupyter).

const MAX_PYTHON_CELLS = 500;
const MAX_SOURCE = 200_000;

const nulFree = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !s.includes("\0"), "contains a NUL character");

/** nbformat keeps multi-line strings as a string or a list of lines. */
const MultilineSchema = z.union([nulFree(MAX_SOURCE), z.array(z.string()).max(100_000)]);

/** One output as nbformat 4 stores it (extra keys an .ipynb may carry are kept). */
export const CellOutputSchema = z.discriminatedUnion("output_type", [
  z.looseObject({
    output_type: z.literal("stream"),
    name: z.enum(["stdout", "stderr"]),
    text: MultilineSchema,
  }),
  z.looseObject({
    output_type: z.literal("execute_result"),
    execution_count: z.number().int().nullable(),
    data: z.record(z.string(), z.unknown()),
    metadata: z.record(z.string(), z.unknown()),
  }),
  z.looseObject({
    output_type: z.literal("display_data"),
    data: z.record(z.string(), z.unknown()),
    metadata: z.record(z.string(), z.unknown()),
  }),
  z.looseObject({
    output_type: z.literal("error"),
    ename: z.string(),
    evalue: z.string(),
    traceback: z.array(z.string()),
  }),
]);
export type CellOutputDto = z.infer<typeof CellOutputSchema>;

export const IpynbCellSchema = z.discriminatedUnion("cell_type", [
  z.looseObject({
    cell_type: z.literal("code"),
    id: IdSchema,
    source: MultilineSchema,
    metadata: z.record(z.string(), z.unknown()).default({}),
    outputs: z.array(CellOutputSchema).max(1_000).default([]),
    execution_count: z.number().int().nullable().default(null),
  }),
  z.looseObject({
    cell_type: z.enum(["markdown", "raw"]),
    id: IdSchema,
    source: MultilineSchema,
    metadata: z.record(z.string(), z.unknown()).default({}),
  }),
]);
export type IpynbCell = z.infer<typeof IpynbCellSchema>;

/** An .ipynb document (nbformat 4.5: cells have ids). */
export const IpynbSchema = z.looseObject({
  nbformat: z.literal(4),
  nbformat_minor: z.number().int().min(0),
  metadata: z.record(z.string(), z.unknown()),
  cells: z
    .array(IpynbCellSchema)
    .max(MAX_PYTHON_CELLS, `a notebook has at most ${MAX_PYTHON_CELLS} cells`)
    .refine((cells) => new Set(cells.map((c) => c.id)).size === cells.length, "two cells have the same id"),
});
export type Ipynb = z.infer<typeof IpynbSchema>;

export const KernelInfoSchema = z
  .object({
    /** The studio's handle of the caller's kernel (only its owner can use it). */
    id: z.string(),
    state: z.enum(["starting", "idle", "busy", "restarting", "dead"]),
    startedAt: IsoDateSchema,
    lastUsedAt: IsoDateSchema,
  })
  .strict();
export type KernelInfoDto = z.infer<typeof KernelInfoSchema>;

export const PythonNotebookSchema = z
  .object({
    id: IdSchema,
    projectId: IdSchema,
    name: z.string(),
    kind: z.literal("python"),
    version: z.number().int(),
    ipynb: IpynbSchema,
    /** The caller's running kernel for this notebook, if any. */
    kernel: KernelInfoSchema.nullable(),
    createdAt: IsoDateSchema,
    updatedAt: IsoDateSchema,
  })
  .strict();
export type PythonNotebook = z.infer<typeof PythonNotebookSchema>;

export const CreatePythonNotebookBodySchema = z
  .object({ name: ObjectNameSchema, ipynb: IpynbSchema.optional() })
  .strict();

export const SavePythonNotebookBodySchema = z
  .object({
    /** The version the edit started from: someone else's save since then is a 409. */
    version: z.number().int().min(1),
    name: ObjectNameSchema.optional(),
    ipynb: IpynbSchema,
  })
  .strict();

export const ExecuteCellBodySchema = z.object({ code: nulFree(MAX_SOURCE).min(1) }).strict();

export const ExecuteResultSchema = z
  .object({
    status: z.enum(["ok", "error", "aborted"]),
    executionCount: z.number().int().nullable(),
    outputs: z.array(CellOutputSchema),
    durationMs: z.number().int().min(0),
  })
  .strict();
export type ExecuteResultDto = z.infer<typeof ExecuteResultSchema>;

/** Where a dataset's current version is stored, for the `sous` package in a kernel. */
export const KernelDatasetSchema = z
  .object({
    datasetId: IdSchema,
    name: z.string(),
    versionId: IdSchema,
    /** Local Parquet files of the current version (absolute paths on the studio's machine). */
    files: z.array(z.string()),
  })
  .strict();
