import { AppError, type DatasetPreview } from "@sous/contracts";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getDataset, previewDataset } from "@/server/services/datasets.ts";
import { requireProjectRole } from "@/server/services/project-access.ts";
import { getProject } from "@/server/services/projects.ts";
import { StateBadge } from "@/ui/badge.tsx";
import { ButtonLink } from "@/ui/button.tsx";
import { DataTable } from "@/ui/data-table.tsx";
import { formatCount, formatDate, formatRows } from "@/ui/format.ts";
import { ArrowLeftIcon, TableIcon } from "@/ui/icons.tsx";
import { EmptyState, Panel } from "@/ui/panel.tsx";
import { requireUser } from "../../../../../_lib/session.ts";

type Params = { params: Promise<{ projectId: string; datasetId: string }> };
const PREVIEW_ROWS = 100;

async function load(projectId: string, datasetId: string) {
  const user = await requireUser();
  try {
    const role = await requireProjectRole({ user, projectId, minRole: "VIEWER" });
    const [project, dataset] = await Promise.all([
      getProject(projectId, role),
      getDataset(projectId, datasetId),
    ]);
    return { project, dataset };
  } catch (e) {
    if (e instanceof AppError && (e.code === "not_found" || e.code === "forbidden")) notFound();
    throw e;
  }
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { projectId, datasetId } = await params;
  const { dataset } = await load(projectId, datasetId);
  return { title: `${dataset.name} · Sous` };
}

export default async function DatasetPage({ params }: Params) {
  const { projectId, datasetId } = await params;
  const { project, dataset } = await load(projectId, datasetId);
  let preview: DatasetPreview | null = null;
  let previewError: string | null = null;
  if (dataset.currentVersion) {
    try {
      preview = await previewDataset(projectId, datasetId, { limit: PREVIEW_ROWS, offset: 0 });
    } catch (e) {
      // Show why the rows cannot be read instead of failing the whole page.
      previewError = e instanceof AppError ? e.message : "The rows of this dataset could not be read.";
    }
  }
  const rowCount = dataset.currentVersion?.rowCount ?? null;
  const schema = dataset.schema ?? preview?.columns ?? null;

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
            {dataset.currentVersion ? (
              <>
                <span aria-hidden="true">·</span>
                <span>
                  version {dataset.currentVersion.number}, {formatDate(dataset.currentVersion.createdAt)}
                </span>
              </>
            ) : null}
          </div>
        </div>
        <StateBadge state={dataset.currentVersion ? "built" : "never-built"} />
      </div>

      <div className="dataset-grid">
        <Panel title={`Schema${schema ? ` · ${schema.length}` : ""}`} testId="dataset-schema">
          {schema ? (
            <ul className="schema-list">
              {schema.map((c) => (
                <li key={c.name}>
                  <span className="col-name" title={c.name}>
                    {c.name}
                  </span>
                  <span className="col-type">{c.type}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted" style={{ padding: 16 }}>
              Columns are known once the dataset is built.
            </p>
          )}
        </Panel>
        <Panel
          title={
            preview
              ? `First ${formatCount(preview.rows.length)} of ${formatCount(preview.totalRows)} rows`
              : "Rows"
          }
          testId="dataset-rows"
        >
          {preview ? (
            preview.rows.length ? (
              <DataTable
                columns={preview.columns}
                rows={preview.rows}
                testId="dataset-table"
                caption={`Rows of ${dataset.name}`}
              />
            ) : (
              <EmptyState title="No rows" testId="dataset-empty">
                The dataset is built and has no rows.
              </EmptyState>
            )
          ) : previewError ? (
            <EmptyState title="Could not read the rows" testId="dataset-error">
              {previewError}
            </EmptyState>
          ) : (
            <EmptyState icon={<TableIcon size={24} />} title="Not built yet" testId="dataset-empty">
              Go back to the Flow, select the recipe that writes {dataset.name} and run it.
            </EmptyState>
          )}
        </Panel>
      </div>
    </main>
  );
}
