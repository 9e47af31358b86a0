import { EngineChoiceSchema, IdSchema } from "@sous/contracts";
import { z } from "zod";
import { endpoint } from "./endpoint.ts";

// Where a SQL notebook's cells run (issue #17): the local engine or a Databricks connection's
// compute profile; and what a run on a cluster says while it waits (cluster start, upload, query).

const notebook = z.object({ projectId: IdSchema, notebookId: IdSchema }).strict();
const cell = notebook.extend({ cellId: IdSchema }).strict();

export const NotebookEngineSchema = z.object({ engine: EngineChoiceSchema }).strict();

export const CellProgressSchema = z
  .object({
    /** Whether a run of this cell on a cluster is going on. */
    running: z.boolean(),
    /** What it said, oldest first: the cluster it reuses, starts or waits for, then the query. */
    lines: z.array(z.string()),
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
      "What the cell's run on a Databricks cluster says while it runs (reusing, starting or waiting for a cluster, then the query)",
    params: cell,
    output: CellProgressSchema,
  }),
};
