import type { Metadata } from "next";
import { getClustering } from "@/server/services/ml-clustering.ts";
import { listSavedModels } from "@/server/services/saved-models.ts";
import { ButtonLink } from "@/ui/button.tsx";
import { ArrowLeftIcon } from "@/ui/icons.tsx";
import { loadProject, orNotFound } from "../../../../../../_lib/project-page.ts";
import { ClusteringView } from "./clustering-view.tsx";
import "../../lab.css";
import "./clustering.css";

type Props = { params: Promise<{ projectId: string; analysisId: string }> };

const load = (projectId: string, analysisId: string) =>
  orNotFound(() => getClustering(projectId, analysisId));

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { projectId, analysisId } = await params;
  const { project } = await loadProject(projectId);
  const a = await load(projectId, analysisId);
  return { title: `${a.name} · Lab · ${project.name} · Sous` };
}

export default async function ClusteringPage({ params }: Props) {
  const { projectId, analysisId } = await params;
  const { role } = await loadProject(projectId);
  const analysis = await load(projectId, analysisId);
  // Deploying as a new version is offered for saved models of the same dataset only.
  const savedModels = (await listSavedModels(projectId)).filter((m) => m.datasetId === analysis.datasetId);
  return (
    <main className="lab-page">
      <div className="lab-head">
        <ButtonLink href={`/projects/${projectId}/lab`} variant="secondary" icon={<ArrowLeftIcon />}>
          Lab
        </ButtonLink>
        <div>
          <h1 data-testid="analysis-name">{analysis.name}</h1>
          <div className="muted">Clusters the rows of {analysis.datasetName} (no target)</div>
        </div>
      </div>
      <ClusteringView
        projectId={projectId}
        canEdit={role !== "VIEWER"}
        initial={analysis}
        savedModels={savedModels.map((m) => ({ id: m.id, name: m.name }))}
      />
    </main>
  );
}
