import "server-only";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  AppError,
  type DatasetSampling,
  DatasetSamplingSchema,
  type DatasetSchema,
  type DatasetStats,
  DatasetStatsSchema,
  DEFAULT_DATASET_SAMPLING,
  type SamplePage,
  type SampleQuery,
} from "@sous/contracts";
import { computeColumnStatsScoped, type Meaning, querySample, writeSample } from "@sous/engine-local";
import { ctx } from "../context.ts";
import { currentVersionOf, type DatasetRow, findDataset, sampleCacheDir } from "./dataset-store.ts";

// The sample of a dataset is drawn once per (version, sampling settings) and cached as a Parquet
// file with its stats beside it; a new version or new settings simply use another file. Versions
// are immutable, so a cached sample never goes stale; pruning a version removes its folder.

export function samplingOf(d: { sampling: unknown }): DatasetSampling {
  const parsed = DatasetSamplingSchema.safeParse(d.sampling);
  return parsed.success ? parsed.data : DEFAULT_DATASET_SAMPLING;
}

export async function getSampling(projectId: string, datasetId: string): Promise<DatasetSampling> {
  return samplingOf(await findDataset(projectId, datasetId));
}

export async function setSampling(
  projectId: string,
  datasetId: string,
  sampling: DatasetSampling,
): Promise<DatasetSampling> {
  const d = await findDataset(projectId, datasetId);
  if (
    "column" in sampling &&
    d.schema &&
    !(d.schema as DatasetSchema).some((c) => c.name === sampling.column)
  ) {
    throw new AppError("invalid_input", `Sampling column ${sampling.column} is not a column of ${d.name}.`);
  }
  await ctx().db.dataset.update({ where: { id: d.id }, data: { sampling } });
  return sampling;
}

const building = new Map<string, Promise<void>>();

interface CachedSample {
  file: string;
  versionId: string;
  schema: DatasetSchema;
  sampling: DatasetSampling;
  rows: number;
  stats: DatasetStats;
}

function key(sampling: DatasetSampling): string {
  return createHash("sha256").update(JSON.stringify(sampling)).digest("hex").slice(0, 16);
}

/** The cached sample of the dataset's current version under its sampling settings, drawn on first use. */
export async function datasetSample(d: DatasetRow, override?: DatasetSampling): Promise<CachedSample> {
  const v = currentVersionOf(d);
  const sampling = override ?? samplingOf(d);
  const dir = sampleCacheDir(v.id);
  const file = path.join(dir, `${key(sampling)}.parquet`);
  const statsFile = path.join(dir, `${key(sampling)}.stats.json`);
  if (!existsSync(statsFile)) {
    // Concurrent requests for the same sample wait for one drawing.
    let p = building.get(statsFile);
    if (!p) {
      p = (async () => {
        const engine = await ctx().engine;
        const versionDir = await ctx().storage.materialize(v.prefix);
        await mkdir(dir, { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        try {
          const rows = await writeSample(engine, {
            dir: versionDir,
            schema: v.schema,
            rowCount: Number(v.rowCount ?? 0),
            sampling,
            outFile: tmp,
          });
          await rename(tmp, file);
          const { columns, sampled, rowsScanned } = await computeColumnStatsScoped(engine, {
            source: file,
            schema: v.schema,
            rowCount: rows,
          });
          const stats: DatasetStats = { versionId: v.id, sampling, rows, columns, sampled, rowsScanned };
          await writeFile(`${statsFile}.tmp`, JSON.stringify(stats));
          await rename(`${statsFile}.tmp`, statsFile);
        } finally {
          await rm(tmp, { force: true });
        }
      })().finally(() => building.delete(statsFile));
      building.set(statsFile, p);
    }
    await p;
  }
  const parsed = DatasetStatsSchema.parse(JSON.parse(await readFile(statsFile, "utf8")));
  // Stats cached before `sampled` existed were computed on every row of the sample.
  const stats = {
    ...parsed,
    sampled: parsed.sampled ?? false,
    rowsScanned: parsed.rowsScanned ?? parsed.rows,
  };
  return { file, versionId: v.id, schema: v.schema, sampling, rows: stats.rows, stats };
}

export async function getDatasetStats(projectId: string, datasetId: string): Promise<DatasetStats> {
  return (await datasetSample(await findDataset(projectId, datasetId))).stats;
}

/** A page of the sample, filtered and sorted (what the explore table shows). */
export async function queryDatasetSample(
  projectId: string,
  datasetId: string,
  query: SampleQuery,
): Promise<SamplePage> {
  const s = await datasetSample(await findDataset(projectId, datasetId));
  const meanings = Object.fromEntries(
    s.stats.columns.map((c) => [c.name, (c.meaning ?? null) as Meaning | null]),
  );
  const { rows, matchingRows } = await querySample(await ctx().engine, {
    file: s.file,
    schema: s.schema,
    meanings,
    query,
  });
  return {
    sampling: s.sampling,
    versionId: s.versionId,
    columns: s.schema,
    sampleRows: s.rows,
    matchingRows,
    rows,
  };
}

/**
 * For recipe previews: the sample file of an input dataset under its saved sampling settings,
 * with its schema (read it with read_parquet). Throws a conflict when the dataset has no data.
 */
export async function sampleFileOf(
  projectId: string,
  datasetId: string,
): Promise<{ file: string; schema: DatasetSchema; rows: number }> {
  const s = await datasetSample(await findDataset(projectId, datasetId));
  return { file: s.file, schema: s.schema, rows: s.rows };
}
