import { AppError, type ConnectionTables, type PostgresConnectionTest } from "@sous/contracts";
import pg from "pg";
import { type PostgresSource, postgresClientConfig } from "./import-postgres.ts";

// The tables and views a Postgres connection's user can read, for the import dialog's picker.
// A failure to connect is the user's to fix (host, port, database, user or password of the
// connection), so every error becomes a 400 that says which of them Postgres refused.

export const TABLE_LIST_LIMIT = 1000;
// The picker waits for this listing: an unreachable host must fail fast, not after the OS timeout.
const CONNECT_TIMEOUT_MS = 5_000;
/** How long the listing, or a connection test, may run unless the caller says otherwise. */
export const CATALOG_STATEMENT_TIMEOUT_MS = 5_000;

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
  opts: { limit?: number; statementTimeoutMs?: number } = {},
): Promise<ConnectionTables> {
  const limit = opts.limit ?? TABLE_LIST_LIMIT;
  const timeoutMs = opts.statementTimeoutMs ?? CATALOG_STATEMENT_TIMEOUT_MS;
  return withReadOnlyClient(connectionName, source, timeoutMs, async (client) => {
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
      throw new AppError(
        "invalid_input",
        `Could not list the tables of connection ${connectionName}: ${why(e, source, timeoutMs)}.`,
      );
    }
  });
}

// What a role can change in the database it connects to. Any of these makes it a role that can
// write, whatever Sous asks it: Sous reads in READ ONLY transactions, but a role that can write
// is one statement away from it (default_transaction_read_only can be turned off by the role).
const PRIVILEGES_SQL = `
WITH writable AS (
  SELECT n.nspname, c.relname
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\\_toast%'
    AND n.nspname NOT LIKE 'pg\\_temp\\_%'
    AND (pg_catalog.pg_has_role(c.relowner, 'USAGE')
      OR CASE WHEN c.relkind = 'S'
           THEN pg_catalog.has_sequence_privilege(c.oid, 'USAGE, UPDATE')
           ELSE pg_catalog.has_table_privilege(c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')
             OR pg_catalog.has_any_column_privilege(c.oid, 'INSERT, UPDATE')
         END)
),
creatable AS (
  SELECT n.nspname
  FROM pg_catalog.pg_namespace n
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\\_toast%'
    AND n.nspname NOT LIKE 'pg\\_temp\\_%'
    AND (pg_catalog.pg_has_role(n.nspowner, 'USAGE') OR pg_catalog.has_schema_privilege(n.oid, 'CREATE'))
)
SELECT current_user AS "user",
       pg_catalog.current_setting('server_version') AS version,
       pg_catalog.current_setting('default_transaction_read_only') = 'on' AS read_only_default,
       r.rolsuper AS superuser,
       r.rolcreaterole AS create_role,
       r.rolcreatedb AS create_db,
       pg_catalog.has_database_privilege(pg_catalog.current_database(), 'CREATE') AS create_schema,
       (SELECT count(*) FROM writable)::int AS writable_count,
       (SELECT pg_catalog.array_agg(pg_catalog.quote_ident(nspname) || '.' || pg_catalog.quote_ident(relname))
          FROM (SELECT * FROM writable ORDER BY nspname, relname LIMIT 5) w) AS writable_some,
       (SELECT count(*) FROM creatable)::int AS creatable_count,
       (SELECT pg_catalog.array_agg(pg_catalog.quote_ident(nspname))
          FROM (SELECT * FROM creatable ORDER BY nspname LIMIT 5) s) AS creatable_some,
       (SELECT count(*)
          FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm')
           AND n.nspname NOT IN ('pg_catalog', 'information_schema')
           AND pg_catalog.has_schema_privilege(n.oid, 'USAGE')
           AND pg_catalog.has_table_privilege(c.oid, 'SELECT'))::int AS readable_count
FROM pg_catalog.pg_roles r
WHERE r.rolname = current_user`;

