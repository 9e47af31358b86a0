import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { AppError, type ColumnType, type DatasetSchema } from "@sous/contracts";
import pg from "pg";
import { checkColumnNames } from "./column-checks.ts";
import type { LocalEngine } from "./local-engine.ts";
import { duckIdent, duckString } from "./sql-literals.ts";

export interface PostgresSource {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  ssl: boolean;
}

/** The pg client settings that reach `source`; callers add their own timeouts. */
export function postgresClientConfig(source: PostgresSource): pg.ClientConfig {
  return {
    host: source.host,
    port: source.port,
    database: source.database,
    user: source.user,
    password: source.password,
    ssl: source.ssl ? { rejectUnauthorized: false } : undefined,
  };
}

// Postgres type OIDs -> Sous types; anything else is copied as text.
const TYPE_BY_OID: Record<number, ColumnType> = {
  16: "boolean",
  20: "bigint",
  21: "integer",
  23: "integer",
  700: "double",
  701: "double",
  1700: "double",
  1082: "date",
  1114: "timestamp",
  1184: "timestamp",
};
const DUCK: Record<ColumnType, string> = {
  string: "VARCHAR",
  integer: "INTEGER",
  bigint: "BIGINT",
  double: "DOUBLE",
  decimal: "DOUBLE",
  boolean: "BOOLEAN",
  date: "DATE",
  timestamp: "TIMESTAMP",
};
const BATCH = 10_000;

/** `schema.table` or `table`, each part quoted for Postgres. */
export function postgresTableRef(table: string): string {
  const parts = table.split(".");
  if (parts.length > 2 || parts.some((p) => !p.trim()))
    throw new AppError("invalid_input", `${table} is not a table name: use table or schema.table.`);
  return parts.map((p) => pg.escapeIdentifier(p.trim())).join(".");
}

/**
 * Copies a Postgres table or query into `<outDir>/part-0.parquet`. Rows are fetched through a
 * cursor in batches inside a READ ONLY transaction (a query cannot write), spooled as NDJSON text
 * next to the output and converted by DuckDB with types taken from Postgres' own.
 */
export async function importPostgres(
  engine: LocalEngine,
  opts: { source: PostgresSource; table?: string; query?: string; outDir: string; spoolDir: string },
): Promise<{ schema: DatasetSchema; rowCount: number }> {
  const select = opts.table ? `SELECT * FROM ${postgresTableRef(opts.table)}` : (opts.query ?? "");
  const where = `${opts.source.host}:${opts.source.port}/${opts.source.database}`;
  const client = new pg.Client({
    ...postgresClientConfig(opts.source),
    connectionTimeoutMillis: 10_000,
    // Every value as Postgres' text: DuckDB does the typed conversion.
    types: { getTypeParser: () => (v: string) => v },
  });
  const spool = path.join(
    opts.spoolDir,
    `pg-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.ndjson`,
  );
  try {
    await client.connect().catch((e: Error) => {
      throw new AppError("unavailable", `Could not connect to Postgres at ${where}: ${e.message}`);
    });
    const fail = (e: Error): never => {
      throw new AppError(
        "invalid_input",
        `Postgres refused the ${opts.table ? "table" : "query"}: ${e.message}`,
      );
    };
    await client.query("BEGIN READ ONLY").catch(fail);
    await client.query("SET LOCAL TIME ZONE 'UTC'");
    await client.query(`DECLARE sous_import NO SCROLL CURSOR FOR ${select}`).catch(fail);
    const out = createWriteStream(spool);
    let fields: { name: string; type: ColumnType }[] | null = null;
    let rows = 0;
    for (;;) {
      const r = await client.query({ text: `FETCH ${BATCH} FROM sous_import`, rowMode: "array" }).catch(fail);
      if (!fields) {
        fields = r.fields.map((f) => ({ name: f.name, type: TYPE_BY_OID[f.dataTypeID] ?? "string" }));
        checkColumnNames(
          fields.map((f) => f.name),
          "result columns",
        );
      }
      for (const row of r.rows as (string | null)[][]) {
        const obj: Record<string, string | null> = {};
        fields.forEach((f, i) => {
          const v = row[i] ?? null;
          // timestamptz text ends with the zone (+00 in UTC); DuckDB's TIMESTAMP wants it without.
          obj[f.name] = v !== null && f.type === "timestamp" ? v.replace(/[+-]\d\d(:\d\d)?$/, "") : v;
        });
        if (!out.write(`${JSON.stringify(obj)}\n`)) await once(out, "drain");
      }
      rows += r.rows.length;
      if (r.rows.length < BATCH) break;
    }
    out.end();
    await once(out, "close");
    await client.query("COMMIT");
    const cols = fields ?? [];
    const columns = cols.map((f) => `${duckString(f.name)}: 'VARCHAR'`).join(", ");
    const select2 = cols
      .map((f) =>
        f.type === "string"
          ? duckIdent(f.name)
          : `CAST(${duckIdent(f.name)} AS ${DUCK[f.type]}) AS ${duckIdent(f.name)}`,
      )
      .join(", ");
    const target = duckString(path.join(opts.outDir, "part-0.parquet"));
    await engine.runWrite(
      `COPY (SELECT ${select2} FROM read_json(${duckString(spool)}, format = 'newline_delimited', columns = {${columns}})) TO ${target} (FORMAT parquet, COMPRESSION snappy)`,
    );
    return { schema: cols.map((f) => ({ name: f.name, type: f.type })), rowCount: rows };
  } finally {
    await client.end().catch(() => {});
    await rm(spool, { force: true });
  }
}
