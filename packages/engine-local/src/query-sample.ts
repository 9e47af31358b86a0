import type { DuckDBConnection } from "@duckdb/node-api";
import { AppError, type DatasetSchema, NUMBER_TEXT, type SampleQuery } from "@sous/contracts";
import { previewCellFor } from "./duckdb-types.ts";
import type { LocalEngine } from "./local-engine.ts";
import { invalidSql, isEmptySql, type Meaning } from "./quality-sql.ts";
import { duckIdent, duckString } from "./sql-literals.ts";

export interface SampleRows {
  rows: (string | number | boolean | null)[][];
  matchingRows: number;
}

/**
 * A page of a sample file, filtered and sorted. Sorting is stable (ties keep the sample's order)
 * so paging through a sorted sample never repeats or skips a row.
 */
export async function querySample(engine: LocalEngine, opts: SampleQueryOptions): Promise<SampleRows> {
  const q = pageSql(opts);
  return engine.withConnection(async (c) => {
    const r = await c.runAndReadAll(
      `SELECT ${q.cols} FROM ${q.src} ${q.whereSql} ${q.order} LIMIT ${opts.query.limit} OFFSET ${opts.query.offset}`,
    );
    const types = r.columnTypes().map(String);
    const rows = r.getRowsJson().map((row) => row.map((v, i) => previewCellFor(types[i] ?? "", v)));
    return { rows, matchingRows: await matching(c, q, opts, rows.length) };
  });
}

/**
 * The same page as querySample, with its rows already serialised as a JSON array by DuckDB (the
 * text JSON.stringify would give for querySample's rows): the sample API sends it as is, without
 * building and re-serialising a JS value per cell.
 */
export async function querySampleJson(
  engine: LocalEngine,
  opts: SampleQueryOptions,
): Promise<{ rowsJson: string; rowCount: number; matchingRows: number }> {
  const q = pageSql(opts);
  return engine.withConnection(async (c) => {
    const d = await c.runAndReadAll(`DESCRIBE SELECT ${q.cols} FROM ${q.src}`);
    const types = d.getRowObjectsJson().map((r) => String(r.column_type));
    const cells = opts.schema.map((col, i) => jsonCellSql(duckIdent(col.name), types[i] ?? ""));
    // The page's order is restated in the aggregate: a subquery's ORDER BY does not bind it.
    const r = await c.runAndReadAll(
      `SELECT coalesce(string_agg(json_array(${cells.join(", ")})::VARCHAR, ',' ORDER BY ${q.orderKeys}), '') AS j, count(*) AS n
       FROM (SELECT ${q.cols}, file_row_number FROM ${q.src} ${q.whereSql} ORDER BY ${q.orderKeys} LIMIT ${opts.query.limit} OFFSET ${opts.query.offset})`,
    );
    const row = r.getRows()[0] ?? ["", 0];
    const rowCount = Number(row[1] ?? 0);
    return {
      rowsJson: `[${String(row[0] ?? "")}]`,
      rowCount,
      matchingRows: await matching(c, q, opts, rowCount),
    };
  });
}

/**
 * Every row of a sample file as JSON text (what JSON.stringify gives for querySample's row), in
 * file order: the sample API caches them per file and answers pages from the positions
 * querySamplePositions returns.
 */
export async function sampleRowJson(
  engine: LocalEngine,
  opts: { file: string; schema: DatasetSchema },
): Promise<string[]> {
  const src = `read_parquet(${duckString(opts.file)}, file_row_number = true)`;
  const cols = opts.schema.map((c) => duckIdent(c.name)).join(", ");
  return engine.withConnection(async (c) => {
    const d = await c.runAndReadAll(`DESCRIBE SELECT ${cols} FROM ${src}`);
    const types = d.getRowObjectsJson().map((r) => String(r.column_type));
    const cells = opts.schema.map((col, i) => jsonCellSql(duckIdent(col.name), types[i] ?? ""));
    const r = await c.runAndReadAll(
      `SELECT json_array(${cells.join(", ")})::VARCHAR FROM ${src} ORDER BY file_row_number`,
    );
    return r.getRows().map((row) => String(row[0]));
  });
}

/** The file positions (0-based rows) of a page of a sample file, filtered and sorted as querySample does. */
export async function querySamplePositions(
  engine: LocalEngine,
  opts: SampleQueryOptions,
): Promise<{ positions: number[]; matchingRows: number }> {
  const q = pageSql(opts);
  return engine.withConnection(async (c) => {
    const r = await c.runAndReadAll(
      `SELECT file_row_number FROM ${q.src} ${q.whereSql} ${q.order} LIMIT ${opts.query.limit} OFFSET ${opts.query.offset}`,
    );
    const positions = r.getRows().map((row) => Number(row[0]));
    return { positions, matchingRows: await matching(c, q, opts, positions.length) };
  });
}

export interface SampleQueryOptions {
  file: string;
  schema: DatasetSchema;
  meanings: Record<string, Meaning | null>;
  query: SampleQuery;
}

interface PageSql {
  src: string;
  cols: string;
  whereSql: string;
  order: string;
  orderKeys: string;
}

