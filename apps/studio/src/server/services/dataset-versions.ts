import "server-only";
import {
  type DatasetInfo,
  type DatasetSchema,
  DatasetSchemaSchema,
  type DatasetVersion,
} from "@sous/contracts";
import { castColumns } from "@sous/engine-local";
import { ctx } from "../context.ts";
import { currentVersionOf, findDataset, writeVersion } from "./dataset-store.ts";
import { datasetDto } from "./dto.ts";

export async function listVersions(projectId: string, datasetId: string): Promise<DatasetVersion[]> {
  const d = await findDataset(projectId, datasetId);
  const rows = await ctx().db.datasetVersion.findMany({
    where: { datasetId: d.id },
    orderBy: { number: "desc" },
  });
  return rows.map((v) => ({
    id: v.id,
    number: v.number,
    status: v.status,
    current: v.id === d.currentVersionId,
    origin: v.origin ?? (v.jobId ? "build" : null),
    jobId: v.jobId,
    schema: DatasetSchemaSchema.parse(v.schema),
    rowCount: v.rowCount === null ? null : Number(v.rowCount),
    bytes: v.bytes === null ? null : Number(v.bytes),
    createdAt: v.createdAt.toISOString(),
  }));
}

/**
 * Changes column types. Every value is checked first; if all fit, the data is rewritten with the
 * new types as a new version (so recipes read what the schema says), otherwise nothing changes
 * and the error names the column, how many values fail and the first one.
 */
export async function updateSchema(
  projectId: string,
  datasetId: string,
  columns: DatasetSchema,
): Promise<DatasetInfo> {
  const d = await findDataset(projectId, datasetId);
  const v = currentVersionOf(d);
  const changed = columns.filter((c, i) => v.schema[i]?.type !== c.type).map((c) => `${c.name} → ${c.type}`);
  if (changed.length === 0 && columns.length === v.schema.length) return datasetDto(d);
  const engine = await ctx().engine;
  const version = await ctx().storage.acquire(v.prefix);
  try {
    await writeVersion({
      projectId,
      target: { datasetId: d.id },
      origin: `schema edit: ${changed.join(", ")}`,
      write: async (staged) => {
        const rowCount = await castColumns(engine, {
          dir: version.dir,
          from: v.schema,
          to: columns,
          outDir: staged.dir,
        });
        return { schema: columns, rowCount };
      },
    });
  } finally {
    await version.release();
  }
  return datasetDto(await findDataset(projectId, datasetId));
}
