import { IdSchema, ObjectNameSchema } from "@sous/contracts";
import { z } from "zod";
import { endpoint } from "./endpoint.ts";
import {
  CreatePythonNotebookBodySchema,
  ExecuteCellBodySchema,
  ExecuteResultSchema,
  KernelDatasetSchema,
  KernelInfoSchema,
  PythonNotebookSchema,
  SavePythonNotebookBodySchema,
} from "./python-notebook-schemas.ts";

// Python notebooks (issue #17); spread into the one endpoint table. The list and delete are the
// notebooks' own (GET/DELETE /projects/{projectId}/notebooks...). Viewers read the .ipynb; editors
// save it and run cells, in a kernel of their own: a kernel id of another user is a 404.

const project = z.object({ projectId: IdSchema }).strict();
const notebook = project.extend({ notebookId: IdSchema }).strict();
const kernel = notebook.extend({ kernelId: z.string().uuid() }).strict();
const ok = z.object({ ok: z.literal(true) }).strict();
const tag = "python-notebooks";

export const pythonNotebookEndpoints = {
  createPythonNotebook: endpoint({
    method: "POST",
    path: "/projects/{projectId}/python-notebooks",
    tag,
    auth: "user",
    projectRole: "EDITOR",
    status: 201,
    summary: "Create a Python notebook (an .ipynb; one empty code cell unless one is given)",
    params: project,
    body: CreatePythonNotebookBodySchema,
    output: PythonNotebookSchema,
  }),
  getPythonNotebook: endpoint({
    method: "GET",
    path: "/projects/{projectId}/python-notebooks/{notebookId}",
    tag,
    auth: "user",
    projectRole: "VIEWER",
    summary:
      "A Python notebook: its .ipynb (cells and their stored outputs) and the caller's kernel, if running",
    params: notebook,
    output: PythonNotebookSchema,
  }),
  savePythonNotebook: endpoint({
    method: "PUT",
    path: "/projects/{projectId}/python-notebooks/{notebookId}",
    tag,
    auth: "user",
    projectRole: "EDITOR",
    summary: "Save the .ipynb (409 when someone saved since `version`)",
    params: notebook,
    body: SavePythonNotebookBodySchema,
    output: PythonNotebookSchema,
  }),
  startPythonKernel: endpoint({
    method: "POST",
    path: "/projects/{projectId}/python-notebooks/{notebookId}/kernel",
    tag,
    auth: "user",
    projectRole: "EDITOR",
    summary:
      "The caller's kernel for this notebook, started (in the caller's own jupyter-server) when none runs",
    params: notebook,
    output: KernelInfoSchema,
  }),
  executePythonCell: endpoint({
    method: "POST",
    path: "/projects/{projectId}/python-notebooks/{notebookId}/kernels/{kernelId}/execute",
    tag,
    auth: "user",
    projectRole: "EDITOR",
    summary:
      "Run code in the caller's kernel; answers its outputs as an .ipynb stores them (closing the request interrupts it)",
    params: kernel,
    body: ExecuteCellBodySchema,
    output: ExecuteResultSchema,
  }),
  interruptPythonKernel: endpoint({
    method: "POST",
    path: "/projects/{projectId}/python-notebooks/{notebookId}/kernels/{kernelId}/interrupt",
    tag,
    auth: "user",
    projectRole: "EDITOR",
    summary: "Interrupt the cell running in the caller's kernel",
    params: kernel,
    output: KernelInfoSchema,
  }),
  restartPythonKernel: endpoint({
    method: "POST",
    path: "/projects/{projectId}/python-notebooks/{notebookId}/kernels/{kernelId}/restart",
    tag,
    auth: "user",
    projectRole: "EDITOR",
    summary: "Restart the caller's kernel (a fresh Python process: variables are lost)",
    params: kernel,
    output: KernelInfoSchema,
  }),
  stopPythonKernel: endpoint({
    method: "DELETE",
    path: "/projects/{projectId}/python-notebooks/{notebookId}/kernels/{kernelId}",
    tag,
    auth: "user",
    projectRole: "EDITOR",
    summary: "Shut the caller's kernel down",
    params: kernel,
    output: ok,
  }),
  kernelDataset: endpoint({
    method: "GET",
    path: "/projects/{projectId}/python-notebooks/datasets/{name}",
    tag,
    auth: "user",
    projectRole: "VIEWER",
    summary:
      "Where a dataset's current version is stored (local Parquet files): what `sous.dataset(name)` reads in a kernel",
    params: project.extend({ name: ObjectNameSchema }).strict(),
    output: KernelDatasetSchema,
  }),
};
