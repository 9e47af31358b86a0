import type { ColumnStats, ColumnType, DatasetSchema } from "@sous/contracts";
import { jsonValueFor } from "./duckdb-types.ts";
import type { LocalEngine } from "./local-engine.ts";
import { castableSql, isEmptySql, MEANING_CANDIDATES, type Meaning } from "./quality-sql.ts";
import { duckIdent, duckString } from "./sql-literals.ts";

const NUMERIC = new Set<ColumnType>(["integer", "bigint", "double", "decimal"]);
const BINS = 20;
const TOP = 10;
/** Exact distinct counts up to this many rows; an approximation (HyperLogLog) above. */
const EXACT_DISTINCT_MAX = 200_000;
/** Rows a text column's meaning is decided on. */
const MEANING_ROWS = 10_000;

type Cell = string | number | boolean | null;

/**
 * Per-column quality and statistics of a Parquet source (a sample file or a version glob), in
 * two passes whatever the column count: the first computes counts, validity, distinct, min /
 * max / mean / stddev and candidate top values; the second the histograms and exact counts of
 * the top values.
 */
export async function computeColumnStats(
  engine: LocalEngine,
  opts: { source: string; schema: DatasetSchema; rowCount: number },
): Promise<ColumnStats[]> {
  const src = `read_parquet(${duckString(opts.source)})`;
  const cols = opts.schema.map((c, i) => ({ ...c, id: duckIdent(c.name), i }));
  if (cols.length === 0) return [];
  const exact = opts.rowCount <= EXACT_DISTINCT_MAX;
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

    const parts: string[] = ["count(*) AS n"];
    for (const c of cols) {
      const numeric = NUMERIC.has(c.type);
      parts.push(`count(${c.id}) AS nn${c.i}`);
      parts.push(
        c.type === "string"
          ? `count(*) FILTER (WHERE ${isEmptySql(c.id)}) AS em${c.i}`
          : `count(*) - count(${c.id}) AS em${c.i}`,
      );
      parts.push(
        exact ? `count(DISTINCT ${c.id}) AS di${c.i}` : `approx_count_distinct(${c.id}) AS di${c.i}`,
      );
      parts.push(`min(${c.id}) AS mi${c.i}`, `max(${c.id}) AS ma${c.i}`);
      parts.push(
        numeric
          ? `avg(${c.id}) AS av${c.i}, stddev_samp(${c.id}) AS sd${c.i}`
          : `NULL AS av${c.i}, NULL AS sd${c.i}`,
      );
      parts.push(`approx_top_k(${c.id}, ${TOP}) AS tk${c.i}`);
      const meaning = meanings.get(c.i);
      if (meaning && meaning !== "text") {
        parts.push(
          `count(*) FILTER (WHERE NOT ${isEmptySql(c.id)} AND ${castableSql(c.id, meaning)}) AS ok${c.i}`,
        );
      }
    }
    const r1 = await conn.runAndReadAll(`SELECT ${parts.join(", ")} FROM ${src}`);
    const names = r1.columnNames();
    const types = r1.columnTypes().map(String);
    const row = r1.getRowsJson()[0] ?? [];
    const get = (k: string): Cell => {
      const i = names.indexOf(k);
      return jsonValueFor(types[i] ?? "", row[i] as never);
    };
    const raw = (k: string): unknown => row[names.indexOf(k)];
    const total = Number(get("n") ?? 0);

    const stats = cols.map((c) => {
      const nonNull = Number(get(`nn${c.i}`) ?? 0);
      const empty = Number(get(`em${c.i}`) ?? 0);
      const meaning: Meaning | null = meanings.get(c.i) ?? null;
      const invalid = meaning && meaning !== "text" ? total - empty - Number(get(`ok${c.i}`) ?? 0) : 0;
      const num = (k: string) => {
        const v = get(k);
        return v === null ? null : Number(v);
      };
      const topRaw = raw(`tk${c.i}`);
      const numericTop = NUMERIC.has(c.type) && c.type !== "decimal";
      const candidates = Array.isArray(topRaw)
        ? (topRaw as unknown[]).map((v) => (numericTop && typeof v === "string" ? Number(v) : toCell(v)))
        : [];
      return {
        name: c.name,
        type: c.type,
        meaning,
        valid: total - empty - invalid,
        invalid,
        empty,
        distinct: Number(get(`di${c.i}`) ?? 0),
        min: get(`mi${c.i}`),
        max: get(`ma${c.i}`),
        mean: num(`av${c.i}`),
        stddev: num(`sd${c.i}`),
        top: candidates.map((value) => ({ value, count: 0 })),
        histogram: null as ColumnStats["histogram"],
        nonNull,
      };
    });

    // Second pass: exact counts of the candidate top values, and equal-width histograms.
    const p2: string[] = [];
    stats.forEach((s, i) => {
      const id = cols[i]?.id ?? "";
      s.top.forEach((t, j) => {
        p2.push(
          t.value === null
            ? `count(*) FILTER (WHERE ${id} IS NULL) AS t${i}_${j}`
            : `count(*) FILTER (WHERE CAST(${id} AS VARCHAR) = ${duckString(String(t.value))}) AS t${i}_${j}`,
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
      const r2 = await conn.runAndReadAll(`SELECT ${p2.join(", ")} FROM ${src}`);
      const n2 = r2.columnNames();
      const row2 = r2.getRowsJson()[0] ?? [];
      const at = (k: string) => row2[n2.indexOf(k)];
      stats.forEach((s, i) => {
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
    return stats.map(({ nonNull: _n, ...s }) => s);
  });
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
