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
import {
  computeColumnStatsScoped,
  type Meaning,
  querySample,
  querySampleJson,
  querySamplePositions,
  sampleRowJson,
  writeSample,
} from "@sous/engine-local";
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
  /** The folder holding the sample's one Parquet file (what the compiler reads as an input). */
  dir: string;
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
  // Each sample is the one Parquet file of its own folder, so recipe previews read the folder as
  // an input (`<folder>/*.parquet`) like any dataset version; its stats sit beside the folder.
  const dir = path.join(sampleCacheDir(v.id), key(sampling));
  const file = path.join(dir, "part-0.parquet");
  const statsFile = `${dir}.stats.json`;
  if (!existsSync(statsFile) || !existsSync(file)) {
    // Concurrent requests for the same sample wait for one drawing.
    let p = building.get(statsFile);
    if (!p) {
      p = (async () => {
        const engine = await ctx().engine;
        await mkdir(dir, { recursive: true });
        // Aside under a name `*.parquet` does not match, then renamed into place.
        const tmp = `${file}.${process.pid}.tmp`;
        const version = await ctx().storage.acquire(v.prefix);
        try {
          const rows = await writeSample(engine, {
            dir: version.dir,
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
          await version.release();
        }
      })().finally(() => building.delete(statsFile));
      building.set(statsFile, p);
    }
    await p;
  }
  // Stats files never change once written: each is read and validated once per process.
  let stats = statsMemo.get(statsFile);
  if (!stats) {
    const parsed = DatasetStatsSchema.parse(JSON.parse(await readFile(statsFile, "utf8")));
    // Stats cached before `sampled` existed were computed on every row of the sample.
    stats = { ...parsed, sampled: parsed.sampled ?? false, rowsScanned: parsed.rowsScanned ?? parsed.rows };
    statsMemo.set(statsFile, stats);
    if (statsMemo.size > STATS_MEMO_MAX) statsMemo.delete(statsMemo.keys().next().value ?? "");
  }
  return { dir, file, versionId: v.id, schema: v.schema, sampling, rows: stats.rows, stats };
}

const STATS_MEMO_MAX = 512;
const statsMemo = new Map<string, DatasetStats>();

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

// Serialised pages of the sample API, per (sample file, schema, query). A sample file is
// immutable (its name carries the version and the sampling settings), so a page never goes stale;
// the cache only bounds memory: PAGE_CACHE_MAX_BYTES of JSON, least recently used out first.
const PAGE_CACHE_MAX_BYTES = 64 * 1024 * 1024;
const pageCache = new Map<string, Page>();
let pageCacheBytes = 0;
/** A serialised page. */
interface Page {
  json: string;
}

// Every row of a sample as JSON text, per sample file, for samples up to ROW_JSON_MAX_ROWS rows
// and ROW_JSON_MAX_BYTES in all (least recently used out first); larger ones are paged by DuckDB.
const ROW_JSON_MAX_ROWS = 200_000;
const ROW_JSON_MAX_BYTES = 256 * 1024 * 1024;
const rowJsonCache = new Map<string, { rows: Promise<string[]>; bytes: number }>();
let rowJsonBytes = 0;

async function rowJsonOf(file: string, schema: DatasetSchema, rows: number): Promise<string[] | null> {
  if (rows > ROW_JSON_MAX_ROWS) return null;
  const k = `${file}\n${JSON.stringify(schema)}`;
  const hit = rowJsonCache.get(k);
  if (hit) {
    rowJsonCache.delete(k);
    rowJsonCache.set(k, hit);
    return hit.rows;
  }
  const entry = { rows: (async () => sampleRowJson(await ctx().engine, { file, schema }))(), bytes: 0 };
  rowJsonCache.set(k, entry);
  try {
    const all = await entry.rows;
    entry.bytes = all.reduce((n, r) => n + r.length * 2, 0);
    rowJsonBytes += entry.bytes;
    while (rowJsonBytes > ROW_JSON_MAX_BYTES && rowJsonCache.size > 1) {
      const [oldest, v] = rowJsonCache.entries().next().value ?? [];
      if (oldest === undefined || v === undefined) break;
      rowJsonCache.delete(oldest);
      rowJsonBytes -= v.bytes;
    }
    return all;
  } catch (e) {
    rowJsonCache.delete(k);
    throw e;
  }
}

/**
 * The sample API's answer (a SamplePage) as JSON text: the rows are serialised by DuckDB and the
 * page is cached, so the handler sends it without re-validating rows that came from a typed file.
 * (Sending it pre-gzipped does not work: Next drops a route's Content-Encoding and compresses
 * again.)
 */
export async function queryDatasetSampleJson(
  projectId: string,
  datasetId: string,
  query: SampleQuery,
): Promise<string> {
  return (await samplePage(projectId, datasetId, query)).json;
}

async function samplePage(projectId: string, datasetId: string, query: SampleQuery): Promise<Page> {
  const s = await datasetSample(await findDataset(projectId, datasetId));
  const k = `${s.file}\n${JSON.stringify(s.schema)}\n${JSON.stringify(query)}`;
  const hit = pageCache.get(k);
  if (hit !== undefined) {
    pageCache.delete(k);
    pageCache.set(k, hit);
    return hit;
  }
  const meanings = Object.fromEntries(
    s.stats.columns.map((c) => [c.name, (c.meaning ?? null) as Meaning | null]),
  );
  const engine = await ctx().engine;
  const opts = { file: s.file, schema: s.schema, meanings, query };
  let rowsJson: string;
  let matchingRows: number;
  const all = await rowJsonOf(s.file, s.schema, s.rows);
  if (all) {
    // Every row's JSON is cached: a page is a list of positions (file order when unsorted and
    // unfiltered, no query at all), joined.
    let positions: number[];
    if (!query.filters.length && !query.sort) {
      const end = Math.min(s.rows, query.offset + query.limit);
      positions = Array.from({ length: Math.max(0, end - query.offset) }, (_, i) => query.offset + i);
      matchingRows = s.rows;
    } else ({ positions, matchingRows } = await querySamplePositions(engine, opts));
    rowsJson = `[${positions.map((p) => all[p]).join(",")}]`;
  } else ({ rowsJson, matchingRows } = await querySampleJson(engine, opts));
  const head: Omit<SamplePage, "rows"> = {
    sampling: s.sampling,
    versionId: s.versionId,
    columns: s.schema,
    sampleRows: s.rows,
    matchingRows,
  };
  const page: Page = { json: `${JSON.stringify(head).slice(0, -1)},"rows":${rowsJson}}` };
  if (page.json.length <= PAGE_CACHE_MAX_BYTES / 4) {
    pageCacheBytes -= pageCache.get(k)?.json.length ?? 0; // a concurrent miss cached it already
    pageCache.delete(k);
    pageCache.set(k, page);
    pageCacheBytes += page.json.length;
    while (pageCacheBytes > PAGE_CACHE_MAX_BYTES) {
      const [oldest, v] = pageCache.entries().next().value ?? [];
      if (oldest === undefined || v === undefined) break;
      pageCache.delete(oldest);
      pageCacheBytes -= v.json.length;
    }
  }
  return page;
}

/**
 * For recipe previews: the sample of an input dataset under its saved sampling settings (the
 * folder of its one Parquet file, and its schema and row count). Throws a conflict when the
 * dataset has no data.
 */
export async function sampleOf(
  d: DatasetRow,
): Promise<{ dir: string; file: string; schema: DatasetSchema; rows: number; sampling: DatasetSampling }> {
  const s = await datasetSample(d);
  return { dir: s.dir, file: s.file, schema: s.schema, rows: s.rows, sampling: s.sampling };
}
