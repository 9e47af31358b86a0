import type { DuckDBConnection } from "@duckdb/node-api";
import type { ColumnStats, ColumnType, DatasetSchema } from "@sous/contracts";
import { jsonValueFor } from "./duckdb-types.ts";
import type { LocalEngine } from "./local-engine.ts";
import { castableSql, isEmptySql, MEANING_CANDIDATES, type Meaning } from "./quality-sql.ts";
import { duckIdent, duckString } from "./sql-literals.ts";

const NUMERIC = new Set<ColumnType>(["integer", "bigint", "double", "decimal"]);
const BINS = 20;
const TOP = 10;
/**
 * Up to this many rows every statistic is computed on every row (distinct counts exactly). Above
 * it, the costly ones (distinct counts, top values, histograms) are computed on this many rows
 * spread evenly over the source, as DSS computes them on a sample; counts, quality and numeric
 * min / max / mean / stddev still cover every row, in one pass.
 */
export const STATS_FULL_SCAN_MAX = 200_000;
/** Row ranges the bounded scan reads, spread over each file (whole row groups are skipped). */
const SCAN_CHUNKS = 10;
/** Rows a text column's meaning is decided on. */
const MEANING_ROWS = 10_000;

type Cell = string | number | boolean | null;

export interface ColumnStatsResult {
  columns: ColumnStats[];
  /** True when distinct counts, top values, histograms and text min / max read `rowsScanned` rows, not all. */
  sampled: boolean;
  /** Rows distinct counts, top values and histograms were computed on (all rows unless `sampled`). */
  rowsScanned: number;
}

/**
 * Per-column quality and statistics of a Parquet source (a sample file or a version glob); see
 * computeColumnStatsScoped. Returns the columns only.
 */
export async function computeColumnStats(
  engine: LocalEngine,
  opts: { source: string; schema: DatasetSchema; rowCount: number },
): Promise<ColumnStats[]> {
  return (await computeColumnStatsScoped(engine, opts)).columns;
}

/**
 * Per-column quality and statistics of a Parquet source, and the rows they were computed on.
 * Up to STATS_FULL_SCAN_MAX rows: two passes over every row whatever the column count (counts,
 * validity, distinct, min / max / mean / stddev and candidate top values; then the histograms and
 * exact counts of the top values). Above: one pass over every row for counts, validity and
 * numeric / temporal min / max / mean / stddev (text min / max come from the Parquet footers),
 * then distinct counts, top values and histograms on STATS_FULL_SCAN_MAX rows read as
 * SCAN_CHUNKS ranges spread over the file (`sampled: true`).
 */
