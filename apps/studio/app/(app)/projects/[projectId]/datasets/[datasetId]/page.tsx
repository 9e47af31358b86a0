import { AppError, type DatasetStats, type SamplePage } from "@sous/contracts";
import type { Metadata } from "next";
import { isRecipeOutput } from "@/server/services/dataset-origin.ts";
import { getDatasetStats, getSampling, queryDatasetSample } from "@/server/services/dataset-sample.ts";
import { getDataset } from "@/server/services/datasets.ts";
import { StateBadge } from "@/ui/badge.tsx";
import { ButtonLink } from "@/ui/button.tsx";
import { formatDate, formatRows, plural } from "@/ui/format.ts";
import { ArrowLeftIcon, LabIcon, TableIcon } from "@/ui/icons.tsx";
import { EmptyState } from "@/ui/panel.tsx";
import { loadProject, orNotFound } from "../../../../../_lib/project-page.ts";
import { Explore } from "./_explore/explore.tsx";
import "./_explore/explore.css";

type Params = { params: Promise<{ projectId: string; datasetId: string }> };
/** Rows rendered with the page; the table fetches the rest of the sample as it scrolls. */
const FIRST_BLOCK = 500;

async function load(projectId: string, datasetId: string) {
  const { role, project } = await loadProject(projectId);
  const dataset = await orNotFound(() => getDataset(projectId, datasetId));
  return { project, dataset, role };
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { projectId, datasetId } = await params;
  const { dataset } = await load(projectId, datasetId);
  return { title: `${dataset.name} · Sous` };
}

export default async function DatasetPage({ params }: Params) {
  const { projectId, datasetId } = await params;
  const { project, dataset, role } = await load(projectId, datasetId);
  const [sampling, recipeOutput] = await Promise.all([
    getSampling(projectId, datasetId),
    isRecipeOutput(datasetId),
  ]);
  let initial: SamplePage | null = null;
  let stats: DatasetStats | null = null;
  let error: string | null = null;
  if (dataset.currentVersion) {
    try {
      initial = await queryDatasetSample(projectId, datasetId, {
        offset: 0,
        limit: FIRST_BLOCK,
        filters: [],
      });
      stats = await getDatasetStats(projectId, datasetId);
    } catch (e) {
      // Show why the rows cannot be read instead of failing the whole page.
      error = e instanceof AppError ? e.message : "The rows of this dataset could not be read.";
    }
  }
  const rowCount = dataset.currentVersion?.rowCount ?? null;

  return (
    <main className="dataset-page">
      <div className="dataset-head">
        <ButtonLink
          href={`/projects/${projectId}`}
          variant="secondary"
          icon={<ArrowLeftIcon />}
          data-testid="back-to-flow"
        >
          Back to flow
        </ButtonLink>
        <span className="node-icon">
          <TableIcon size={20} />
        </span>
        <div className="dataset-title">
          <h1 data-testid="dataset-name">{dataset.name}</h1>
          <div className="meta">
            <span>{project.name}</span>
            <span aria-hidden="true">·</span>
            <span data-testid="dataset-row-count" data-rows={rowCount ?? ""}>
              {formatRows(rowCount)}
            </span>
            {dataset.schema ? (
              <>
                <span aria-hidden="true">·</span>
                <span>{plural(dataset.schema.length, "column")}</span>
              </>
            ) : null}
            {dataset.currentVersion ? (
              <>
                <span aria-hidden="true">·</span>
                <span data-testid="dataset-version">
                  version {dataset.currentVersion.number}, {formatDate(dataset.currentVersion.createdAt)}
                </span>
              </>
            ) : null}
          </div>
        </div>
        <StateBadge state={dataset.currentVersion ? "built" : "never-built"} />
        {dataset.currentVersion ? (
          <ButtonLink
            href={`/projects/${projectId}/lab?dataset=${dataset.id}`}
            variant="secondary"
            icon={<LabIcon />}
            data-testid="create-model-link"
          >
            Create a model
          </ButtonLink>
        ) : null}
      </div>
      {error ? (
        <EmptyState title="Could not read the rows" testId="dataset-error">
          {error}
        </EmptyState>
      ) : dataset.currentVersion ? (
        <Explore
          key={`${dataset.currentVersion.id}:${JSON.stringify(sampling)}`}
          dataset={dataset}
          initial={initial}
          stats={stats}
          sampling={sampling}
          canEdit={role !== "VIEWER"}
          canReimport={role !== "VIEWER" && !recipeOutput}
        />
      ) : (
        <EmptyState icon={<TableIcon size={24} />} title="Not built yet" testId="dataset-empty">
          Go back to the Flow, select the recipe that writes {dataset.name} and run it.
        </EmptyState>
      )}
    </main>
  );
}