/**
 * "Test connection": connects as the connection's user and says what it can do. A role that can
 * write (superuser, CREATEROLE, CREATEDB, CREATE on the database or a schema, or INSERT, UPDATE,
 * DELETE or TRUNCATE on a table, or owner of one) gets warnings: Sous should be given a role that
 * can only read. A refused connection is a 400 that says what to fix, like the table listing.
 */
export async function testPostgresConnection(
  connectionName: string,
  source: PostgresSource,
  opts: { statementTimeoutMs?: number } = {},
): Promise<PostgresConnectionTest> {
  const timeoutMs = opts.statementTimeoutMs ?? CATALOG_STATEMENT_TIMEOUT_MS;
  return withReadOnlyClient(connectionName, source, timeoutMs, async (client) => {
    let p: {
      user: string;
      version: string;
      read_only_default: boolean;
      superuser: boolean;
      create_role: boolean;
      create_db: boolean;
      create_schema: boolean;
      writable_count: number;
      writable_some: string[] | null;
      creatable_count: number;
      creatable_some: string[] | null;
      readable_count: number;
    };
    try {
      const r = await client.query(PRIVILEGES_SQL);
      if (!r.rows[0]) throw new Error(`role ${source.user} is not in pg_roles`);
      p = r.rows[0];
    } catch (e) {
      throw new AppError(
        "invalid_input",
        `Could not check what user ${source.user} may do on connection ${connectionName}: ${why(e, source, timeoutMs)}.`,
      );
    }
    const who = `User ${p.user}`;
    const some = (names: string[] | null, count: number) =>
      `${(names ?? []).join(", ")}${count > (names?.length ?? 0) ? `, and ${count - (names?.length ?? 0)} more` : ""}`;
    const warnings: string[] = [];
    if (p.superuser) warnings.push(`${who} is a superuser: it can change anything on the server.`);
    if (p.create_role) warnings.push(`${who} can create roles.`);
    if (p.create_db) warnings.push(`${who} can create databases.`);
    if (p.create_schema && !p.superuser)
      warnings.push(`${who} can create schemas in database ${source.database}.`);
    if (p.creatable_count > 0 && !p.superuser)
      warnings.push(
        `${who} can create tables in (or owns) ${p.creatable_count === 1 ? "schema" : "schemas"} ${some(p.creatable_some, p.creatable_count)}.`,
      );
    if (p.writable_count > 0 && !p.superuser)
      warnings.push(
        `${who} can write to (or owns) ${p.writable_count === 1 ? "table" : "tables"} ${some(p.writable_some, p.writable_count)}.`,
      );
    if (warnings.length > 0)
      warnings.push(
        "Sous only reads, in READ ONLY transactions, but give it a role that can only read: see Security in the README.",
      );
    return {
      user: p.user,
      serverVersion: p.version,
      readableTables: p.readable_count,
      readOnlyByDefault: p.read_only_default,
      canWrite: warnings.length > 0,
      warnings,
    };
  });
}

/**
 * Connects as the connection's user and runs `use` in a READ ONLY transaction whose statements
 * stop after `timeoutMs` (the client gives up 2 s later if Postgres did not).
 */
async function withReadOnlyClient<T>(
  connectionName: string,
  source: PostgresSource,
  timeoutMs: number,
  use: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({
    ...postgresClientConfig(source),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: timeoutMs + 2_000,
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
      await client.query("BEGIN READ ONLY");
      await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
      await client.query(
        `SET LOCAL idle_in_transaction_session_timeout = ${Math.max(1, Math.round(timeoutMs))}`,
      );
    } catch (e) {
      throw new AppError(
        "invalid_input",
        `Could not open a read-only transaction on connection ${connectionName}: ${why(e, source, timeoutMs)}.`,
      );
    }
    const result = await use(client);
    await client.query("COMMIT").catch(() => {});
    return result;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Why a statement failed, for a message: its timeout in seconds, or Postgres' words. */
function why(e: unknown, source: PostgresSource, timeoutMs: number): string {
  const pgCode = (e as { code?: string }).code;
  return pgCode === "57014" || /timeout/i.test(errorText(e))
    ? `it took longer than ${timeoutMs / 1000} s`
    : scrub(errorText(e), source.password);
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
