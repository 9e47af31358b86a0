import { IdSchema } from "@sous/contracts";
import { z } from "zod";
import { endpoint } from "./endpoint.ts";
import { ExecuteResultSchema } from "./python-notebook-schemas.ts";

// A Python notebook attached to a Databricks cluster (issue #17): its cells then run there, in an
// execution context of the Command Execution API (python, or sql), instead of the local kernel.
// An attachment is the caller's own (per user and notebook, as kernels are).

const notebook = z.object({ projectId: IdSchema, notebookId: IdSchema }).strict();
const tag = "python-notebooks";

export const ClusterAttachmentSchema = z
  .object({
    attached: z.boolean(),
    connectionId: IdSchema.optional(),
    profileId: IdSchema.optional(),
    /** "<connection> · <profile>", for the page. */
    label: z.string().optional(),
    clusterId: z.string().optional(),
    /** What the cluster lifecycle did on attach: reused a running cluster, started or created one. */
    action: z.enum(["reused", "started", "created"]).optional(),
    /** What the attach said while it waited (cluster start, context). */
    log: z.array(z.string()).optional(),
  })
  .strict();
export type ClusterAttachment = z.infer<typeof ClusterAttachmentSchema>;

const AttachClusterBodySchema = z.object({ connectionId: IdSchema, profileId: IdSchema }).strict();

const ExecuteOnClusterBodySchema = z
  .object({
    code: z
      .string()
      .min(1)
      .max(1_000_000)
      .refine((s) => !s.includes("\0"), "contains a NUL character"),
    language: z.enum(["python", "sql"]).default("python"),
  })
  .strict();

export const pythonNotebookClusterEndpoints = {
  getPythonNotebookCluster: endpoint({
    method: "GET",
    path: "/projects/{projectId}/python-notebooks/{notebookId}/cluster",
    tag,
    auth: "user",
    projectRole: "EDITOR",
    summary: "Whether the caller's cells of this notebook run on a Databricks cluster, and which",
    params: notebook,
    output: ClusterAttachmentSchema,
  }),
  attachPythonNotebookCluster: endpoint({
    method: "POST",
    path: "/projects/{projectId}/python-notebooks/{notebookId}/cluster",
    tag,
    auth: "user",
    projectRole: "EDITOR",
    summary:
      "Attach the notebook to a cluster of a Databricks compute profile (reused, started or created, waited for) and open an execution context there",
    params: notebook,
    body: AttachClusterBodySchema,
    output: ClusterAttachmentSchema,
  }),
  detachPythonNotebookCluster: endpoint({
    method: "DELETE",
    path: "/projects/{projectId}/python-notebooks/{notebookId}/cluster",
    tag,
    auth: "user",
    projectRole: "EDITOR",
    summary: "Detach: the execution context and its state go; cells run in the local kernel again",
    params: notebook,
    output: ClusterAttachmentSchema,
  }),
  executeOnCluster: endpoint({
    method: "POST",
    path: "/projects/{projectId}/python-notebooks/{notebookId}/cluster/execute",
    tag,
    auth: "user",
    projectRole: "EDITOR",
    summary:
      "Run a cell on the attached cluster (python with `spark` bound, or sql): its outputs as nbformat (text, a table as HTML, the error with its trace); closing the request cancels the command",
    params: notebook,
    body: ExecuteOnClusterBodySchema,
    output: ExecuteResultSchema,
  }),
};
