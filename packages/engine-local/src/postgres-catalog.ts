import { AppError, type ConnectionTables } from "@sous/contracts";
import pg from "pg";
import { type PostgresSource, postgresClientConfig } from "./import-postgres.ts";

// The tables and views a Postgres connection's user can read, for the import dialog's picker.
// A failure to connect is the user's to fix (host, port, database, user or password of the
// connection), so every error becomes a 400 that says which of them Postgres refused.

export const TABLE_LIST_LIMIT = 1000;
// The picker waits for this listing: an unreachable host must fail fast, not after the OS timeout.
const CONNECT_TIMEOUT_MS = 5_000;
const STATEMENT_TIMEOUT_MS = 10_000;

// relkind: r table, p partitioned table, f foreign table, v view, m materialized view.
// reltuples is -1 for a table never vacuumed or analyzed (Postgres 14+), 0 before 14: only a
// positive estimate, or 0 on an analyzed table, is worth showing.
const LIST_SQL = `
SELECT n.nspname AS schema,
       c.relname AS name,
       CASE WHEN c.relkind IN ('v', 'm') THEN 'view' ELSE 'table' END AS kind,
       CASE WHEN c.relkind IN ('r', 'p', 'm') AND c.reltuples >= 0 THEN c.reltuples::bigint END AS estimated_rows
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%'
  AND n.nspname NOT LIKE 'pg\\_temp\\_%'
  AND pg_catalog.has_schema_privilege(n.oid, 'USAGE')
  AND pg_catalog.has_table_privilege(c.oid, 'SELECT')
ORDER BY n.nspname, c.relname
LIMIT $1`;

export async function listPostgresTables(
  connectionName: string,
  source: PostgresSource,
  limit = TABLE_LIST_LIMIT,
): Promise<ConnectionTables> {
  const client = new pg.Client({
    ...postgresClientConfig(source),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    query_timeout: STATEMENT_TIMEOUT_MS + 2_000,
    application_name: "sous-studio",
  });
  // A connect error leaves the client unusable; pg emits it as an event too.
  client.on("error", () => {});
  try {
    try {
      await client.connect();
    } catch (e) {
      throw connectError(connectionName, source, e);
    }
    try {
      // One more row than the cap says whether the list was cut.
      const r = await client.query<{
        schema: string;
        name: string;
        kind: "table" | "view";
        estimated_rows: string | null;
      }>(LIST_SQL, [limit + 1]);
      const rows = r.rows.slice(0, limit);
      return {
        tables: rows.map((t) => ({
          schema: t.schema,
          name: t.name,
          kind: t.kind,
          estimatedRows: t.estimated_rows === null ? null : Number(t.estimated_rows),
        })),
        truncated: r.rows.length > limit,
      };
    } catch (e) {
      const pgCode = (e as { code?: string }).code;
      const why =
        pgCode === "57014" || /timeout/i.test(errorText(e))
          ? `it took longer than ${STATEMENT_TIMEOUT_MS / 1000} s`
          : scrub(errorText(e), source.password);
      throw new AppError(
        "invalid_input",
        `Could not list the tables of connection ${connectionName}: ${why}.`,
      );
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/** A message that names what to edit in the connection; never the password. */
function connectError(connectionName: string, source: PostgresSource, e: unknown): AppError {
  const where = `${source.host}:${source.port}`;
  const code = (e as { code?: string }).code;
  const text = scrub(errorText(e), source.password);
  const fix = (what: string) => `Edit connection ${connectionName}: ${what}`;
  let message: string;
  switch (code) {
    case "28P01":
    case "28000":
      message = `Postgres at ${where} refused user ${source.user} (${text}). ${fix("check the user and password.")}`;
      break;
    case "3D000":
      message = `Database ${source.database} does not exist on ${where}. ${fix("check the database name.")}`;
      break;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      message = `Host ${source.host} was not found. ${fix("check the host name.")}`;
      break;
    case "ECONNREFUSED":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "ECONNRESET":
      message = `Could not reach Postgres at ${where} (${code}). ${fix("check the host and port, and that the server accepts connections from Sous.")}`;
      break;
    default:
      message = /timeout|timed out/i.test(text)
        ? `Postgres at ${where} did not answer within ${CONNECT_TIMEOUT_MS / 1000} s. ${fix("check the host and port, and that a firewall lets Sous through.")}`
        : `Could not connect to Postgres at ${where}: ${text}. ${fix("check its settings.")}`;
  }
  return new AppError("invalid_input", message);
}

function errorText(e: unknown): string {
  if (e instanceof AggregateError && e.errors.length > 0) return errorText(e.errors[0]);
  return e instanceof Error ? e.message : String(e);
}

// Postgres never echoes a password, but a driver or proxy message might: never pass one on.
function scrub(text: string, password: string): string {
  const clean = password ? text.split(password).join("***") : text;
  return clean.replace(/\.$/, "");
}
