import type { Metadata } from "next";
import { getEngineOptions } from "@/server/services/databricks-engine-choice.ts";
import { getClusterAttachment } from "@/server/services/python-notebook-cluster.ts";
import { getPythonNotebook } from "@/server/services/python-notebooks.ts";
import { ButtonLink } from "@/ui/button.tsx";
import { ArrowLeftIcon } from "@/ui/icons.tsx";
import { loadProject, orNotFound } from "../../../../../_lib/project-page.ts";
import "../../notebooks/notebooks.css";
import "../python-notebooks.css";
import { PythonNotebookEditor } from "./python-notebook-editor.tsx";

type Props = { params: Promise<{ projectId: string; notebookId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { projectId, notebookId } = await params;
  const { project, user } = await loadProject(projectId);
  const nb = await orNotFound(() => getPythonNotebook(projectId, notebookId, user.id));
  return { title: `${nb.name} · ${project.name} · Sous` };
}

export default async function PythonNotebookPage({ params }: Props) {
  const { projectId, notebookId } = await params;
  const { role, project, user } = await loadProject(projectId);
  const notebook = await orNotFound(() => getPythonNotebook(projectId, notebookId, user.id));
  const [engineOptions, cluster] = await Promise.all([
    getEngineOptions(user.id),
    role === "VIEWER" ? { attached: false } : getClusterAttachment(projectId, notebookId, user.id),
  ]);
  return (
    <main className="nb-page">
      <div className="nb-head">
        <ButtonLink href={`/projects/${projectId}/notebooks`} variant="secondary" icon={<ArrowLeftIcon />}>
          Notebooks
        </ButtonLink>
        <div>
          <h1 data-testid="notebook-title">{notebook.name}</h1>
          <div className="muted">
            {project.name}: Python in your own Jupyter kernel, from the project's Python environment.{" "}
            <code>sous.dataset("name").to_pandas()</code> reads a dataset,{" "}
            <code>sous.write_dataset("name", df)</code> writes a new version of one.
          </div>
        </div>
      </div>
      <PythonNotebookEditor
        projectId={projectId}
        canEdit={role !== "VIEWER"}
        initial={notebook}
        engineOptions={engineOptions}
        initialCluster={cluster}
      />
    </main>
  );
}
