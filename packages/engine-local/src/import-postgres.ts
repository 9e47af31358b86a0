import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { AppError, type ColumnType, type DatasetSchema } from "@sous/contracts";
import pg from "pg";
import { checkColumnNames } from "./column-checks.ts";
import type { LocalEngine } from "./local-engine.ts";
import { singleReadingStatement } from "./postgres-sql.ts";
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

/** How long one statement of an import may run, unless the caller says otherwise. */
export const IMPORT_STATEMENT_TIMEOUT_MS = 5 * 60_000;
/** How long the import's transaction may sit idle between two batches before Postgres ends it. */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;
// Past the statement timeout, the client gives up on its own after this margin (a query may turn
// its statement_timeout off for the next batches with set_config) and cancels the backend.
const CLIENT_TIMEOUT_MARGIN_MS = 2_000;
const CURSOR = "sous_import";

/**
 * Declares the import's cursor over the extended protocol (a named statement: Parse, Bind,
 * Execute). Postgres refuses a Parse message that holds more than one command, so nothing after
 * a `;` can run even if it slipped past `singleReadingStatement`; and `DECLARE ... CURSOR FOR`
 * itself only takes a SELECT, VALUES or TABLE without data-modifying WITH clauses.
 */
export async function declareImportCursor(client: pg.Client, select: string): Promise<void> {
  await client.query({
    name: "sous_import_declare",
    text: `DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${select}`,
  });
}

/**
 * Copies a Postgres table or query into `<outDir>/part-0.parquet`. The source is only read: a
 * query must be one statement that reads (checked, then sent over the extended protocol), rows
 * are fetched through a cursor in batches inside a READ ONLY transaction, and each statement
 * stops after `statementTimeoutMs` (default 5 min). Rows are spooled as NDJSON text next to the
 * output and converted by DuckDB with types taken from Postgres' own.
 */
export async function importPostgres(
  engine: LocalEngine,
  opts: {
    source: PostgresSource;
    table?: string;
    query?: string;
    outDir: string;
    spoolDir: string;
    /** Longest a statement (the cursor's declaration, one batch) may run; default 5 min. */
    statementTimeoutMs?: number;
  },
): Promise<{ schema: DatasetSchema; rowCount: number }> {
  const select = opts.table
    ? `SELECT * FROM ${postgresTableRef(opts.table)}`
    : singleReadingStatement(opts.query ?? "");
  const timeoutMs = Math.max(1, Math.round(opts.statementTimeoutMs ?? IMPORT_STATEMENT_TIMEOUT_MS));
  const where = `${opts.source.host}:${opts.source.port}/${opts.source.database}`;
  const client = new pg.Client({
    ...postgresClientConfig(opts.source),
    connectionTimeoutMillis: 10_000,
    query_timeout: timeoutMs + CLIENT_TIMEOUT_MARGIN_MS,
    application_name: "sous-import",
    // Every value as Postgres' text: DuckDB does the typed conversion.
    types: { getTypeParser: () => (v: string) => v },
  });
  // A backend that dies (idle_in_transaction_session_timeout) is reported as an event too.
  client.on("error", () => {});
  const spool = path.join(
    opts.spoolDir,
    `pg-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.ndjson`,
  );
  let backendPid: number | null = null;
  let timedOut = false;
  let out: ReturnType<typeof createWriteStream> | null = null;
  try {
    await client.connect().catch((e: Error) => {
      throw new AppError("unavailable", `Could not connect to Postgres at ${where}: ${e.message}`);
    });
    const what = opts.table ? "table" : "query";
    const fail = (e: Error): never => {
      const code = (e as { code?: string }).code;
      if (code === "57014" || e.message === "Query read timeout") {
        timedOut = e.message === "Query read timeout";
        throw new AppError(
          "invalid_input",
          `Reading the ${what} took longer than ${duration(timeoutMs)}, the limit of a Postgres import, and was stopped.`,
        );
      }
      if (code === "25006") {
        throw new AppError(
          "invalid_input",
          `Postgres refused the ${what}: ${e.message}. Sous only reads from Postgres: the ${what} must not write.`,
        );
      }
      throw new AppError("invalid_input", `Postgres refused the ${what}: ${e.message}`);
    };
    await client.query("BEGIN READ ONLY").catch(fail);
    const r0 = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid").catch(fail);
    backendPid = Number(r0.rows[0]?.pid);
    await client.query("SET LOCAL TIME ZONE 'UTC'").catch(fail);
    await client.query(`SET LOCAL statement_timeout = ${timeoutMs}`).catch(fail);
    await client
      .query(`SET LOCAL idle_in_transaction_session_timeout = ${IDLE_IN_TRANSACTION_TIMEOUT_MS}`)
      .catch(fail);
    await declareImportCursor(client, select).catch(fail);
    out = createWriteStream(spool);
    let fields: { name: string; type: ColumnType }[] | null = null;
    let rows = 0;
    for (;;) {
      const r = await client.query({ text: `FETCH ${BATCH} FROM ${CURSOR}`, rowMode: "array" }).catch(fail);
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
    await client.query("COMMIT").catch(fail);
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
    // A statement the client gave up on still runs on the server: cancel it, so the backend
    // stops and the connection can close.
    if (timedOut && backendPid) await cancelBackend(opts.source, backendPid);
    await client.end().catch(() => {});
    out?.destroy();
    await rm(spool, { force: true });
  }
}

/** Cancels the statement a backend runs, from a second connection of the same user. */
async function cancelBackend(source: PostgresSource, pid: number): Promise<void> {
  const c = new pg.Client({
    ...postgresClientConfig(source),
    connectionTimeoutMillis: 5_000,
    query_timeout: 5_000,
    application_name: "sous-import-cancel",
  });
  c.on("error", () => {});
  try {
    await c.connect();
    await c.query("SELECT pg_cancel_backend($1)", [pid]);
  } catch {
    // The backend ends with its connection anyway once the statement is over.
  } finally {
    await c.end().catch(() => {});
  }
}

const duration = (ms: number) =>
  ms >= 60_000 && ms % 60_000 === 0
    ? `${ms / 60_000} min`
    : ms % 1000 === 0
      ? `${ms / 1000} s`
      : `${(ms / 1000).toFixed(1)} s`;
