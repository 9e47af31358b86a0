import { AppError, type DatasetSchema, type SampleQuery } from "@sous/contracts";
import { jsonValueFor } from "./duckdb-types.ts";
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
export async function querySample(
  engine: LocalEngine,
  opts: {
    file: string;
    schema: DatasetSchema;
    meanings: Record<string, Meaning | null>;
    query: SampleQuery;
  },
): Promise<SampleRows> {
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
      default:
        return `(NOT ${isEmptySql(id)} AND NOT ${invalidSql(id, c.type, opts.meanings[c.name] ?? null)})`;
    }
  });
  const whereSql = where.length ? `WHERE ${where.join(" AND ")}` : "";
  const src = `read_parquet(${duckString(opts.file)}, file_row_number = true)`;
  const order = opts.query.sort
    ? `ORDER BY ${duckIdent(col(opts.query.sort.column).name)} ${opts.query.sort.desc ? "DESC" : "ASC"} NULLS LAST, file_row_number`
    : "ORDER BY file_row_number";
  const cols = opts.schema.map((c) => duckIdent(c.name)).join(", ");
  return engine.withConnection(async (c) => {
    const r = await c.runAndReadAll(
      `SELECT ${cols} FROM ${src} ${whereSql} ${order} LIMIT ${opts.query.limit} OFFSET ${opts.query.offset}`,
    );
    const types = r.columnTypes().map(String);
    const rows = r.getRowsJson().map((row) => row.map((v, i) => jsonValueFor(types[i] ?? "", v)));
    let matchingRows: number;
    if (!where.length && opts.query.offset === 0 && rows.length < opts.query.limit)
      matchingRows = rows.length;
    else {
      const n = await c.runAndReadAll(`SELECT count(*) FROM ${src} ${whereSql}`);
      matchingRows = Number(n.getRows()[0]?.[0] ?? 0);
    }
    return { rows, matchingRows };
  });
}
