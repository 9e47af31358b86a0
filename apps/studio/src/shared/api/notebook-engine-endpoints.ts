import { EngineChoiceSchema, IdSchema } from "@sous/contracts";
import { z } from "zod";
import { endpoint } from "./endpoint.ts";

// Where a SQL notebook's cells run (issue #17): the local engine or a Databricks connection's
// compute profile; and what a run says while it goes on (cluster start, upload, query; a local
// query's progress).

const notebook = z.object({ projectId: IdSchema, notebookId: IdSchema }).strict();
const cell = notebook.extend({ cellId: IdSchema }).strict();

export const NotebookEngineSchema = z.object({ engine: EngineChoiceSchema }).strict();

export const CellProgressSchema = z
  .object({
    /** Whether a run of this cell is going on (on the local engine or a cluster). */
    running: z.boolean(),
    /** What a run on a cluster said, oldest first: the cluster it reuses, starts or waits for, then the query. */
    lines: z.array(z.string()),
    /** DuckDB's estimate (0-100) of a running local query's progress; null on a cluster or before it has one. */
    percent: z.number().min(0).max(100).nullable(),
    /** Milliseconds since the run started (to its end once finished); null when the cell has no recent run. */
    elapsedMs: z.number().int().nonnegative().nullable(),
  })
  .strict();
export type CellProgress = z.infer<typeof CellProgressSchema>;

export const notebookEngineEndpoints = {
  getNotebookEngine: endpoint({
    method: "GET",
    path: "/projects/{projectId}/notebooks/{notebookId}/engine",
    tag: "notebooks",
    auth: "user",
    projectRole: "VIEWER",
    summary: "Where the notebook's cells run: the local engine, or a Databricks connection's compute profile",
    params: notebook,
    output: NotebookEngineSchema,
  }),
  setNotebookEngine: endpoint({
    method: "PUT",
    path: "/projects/{projectId}/notebooks/{notebookId}/engine",
    tag: "notebooks",
    auth: "user",
    projectRole: "EDITOR",
    summary: "Switch the notebook's engine (local, or a Databricks connection's compute profile)",
    params: notebook,
    body: NotebookEngineSchema,
    output: NotebookEngineSchema,
  }),
  getCellProgress: endpoint({
    method: "GET",
    path: "/projects/{projectId}/notebooks/{notebookId}/cells/{cellId}/progress",
    tag: "notebooks",
    auth: "user",
    projectRole: "VIEWER",
    summary:
      "What the cell's run says while it runs: on a Databricks cluster, reusing, starting or waiting for a cluster, then the query; on the local engine, DuckDB's progress; and the time elapsed",
    params: cell,
    output: CellProgressSchema,
  }),
};