export async function computeColumnStatsScoped(
  engine: LocalEngine,
  opts: { source: string; schema: DatasetSchema; rowCount: number },
): Promise<ColumnStatsResult> {
  const src = `read_parquet(${duckString(opts.source)})`;
  const cols = opts.schema.map((c, i) => ({ ...c, id: duckIdent(c.name), i }));
  if (cols.length === 0) return { columns: [], sampled: false, rowsScanned: opts.rowCount };
  const bounded = opts.rowCount > STATS_FULL_SCAN_MAX;
  const strings = cols.filter((c) => c.type === "string");
  return engine.withConnection(async (conn) => {
    // A text column's meaning (the type most of its values read as) is decided on its first
    // MEANING_ROWS rows, as DSS does on the sample: testing five parsers on every row of a large
    // dataset cost seconds per column. Validity is then counted on all rows, for that one meaning.
    const meanings = new Map<number, Meaning>();
    if (strings.length) {
      const probe: string[] = [];
      for (const c of strings) {
        probe.push(`count(*) FILTER (WHERE NOT ${isEmptySql(c.id)}) AS ne${c.i}`);
        for (const m of MEANING_CANDIDATES)
          probe.push(
            `count(*) FILTER (WHERE NOT ${isEmptySql(c.id)} AND ${castableSql(c.id, m)}) AS m_${m}${c.i}`,
          );
      }
      const r0 = await conn.runAndReadAll(
        `SELECT ${probe.join(", ")} FROM (SELECT * FROM ${src} LIMIT ${MEANING_ROWS})`,
      );
      const n0 = r0.columnNames();
      const row0 = r0.getRowsJson()[0] ?? [];
      const at0 = (k: string) => Number(row0[n0.indexOf(k)] ?? 0);
      for (const c of strings) {
        const nonEmpty = at0(`ne${c.i}`);
        let meaning: Meaning = "text";
        let best = 0;
        for (const m of MEANING_CANDIDATES) {
          const k = at0(`m_${m}${c.i}`);
          if (k > best) [best, meaning] = [k, m];
        }
        // A column is "integer-like" only when most of its values are; otherwise it is text.
        meanings.set(c.i, nonEmpty === 0 || best < nonEmpty * 0.5 ? "text" : meaning);
      }
    }

    // Text min / max of a large source come from the Parquet footers (exact, and free): comparing
    // strings on every row was the costliest part of the full pass. So does "no blank values" when
    // the smallest value starts above a space (a blank value is '' or spaces, smaller than it);
    // then reading the column at all is skipped. A column whose footers lack statistics in some
    // row group, or whose smallest value could be blank, falls back to the scan.
    const footerMinMax = new Map<number, { min: Cell; max: Cell; noBlank: boolean }>();
    if (bounded && strings.length) {
      const r = await conn.runAndReadAll(
        `SELECT path_in_schema AS p, count(*) AS groups, count(coalesce(stats_min_value, stats_min)) AS with_min,
           count(coalesce(stats_max_value, stats_max)) AS with_max,
           min(coalesce(stats_min_value, stats_min)) AS mi, max(coalesce(stats_max_value, stats_max)) AS ma
         FROM parquet_metadata(${duckString(opts.source)}) GROUP BY path_in_schema`,
      );
      const rowsOf = r.getRowObjectsJson();
      for (const c of strings) {
        const m = rowsOf.find((x) => x.p === c.name);
        if (m && Number(m.groups) > 0 && m.with_min === m.groups && m.with_max === m.groups) {
          const min = toCell(m.mi);
          footerMinMax.set(c.i, {
            min,
            max: toCell(m.ma),
            noBlank: typeof min === "string" && min.charCodeAt(0) > 32,
          });
        }
      }
    }

    // Pass 1: over every row. Small sources get everything here; large ones what is cheap per row.
    const parts: string[] = ["count(*) AS n"];
    for (const c of cols) {
      const numeric = NUMERIC.has(c.type);
      parts.push(`count(${c.id}) AS nn${c.i}`);
      parts.push(
        c.type === "string" && !footerMinMax.get(c.i)?.noBlank
          ? `count(*) FILTER (WHERE ${isEmptySql(c.id)}) AS em${c.i}`
          : `count(*) - count(${c.id}) AS em${c.i}`,
      );
      if (!bounded) {
        parts.push(`count(DISTINCT ${c.id}) AS di${c.i}`, `approx_top_k(${c.id}, ${TOP}) AS tk${c.i}`);
      }
      if (!footerMinMax.has(c.i)) parts.push(`min(${c.id}) AS mi${c.i}`, `max(${c.id}) AS ma${c.i}`);
      if (numeric) parts.push(`avg(${c.id}) AS av${c.i}, stddev_samp(${c.id}) AS sd${c.i}`);
      const meaning = meanings.get(c.i);
      if (meaning && meaning !== "text") {
        parts.push(
          `count(*) FILTER (WHERE NOT ${isEmptySql(c.id)} AND ${castableSql(c.id, meaning)}) AS ok${c.i}`,
        );
      }
    }
    const p1 = await readOne(conn, `SELECT ${parts.join(", ")} FROM ${src}`);
    const total = Number(p1.get("n") ?? 0);

    // The relation distinct counts, top values and histograms are computed on: the source itself,
    // or for a large one, SCAN_CHUNKS row ranges of each file copied into a temporary table.
    let detail = src;
    let rowsScanned = total;
    let p1b: Row | null = null;
    if (bounded) {
      const files = await conn.runAndReadAll(
        `SELECT count(*), max(num_rows) FROM parquet_file_metadata(${duckString(opts.source)})`,
      );
      const [nFiles, maxRows] = (files.getRows()[0] ?? [1, total]).map(Number) as [number, number];
      const perChunk = Math.max(1, Math.ceil(STATS_FULL_SCAN_MAX / SCAN_CHUNKS / Math.max(1, nFiles)));
      const step = Math.max(perChunk, Math.floor(maxRows / SCAN_CHUNKS));
      const ranges = Array.from(
        { length: SCAN_CHUNKS },
        (_, k) => `(file_row_number >= ${k * step} AND file_row_number < ${k * step + perChunk})`,
      );
      await conn.run(
        `CREATE TEMP TABLE __sous_stats_scan AS SELECT ${cols.map((c) => c.id).join(", ")} FROM read_parquet(${duckString(opts.source)}, file_row_number = true) WHERE ${ranges.join(" OR ")}`,
      );
      detail = "__sous_stats_scan";
      const d: string[] = ["count(*) AS n"];
      for (const c of cols) d.push(`count(DISTINCT ${c.id}) AS di${c.i}`);
      p1b = await readOne(conn, `SELECT ${d.join(", ")} FROM ${detail}`);
      rowsScanned = Number(p1b.get("n") ?? 0);
    }
    const detailRow = p1b ?? p1;

    const stats = cols.map((c) => {
      const nonNull = Number(p1.get(`nn${c.i}`) ?? 0);
      const empty = Number(p1.get(`em${c.i}`) ?? 0);
      const meaning: Meaning | null = meanings.get(c.i) ?? null;
      const invalid = meaning && meaning !== "text" ? total - empty - Number(p1.get(`ok${c.i}`) ?? 0) : 0;
      const num = (k: string) => {
        const v = p1.has(k) ? p1.get(k) : null;
        return v === null ? null : Number(v);
      };
      const topRaw = detailRow.raw(`tk${c.i}`);
      const numericTop = NUMERIC.has(c.type) && c.type !== "decimal";
      const candidates = Array.isArray(topRaw)
        ? (topRaw as unknown[]).map((v) => (numericTop && typeof v === "string" ? Number(v) : toCell(v)))
        : [];
      const footer = footerMinMax.get(c.i);
      return {
        name: c.name,
        type: c.type,
        meaning,
        valid: total - empty - invalid,
        invalid,
        empty,
        distinct: Number(detailRow.get(`di${c.i}`) ?? 0),
        min: footer ? footer.min : p1.get(`mi${c.i}`),
        max: footer ? footer.max : p1.get(`ma${c.i}`),
        mean: num(`av${c.i}`),
        stddev: num(`sd${c.i}`),
        top: candidates.map((value) => ({ value, count: 0 })),
        histogram: null as ColumnStats["histogram"],
        nonNull,
      };
    });

    // A large source's top values: counted exactly on the scanned rows, one small GROUP BY each.
    if (bounded) {
      for (const [i, s] of stats.entries()) {
        const id = cols[i]?.id ?? "";
        const r = await conn.runAndReadAll(
          `SELECT ${id} AS v, count(*) AS n FROM ${detail} GROUP BY ALL ORDER BY n DESC, v NULLS LAST LIMIT ${TOP}`,
        );
        const t = String(r.columnTypes()[0] ?? "");
        s.top = r
          .getRowsJson()
          .map((row) => ({ value: jsonValueFor(t, row[0]), count: Number(row[1] ?? 0) }))
          .sort((a, b) => b.count - a.count || String(a.value).localeCompare(String(b.value)));
      }
    }

    // Second pass: exact counts of the candidate top values, and equal-width histograms. Each
    // column is cast to text once per row (in `cast`), not once per candidate value.
    const p2: string[] = [];
    const cast: string[] = [];
    stats.forEach((s, i) => {
      const id = cols[i]?.id ?? "";
      // (A large source's top values are final already.)
      if (!bounded && s.top.some((t) => t.value !== null))
        cast.push(`CAST(${id} AS VARCHAR) AS __sous_s${i}`);
      if (!bounded)
        s.top.forEach((t, j) => {
          p2.push(
            t.value === null
              ? `count(*) FILTER (WHERE ${id} IS NULL) AS t${i}_${j}`
              : `count(*) FILTER (WHERE __sous_s${i} = ${duckString(String(t.value))}) AS t${i}_${j}`,
          );
        });
      if (NUMERIC.has(s.type as ColumnType) && typeof s.min === "number" && typeof s.max === "number") {
        const { bins, width } = binning(s.type as ColumnType, s.min, s.max);
        p2.push(
          `map_entries(histogram(least(${bins - 1}, greatest(0, floor((CAST(${id} AS DOUBLE) - ${s.min}) / ${width})))::INTEGER)) AS h${i}`,
        );
      }
    });
    if (p2.length) {
      const r2 = await conn.runAndReadAll(
        `SELECT ${p2.join(", ")} FROM (SELECT *${cast.map((x) => `, ${x}`).join("")} FROM ${detail})`,
      );
      const n2 = r2.columnNames();
      const row2 = r2.getRowsJson()[0] ?? [];
      const at = (k: string) => row2[n2.indexOf(k)];
      stats.forEach((s, i) => {
        if (!bounded)
          s.top = s.top
            .map((t, j) => ({ value: t.value, count: Number(at(`t${i}_${j}`) ?? 0) }))
            .filter((t) => t.count > 0)
            .sort((a, b) => b.count - a.count || String(a.value).localeCompare(String(b.value)));
        const h = n2.includes(`h${i}`) ? at(`h${i}`) : null;
        if (Array.isArray(h) && typeof s.min === "number" && typeof s.max === "number") {
          const { bins, width } = binning(s.type as ColumnType, s.min, s.max);
          const counts = new Array<number>(bins).fill(0);
          for (const e of h as { key: number; value: number | string }[])
            counts[Number(e.key)] = Number(e.value);
          const min = s.min;
          s.histogram = counts.map((count, b) => ({
            from: min + b * width,
            to: min + (b + 1) * width,
            count,
          }));
        }
      });
    }
    if (bounded) await conn.run("DROP TABLE IF EXISTS __sous_stats_scan");
    return {
      columns: stats.map(({ nonNull: _n, ...s }) => s),
      sampled: bounded,
      rowsScanned,
    };
  });
}

interface Row {
  has(k: string): boolean;
  get(k: string): Cell;
  raw(k: string): unknown;
}

/** The one row of an aggregate query, read by column name (values as the API returns them). */
async function readOne(conn: DuckDBConnection, sql: string): Promise<Row> {
  const r = await conn.runAndReadAll(sql);
  const names = r.columnNames();
  const types = r.columnTypes().map(String);
  const row = r.getRowsJson()[0] ?? [];
  const idx = new Map(names.map((n, i) => [n, i]));
  return {
    has: (k) => idx.has(k),
    get: (k) => {
      const i = idx.get(k);
      return i === undefined ? null : jsonValueFor(types[i] ?? "", row[i] as never);
    },
    raw: (k) => {
      const i = idx.get(k);
      return i === undefined ? undefined : row[i];
    },
  };
}

function binning(type: ColumnType, min: number, max: number): { bins: number; width: number } {
  const span = max - min;
  if (span === 0) return { bins: 1, width: 1 };
  // Integers with a small range get one bin per value, so bars sit on whole numbers.
  if ((type === "integer" || type === "bigint") && span + 1 <= BINS) return { bins: span + 1, width: 1 };
  return { bins: BINS, width: span / BINS };
}

function toCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  return JSON.stringify(v);
}
