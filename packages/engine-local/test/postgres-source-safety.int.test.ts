import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { AppError } from "@sous/contracts";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { declareImportCursor, importPostgres, type PostgresSource } from "../src/import-postgres.ts";
import { LocalEngine } from "../src/local-engine.ts";
import { testPostgresConnection } from "../src/postgres-catalog.ts";

// A Postgres source is read, never written: the import's query is one statement (checked, then
// sent over the extended protocol), runs in a READ ONLY transaction with a statement timeout, and
// "Test connection" warns when the connection's role could write. Every attack below wrote to the
// source, or held the request, before; each runs against a throwaway database of the server at
// SOUS_TEST_DATABASE_URL (roles are cluster-wide, so this one is created and dropped here too).
const serverUrl = process.env.SOUS_TEST_DATABASE_URL ?? "";
const suffix = Math.random().toString(36).slice(2, 8);
const scratchDb = `sous_int_pgsafe_${suffix}`;
const reader = `sous_int_ro_${suffix}`;
const writer = `sous_int_rw_${suffix}`;
const copyTarget = path.join(tmpdir(), `sous_pwned_${suffix}.txt`);

describe.skipIf(!serverUrl)("Postgres source: read only, one statement, bounded time", () => {
  let admin: pg.Client;
  let engine: LocalEngine;
  let dir: string;
  let n = 0;
  const server = new URL(serverUrl);
  const source = (user = decodeURIComponent(server.username) || "postgres"): PostgresSource => ({
    host: server.hostname,
    port: Number(server.port || 5432),
    database: scratchDb,
    user,
    password: decodeURIComponent(server.password),
    ssl: false,
  });

  beforeAll(async () => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(`CREATE DATABASE ${pg.escapeIdentifier(scratchDb)}`);
    await c.end();
    const url = new URL(serverUrl);
    url.pathname = `/${scratchDb}`;
    admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    await admin.query("REVOKE CREATE ON SCHEMA public FROM PUBLIC"); // the default before Postgres 15
    await admin.query("CREATE TABLE orders (id integer, amount numeric)");
    await admin.query("INSERT INTO orders VALUES (1, 1.5), (2, 2.5), (3, 3.5)");
    await admin.query("CREATE SEQUENCE order_ids");
    // A function that writes: only the READ ONLY transaction stops a SELECT that calls it.
    await admin.query(
      "CREATE FUNCTION sneaky() RETURNS integer LANGUAGE sql AS $$ INSERT INTO orders VALUES (99, 0) RETURNING 1 $$",
    );
    await admin.query(`CREATE ROLE ${pg.escapeIdentifier(reader)} LOGIN`);
    await admin.query(
      `GRANT CONNECT ON DATABASE ${pg.escapeIdentifier(scratchDb)} TO ${pg.escapeIdentifier(reader)}`,
    );
    await admin.query(`GRANT USAGE ON SCHEMA public TO ${pg.escapeIdentifier(reader)}`);
    await admin.query(`GRANT SELECT ON orders TO ${pg.escapeIdentifier(reader)}`);
    await admin.query(`CREATE ROLE ${pg.escapeIdentifier(writer)} LOGIN`);
    await admin.query(`GRANT USAGE ON SCHEMA public TO ${pg.escapeIdentifier(writer)}`);
    await admin.query(`GRANT SELECT, UPDATE ON orders TO ${pg.escapeIdentifier(writer)}`);
    dir = mkdtempSync(path.join(tmpdir(), "sous-pg-safety-"));
    engine = await LocalEngine.create({ allowedDirectories: [dir] });
  });

  afterAll(async () => {
    engine?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    rmSync(copyTarget, { force: true });
    await admin?.end();
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(scratchDb)} WITH (FORCE)`);
    await c.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(reader)}`);
    await c.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(writer)}`);
    await c.end();
  });

  /** A fresh output folder, as the studio stages one per import. */
  const outDir = () => {
    const d = path.join(dir, `out-${++n}`);
    mkdirSync(d);
    return d;
  };
  const importQuery = (query: string, opts: { statementTimeoutMs?: number; user?: string } = {}) =>
    importPostgres(engine, {
      source: source(opts.user),
      query,
      outDir: outDir(),
      spoolDir: dir,
      ...(opts.statementTimeoutMs ? { statementTimeoutMs: opts.statementTimeoutMs } : {}),
    });

  /** What an attack could have changed: tables, rows, the sequence, a file, the role's default. */
  async function sourceState() {
    const r = await admin.query(
      `SELECT (SELECT count(*)::int FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
                WHERE ns.nspname = 'public') AS relations,
              (SELECT count(*)::int FROM orders) AS orders,
              (SELECT sum(amount)::text FROM orders) AS amounts,
              (SELECT last_value::text || is_called::text FROM order_ids) AS seq,
              (SELECT string_agg(relname, ',') FROM pg_class WHERE relname LIKE 'pwned%') AS pwned`,
    );
    return { ...r.rows[0], copied: existsSync(copyTarget) };
  }

  const attacks: [string, string, RegExp][] = [
    ["COMMIT then CREATE TABLE", "SELECT 1; COMMIT; CREATE TABLE pwned1(x int)", /one statement/],
    ["a second statement that inserts", "SELECT 1; INSERT INTO orders VALUES (99, 0)", /one statement/],
    ["DROP without a space", "SELECT 1;DROP TABLE orders", /one statement/],
    [
      "COMMIT then INSERT after a comment",
      "SELECT 1 /* ; */ ; -- x\nCOMMIT; INSERT INTO orders VALUES (99, 0)",
      /one statement/,
    ],
    [
      "SET TRANSACTION READ WRITE",
      "SELECT 1; SET TRANSACTION READ WRITE; DELETE FROM orders",
      /one statement/,
    ],
    [
      "COMMIT, then a session made read-write",
      "SELECT 1; COMMIT; SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE; CREATE TABLE pwned2(x int)",
      /one statement/,
    ],
    [
      "default_transaction_read_only turned off, then COMMIT",
      "SELECT set_config('default_transaction_read_only', 'off', false); COMMIT; CREATE TABLE pwned3(x int)",
      /one statement/,
    ],
    [
      "transaction_read_only turned off",
      "SELECT set_config('transaction_read_only', 'off', true)",
      /read-write|read-only|refused/,
    ],
    [
      "a CTE that inserts",
      "WITH w AS (INSERT INTO orders VALUES (99, 0) RETURNING *) SELECT * FROM w",
      /refused/,
    ],
    ["SELECT FOR UPDATE", "SELECT * FROM orders FOR UPDATE", /read-only/],
    ["a function that writes", "SELECT sneaky()", /read-only/],
    ["nextval", "SELECT nextval('order_ids')", /read-only/],
    ["COPY to a server file", `COPY (SELECT 1) TO '${copyTarget}'`, /only reads|SELECT/],
    ["COPY FROM", "COPY orders FROM PROGRAM 'echo 99,0' WITH (FORMAT csv)", /only reads|SELECT/],
    ["DO block", "DO $$ BEGIN CREATE TABLE pwned4(x int); END $$", /only reads|SELECT/],
    ["a dollar-quoted COMMIT", "SELECT $q$x$q$; COMMIT; CREATE TABLE pwned5(x int)", /one statement/],
  ];

  for (const [what, query, message] of attacks) {
    it(`refuses ${what} with a 400 and leaves the source unchanged`, async () => {
      const before = await sourceState();
      const err = await importQuery(query).then(
        () => null,
        (e: unknown) => e,
      );
      expect(await sourceState()).toEqual(before);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("invalid_input");
      expect((err as AppError).message).toMatch(message);
    });
  }

  it("the extended protocol refuses a second statement even past the parser", async () => {
    const before = await sourceState();
    const c = new pg.Client({ ...source(), connectionTimeoutMillis: 5_000 });
    await c.connect();
    try {
      await c.query("BEGIN READ ONLY");
      await expect(declareImportCursor(c, "SELECT 1; COMMIT; CREATE TABLE pwned6(x int)")).rejects.toThrow(
        /multiple commands/,
      );
    } finally {
      await c.end();
    }
    expect(await sourceState()).toEqual(before);
  });

  it("still imports one statement with a trailing semicolon, comments and quoted semicolons", async () => {
    const r = await importQuery(
      '-- the orders\nSELECT id, \';\' AS s, $$a;b$$ AS t, "x;y".amount FROM orders AS "x;y" /* ; */ WHERE id < 3;\n -- done\n',
    );
    expect(r.rowCount).toBe(2);
    expect(r.schema.map((c) => c.name)).toEqual(["id", "s", "t", "amount"]);
    const t = await importPostgres(engine, {
      source: source(reader),
      table: "orders",
      outDir: outDir(),
      spoolDir: dir,
    });
    expect(t.rowCount).toBe(3);
  });

  it("stops SELECT pg_sleep(20) at the statement timeout, with a message that says so", async () => {
    const started = Date.now();
    const err = await importQuery("SELECT pg_sleep(20)", { statementTimeoutMs: 1_000 }).then(
      () => null,
      (e: unknown) => e,
    );
    const took = Date.now() - started;
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("invalid_input");
    expect((err as AppError).message).toMatch(/longer than 1 s/);
    expect(took).toBeLessThan(3_000);
    console.info(`pg_sleep(20) refused after ${took} ms (statement timeout 1 s)`);
  }, 30_000);

  it("stops a query that turns its own statement timeout off, and cancels it on the server", async () => {
    // The first batch of 10,000 rows turns statement_timeout off for the rest of the transaction:
    // the client-side deadline still ends the second FETCH, and cancels the backend.
    const started = Date.now();
    const err = await importQuery(
      "SELECT set_config('statement_timeout', '0', true), pg_sleep(CASE WHEN g > 10000 THEN 20 ELSE 0 END) FROM generate_series(1, 10001) g",
      { statementTimeoutMs: 1_000 },
    ).then(
      () => null,
      (e: unknown) => e,
    );
    const took = Date.now() - started;
    expect((err as AppError).message).toMatch(/longer than 1 s/);
    expect(took).toBeLessThan(6_000);
    console.info(`a query that turned statement_timeout off refused after ${took} ms`);
    const busy = await admin.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(CASE%' AND state = 'active' AND pid <> pg_backend_pid()",
    );
    expect(busy.rows[0].n).toBe(0);
  }, 30_000);

  it("Test connection warns for a superuser and a role that may write, not for a read-only role", async () => {
    const sup = await testPostgresConnection("c", source());
    expect(sup.canWrite).toBe(true);
    expect(sup.warnings.join(" ")).toMatch(/superuser/);

    const ro = await testPostgresConnection("c", source(reader));
    expect(ro).toMatchObject({ user: reader, canWrite: false, warnings: [], readableTables: 1 });

    const rw = await testPostgresConnection("c", source(writer));
    expect(rw.canWrite).toBe(true);
    expect(rw.warnings.join(" ")).toMatch(/public\.orders/);
  });

  it("Test connection warns for a role that can create schemas, roles or databases", async () => {
    await admin.query(`ALTER ROLE ${pg.escapeIdentifier(reader)} CREATEDB`);
    await admin.query(`GRANT CREATE ON SCHEMA public TO ${pg.escapeIdentifier(reader)}`);
    try {
      const r = await testPostgresConnection("c", source(reader));
      expect(r.canWrite).toBe(true);
      expect(r.warnings.join(" ")).toMatch(/create databases/);
      expect(r.warnings.join(" ")).toMatch(/schema.*public/);
    } finally {
      await admin.query(`ALTER ROLE ${pg.escapeIdentifier(reader)} NOCREATEDB`);
      await admin.query(`REVOKE CREATE ON SCHEMA public FROM ${pg.escapeIdentifier(reader)}`);
    }
  });
});
