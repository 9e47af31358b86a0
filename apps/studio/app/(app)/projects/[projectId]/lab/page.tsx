import type { Metadata } from "next";
import { listDatasets } from "@/server/services/datasets.ts";
import { listClusterings } from "@/server/services/ml-clustering.ts";
import { listAnalyses, listModels } from "@/server/services/ml-lab.ts";
import { listSavedModels } from "@/server/services/saved-models.ts";
import { ButtonLink } from "@/ui/button.tsx";
import { ArrowLeftIcon } from "@/ui/icons.tsx";
import { loadProject } from "../../../../_lib/project-page.ts";
import { ClusteringPanel } from "./clustering-panel.tsx";
import { LabHome } from "./lab-home.tsx";
import "./lab.css";

type Props = { params: Promise<{ projectId: string }>; searchParams: Promise<{ dataset?: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project } = await loadProject((await params).projectId);
  return { title: `${project.name} · Lab · Sous` };
}

export default async function LabPage({ params, searchParams }: Props) {
  const { projectId } = await params;
  const { dataset } = await searchParams;
  const { role, project } = await loadProject(projectId);
  const [datasets, analyses, models, savedModels, clusterings] = await Promise.all([
    listDatasets(projectId),
    listAnalyses(projectId),
    listModels(projectId),
    listSavedModels(projectId),
    listClusterings(projectId),
  ]);
  return (
    <main className="lab-page">
      <div className="lab-head">
        <ButtonLink href={`/projects/${projectId}`} variant="secondary" icon={<ArrowLeftIcon />}>
          Back to flow
        </ButtonLink>
        <div>
          <h1>Lab</h1>
          <div className="muted">
            {project.name}: train models on a dataset without code, compare them, and deploy the best to the
            Flow.
          </div>
        </div>
      </div>
      <LabHome
        projectId={projectId}
        canEdit={role !== "VIEWER"}
        datasets={datasets
          .filter((d) => d.currentVersion && d.schema)
          .map((d) => ({ id: d.id, name: d.name, columns: d.schema ?? [] }))}
        initialDatasetId={dataset ?? null}
        analyses={analyses}
        models={models}
        savedModels={savedModels}
      />
      <ClusteringPanel
        projectId={projectId}
        canEdit={role !== "VIEWER"}
        datasets={datasets
          .filter((d) => d.currentVersion && d.schema)
          .map((d) => ({ id: d.id, name: d.name }))}
        clusterings={clusterings}
      />
    </main>
  );
}
