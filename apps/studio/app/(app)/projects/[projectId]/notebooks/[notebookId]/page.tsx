import type { Metadata } from "next";
import { getEngineOptions } from "@/server/services/databricks-engine-choice.ts";
import { listDatasets } from "@/server/services/datasets.ts";
import { getNotebookEngine } from "@/server/services/notebook-engine.ts";
import { getNotebook } from "@/server/services/notebooks.ts";
import { ButtonLink } from "@/ui/button.tsx";
import { ArrowLeftIcon } from "@/ui/icons.tsx";
import { loadProject, orNotFound } from "../../../../../_lib/project-page.ts";
import { requireUser } from "../../../../../_lib/session.ts";
import "../notebooks.css";
import { NotebookEditor } from "./notebook-editor.tsx";

type Props = { params: Promise<{ projectId: string; notebookId: string }> };

const load = (projectId: string, notebookId: string) => orNotFound(() => getNotebook(projectId, notebookId));

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { projectId, notebookId } = await params;
  const { project } = await loadProject(projectId);
  const nb = await load(projectId, notebookId);
  return { title: `${nb.name} · ${project.name} · Sous` };
}

export default async function NotebookPage({ params }: Props) {
  const { projectId, notebookId } = await params;
  const { role, project } = await loadProject(projectId);
  const user = await requireUser();
  const [notebook, datasets, { engine }, engineOptions] = await Promise.all([
    load(projectId, notebookId),
    listDatasets(projectId),
    getNotebookEngine(projectId, notebookId),
    getEngineOptions(user.id),
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
            {project.name}: each cell is one SparkSQL query reading the datasets by name, run over their full
            data on the notebook's engine: the local one, or Spark on a Databricks compute profile.
          </div>
        </div>
      </div>
      <NotebookEditor
        projectId={projectId}
        canEdit={role !== "VIEWER"}
        initial={notebook}
        initialEngine={engine}
        engineOptions={engineOptions}
        tables={datasets
          .filter((d) => d.currentVersion && d.schema)
          .map((d) => ({
            name: d.name,
            columns: (d.schema ?? []).map((c) => ({ name: c.name, type: c.type })),
          }))}
      />
    </main>
  );
}