function pageSql(opts: SampleQueryOptions): PageSql {
  const byName = new Map(opts.schema.map((c) => [c.name, c]));
  const col = (name: string) => {
    const c = byName.get(name);
    if (!c) throw new AppError("invalid_input", `${name} is not a column of this dataset.`);
    return c;
  };
  const where = opts.query.filters.map((f): string => {
    const c = col(f.column);
    const id = duckIdent(c.name);
    const text = `lower(CAST(${id} AS VARCHAR))`;
    const value = (f.value ?? "").toLowerCase();
    switch (f.op) {
      case "contains":
        return `contains(${text}, ${duckString(value)})`;
      case "equals":
        return `${text} = ${duckString(value)}`;
      case "empty":
        return isEmptySql(id);
      case "not-empty":
        return `NOT ${isEmptySql(id)}`;
      case "invalid":
        return invalidSql(id, c.type, opts.meanings[c.name] ?? null);
      case "valid":
        return `(NOT ${isEmptySql(id)} AND NOT ${invalidSql(id, c.type, opts.meanings[c.name] ?? null)})`;
      default:
        return numericFilterSql(id, c.name, c.type, f.op, f.value, f.to);
    }
  });
  const whereSql = where.length ? `WHERE ${where.join(" AND ")}` : "";
  const src = `read_parquet(${duckString(opts.file)}, file_row_number = true)`;
  const orderKeys = opts.query.sort
    ? `${duckIdent(col(opts.query.sort.column).name)} ${opts.query.sort.desc ? "DESC" : "ASC"} NULLS LAST, file_row_number`
    : "file_row_number";
  const cols = opts.schema.map((c) => duckIdent(c.name)).join(", ");
  return { src, cols, whereSql, order: `ORDER BY ${orderKeys}`, orderKeys };
}

const NUMERIC_TYPES = new Set(["integer", "bigint", "double", "decimal"]);
const COMPARE = { eq: "=", gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;

/**
 * A numeric filter's condition. The bounds are written as numeric literals (checked against
 * NUMBER_TEXT first), so DuckDB compares a DECIMAL or a BIGINT with them exactly; a double's NaN,
 * which DuckDB orders above every number, passes no comparison.
 */
function numericFilterSql(
  id: string,
  name: string,
  type: string,
  op: keyof typeof COMPARE | "between",
  value: string | undefined,
  to: string | undefined,
): string {
  if (!NUMERIC_TYPES.has(type))
    throw new AppError(
      "invalid_input",
      `${name} is a ${type} column: compare numbers only on a numeric column (use contains).`,
    );
  const lit = (v: string | undefined) => {
    if (v === undefined || !NUMBER_TEXT.test(v))
      throw new AppError(
        "invalid_input",
        `The filter on ${name} needs a number, not ${JSON.stringify(v ?? "")}.`,
      );
    // "+1." and ".5" are numbers to a user; DuckDB reads them as 1 and 0.5.
    return v
      .replace(/^\+/, "")
      .replace(/^(-?)\./, "$10.")
      .replace(/\.(?=$|[eE])/, "");
  };
  const test =
    op === "between" ? `${id} BETWEEN ${lit(value)} AND ${lit(to)}` : `${id} ${COMPARE[op]} ${lit(value)}`;
  return type === "double" ? `(${test} AND NOT isnan(${id}))` : `(${test})`;
}

/** Rows passing the filters: known without a count when an unfiltered first page is not full. */
async function matching(c: DuckDBConnection, q: PageSql, opts: SampleQueryOptions, got: number) {
  if (!q.whereSql && opts.query.offset === 0 && got < opts.query.limit) return got;
  const n = await c.runAndReadAll(`SELECT count(*) FROM ${q.src} ${q.whereSql}`);
  return Number(n.getRows()[0]?.[0] ?? 0);
}

const SAFE = "9007199254740991";

/** A cell as JSON, as previewCellFor renders DuckDB's value (see duckdb-types.ts). */
function jsonCellSql(id: string, duckType: string): string {
  const t = duckType.toUpperCase();
  if (t === "BIGINT" || t === "HUGEINT" || t === "UBIGINT" || t === "UHUGEINT")
    return `CASE WHEN ${id} BETWEEN -${SAFE} AND ${SAFE} THEN to_json(${id}) ELSE to_json(CAST(${id} AS VARCHAR)) END`;
  if (t.startsWith("DECIMAL")) {
    // Exact text, without the zeros the scale pads it with ("12.500000000" -> "12.5").
    const text = `CAST(${id} AS VARCHAR)`;
    return `to_json(CASE WHEN contains(${text}, '.') THEN rtrim(rtrim(${text}, '0'), '.') ELSE ${text} END)`;
  }
  if (t === "DOUBLE" || t === "FLOAT") {
    // A FLOAT goes through its shortest text (0.1, not 0.10000000149011612 as a DOUBLE).
    const d = t === "FLOAT" ? `CAST(CAST(${id} AS VARCHAR) AS DOUBLE)` : id;
    // Plus zero turns -0 into 0; JSON has no NaN or infinities: they are sent as text, like previewCellFor.
    return `CASE WHEN ${id} IS NULL OR isfinite(${d}) THEN to_json(${d} + 0) WHEN isnan(${d}) THEN to_json('NaN') WHEN ${id} > 0 THEN to_json('Infinity') ELSE to_json('-Infinity') END`;
  }
  if (
    ["INTEGER", "SMALLINT", "TINYINT", "UINTEGER", "USMALLINT", "UTINYINT", "BOOLEAN", "VARCHAR"].includes(t)
  )
    return id;
  if (t.endsWith("]") || t.startsWith("STRUCT") || t.startsWith("MAP") || t.startsWith("UNION"))
    return `to_json(CAST(to_json(${id}) AS VARCHAR))`;
  return `CAST(${id} AS VARCHAR)`;
}
