import type { Metadata } from "next";
import { getEngineOptions } from "@/server/services/databricks-engine-choice.ts";
import { getAnalysis, suggestForTarget } from "@/server/services/ml-lab.ts";
import { listSavedModels } from "@/server/services/saved-models.ts";
import { ButtonLink } from "@/ui/button.tsx";
import { ArrowLeftIcon } from "@/ui/icons.tsx";
import { loadProject, orNotFound } from "../../../../../_lib/project-page.ts";
import { AnalysisView } from "./analysis-view.tsx";
import "../lab.css";

type Props = {
  params: Promise<{ projectId: string; analysisId: string }>;
  searchParams: Promise<{ training?: string; model?: string }>;
};

const load = (projectId: string, analysisId: string) => orNotFound(() => getAnalysis(projectId, analysisId));

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { projectId, analysisId } = await params;
  const { project } = await loadProject(projectId);
  const a = await load(projectId, analysisId);
  return { title: `${a.name} · Lab · ${project.name} · Sous` };
}

export default async function AnalysisPage({ params, searchParams }: Props) {
  const { projectId, analysisId } = await params;
  const { training, model } = await searchParams;
  const { user, role } = await loadProject(projectId);
  const analysis = await load(projectId, analysisId);
  // Why columns are left out: from the dataset's sample, as when the analysis was created. A
  // dataset that cannot be read now (rebuilt without the target...) only loses the reasons.
  const reasons = await suggestForTarget(projectId, {
    datasetId: analysis.datasetId,
    target: analysis.design.target,
    task: analysis.design.task,
  })
    .then((s) => s.reasons)
    .catch(() => ({}));
  const savedModels = (await listSavedModels(projectId)).filter((m) => m.datasetId === analysis.datasetId);
  // The Databricks compute profiles this user may train on (MLlib through the Jobs API).
  const engines = (await getEngineOptions(user.id)).connections.flatMap((c) =>
    c.profiles.map((p) => ({ connectionId: c.id, profileId: p.id, label: `${c.name} · ${p.name}` })),
  );
  return (
    <main className="lab-page">
      <div className="lab-head">
        <ButtonLink href={`/projects/${projectId}/lab`} variant="secondary" icon={<ArrowLeftIcon />}>
          Lab
        </ButtonLink>
        <div>
          <h1 data-testid="analysis-name">{analysis.name}</h1>
          <div className="muted">
            Predicts <code>{analysis.design.target}</code> of {analysis.datasetName}
          </div>
        </div>
      </div>
      <AnalysisView
        projectId={projectId}
        canEdit={role !== "VIEWER"}
        initial={analysis}
        reasons={reasons}
        savedModels={savedModels.map((m) => ({ id: m.id, name: m.name }))}
        engines={engines}
        initialSelection={
          training && model !== undefined ? { trainingId: training, modelIndex: Number(model) } : null
        }
      />
    </main>
  );
}
