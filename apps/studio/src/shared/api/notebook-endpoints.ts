import { IdSchema } from "@sous/contracts";
import { z } from "zod";
import { endpoint } from "./endpoint.ts";
import {
  CellResultSchema,
  CreateNotebookBodySchema,
  NotebookSchema,
  NotebookSummarySchema,
  RunCellBodySchema,
  SaveCellAsDatasetBodySchema,
  SavedAsDatasetSchema,
  SaveNotebookBodySchema,
} from "./notebook-schemas.ts";

// SQL notebooks (issue #17); spread into the one endpoint table. Viewers read, editors edit and run
// (a run stores the cell's last result with the notebook).

const project = z.object({ projectId: IdSchema }).strict();
const notebook = project.extend({ notebookId: IdSchema }).strict();
const cell = notebook.extend({ cellId: IdSchema }).strict();
const ok = z.object({ ok: z.literal(true) }).strict();

export const notebookEndpoints = {
  listNotebooks: endpoint({
    method: "GET",
    path: "/projects/{projectId}/notebooks",
    tag: "notebooks",
    auth: "user",
    projectRole: "VIEWER",
    summary: "The project's notebooks, last changed first",
    params: project,
    output: z.array(NotebookSummarySchema),
  }),
  createNotebook: endpoint({
    method: "POST",
    path: "/projects/{projectId}/notebooks",
    tag: "notebooks",
    auth: "user",
    projectRole: "EDITOR",
    status: 201,
    summary: "Create a SQL notebook (one empty cell unless cells are given)",
    params: project,
    body: CreateNotebookBodySchema,
    output: NotebookSchema,
  }),
  getNotebook: endpoint({
    method: "GET",
    path: "/projects/{projectId}/notebooks/{notebookId}",
    tag: "notebooks",
    auth: "user",
    projectRole: "VIEWER",
    summary: "A notebook: its cells, each cell's last result, and the datasets its cells can read",
    params: notebook,
    output: NotebookSchema,
  }),
  saveNotebook: endpoint({
    method: "PUT",
    path: "/projects/{projectId}/notebooks/{notebookId}",
    tag: "notebooks",
    auth: "user",
    projectRole: "EDITOR",
    summary: "Save the cells (409 when someone saved since `version`)",
    params: notebook,
    body: SaveNotebookBodySchema,
    output: NotebookSchema,
  }),
  deleteNotebook: endpoint({
    method: "DELETE",
    path: "/projects/{projectId}/notebooks/{notebookId}",
    tag: "notebooks",
    auth: "user",
    projectRole: "EDITOR",
    summary: "Delete a notebook and its results",
    params: notebook,
    output: ok,
  }),
  runCell: endpoint({
    method: "POST",
    path: "/projects/{projectId}/notebooks/{notebookId}/cells/{cellId}/run",
    tag: "notebooks",
    auth: "user",
    projectRole: "EDITOR",
    summary:
      "Run a cell's SparkSQL on the local engine over the full data of the datasets it names: the first 10,000 rows, the full count, the column types (422 with positions when the SQL is refused)",
    params: cell,
    body: RunCellBodySchema,
    output: CellResultSchema,
  }),
  saveCellAsDataset: endpoint({
    method: "POST",
    path: "/projects/{projectId}/notebooks/{notebookId}/cells/{cellId}/save-as-dataset",
    tag: "notebooks",
    auth: "user",
    projectRole: "EDITOR",
    status: 201,
    summary:
      "Turn a cell into a SQL recipe of the Flow: its inputs are the datasets it reads, its output a new dataset",
    params: cell,
    body: SaveCellAsDatasetBodySchema,
    output: SavedAsDatasetSchema,
  }),
};
