import "server-only";
import { AppError, type DatasetInfo, type DatasetPreview } from "@sous/contracts";
import { ctx } from "../context.ts";
import { findDataset } from "./dataset-store.ts";
import { datasetDto } from "./dto.ts";

export async function listDatasets(projectId: string): Promise<DatasetInfo[]> {
  const rows = await ctx().db.dataset.findMany({
    where: { projectId },
    include: { currentVersion: true },
    orderBy: { name: "asc" },
  });
  return rows.map(datasetDto);
}

export async function getDataset(projectId: string, datasetId: string): Promise<DatasetInfo> {
  return datasetDto(await findDataset(projectId, datasetId));
}

export async function previewDataset(
  projectId: string,
  datasetId: string,
  page: { limit: number; offset: number },
): Promise<DatasetPreview> {
  const d = await findDataset(projectId, datasetId);
  const v = d.currentVersion;
  if (!v) {
    throw new AppError("conflict", `Dataset ${d.name} has no data yet. Build it first.`);
  }
  const { storage, engine } = ctx();
  const dir = await storage.materialize(v.prefix);
  const result = await (await engine).previewParquet(dir, page);
  return { columns: result.columns, rows: result.rows, totalRows: Number(v.rowCount ?? 0) };
}
