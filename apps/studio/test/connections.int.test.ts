import { createServer, type Server } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin, type Caller, call, hasStudio, loginAs, uniqueKey, withApiKey } from "./api-client.ts";

// Postgres connections beyond create/delete: the tables a connection can read (the import
// dialog's picker; here through the administrators' routes, grants are in
// connection-grants.int.test.ts) and editing a connection, against the real Postgres on 127.0.0.1:5432 with a
// scratch database. A refused connection is always a 400 that says what to fix.
const adminUrl = "postgresql://postgres@127.0.0.1:5432/postgres";
const suffix = Math.random().toString(36).slice(2, 8);
const scratchDb = `sous_int_conn_${suffix}`;
const secretPassword = `s3cret-${suffix}`;
// Roles are cluster-wide: this one is dropped after the database that holds its grants.
const reader = `sous_int_reader_${suffix}`;

/**
 * The shared Postgres trusts 127.0.0.1 (any password is accepted), so passwords are checked by
 * this stand-in: it asks for the password in clear text, refuses a wrong one the way Postgres
 * does (SQLSTATE 28P01) and answers the right one with "database does not exist" (3D000), which
 * tells the tests which password the studio sent without running a whole server.
 */
function startPasswordCheckingServer(expected: string): Promise<Server> {
  const message = (type: string, body: Buffer) => {
    const head = Buffer.alloc(5);
    head.write(type, 0);
    head.writeInt32BE(body.length + 4, 1);
    return Buffer.concat([head, body]);
  };
  const fatal = (code: string, text: string) =>
    message(
      "E",
      Buffer.concat([
        ...[
          ["S", "FATAL"],
          ["V", "FATAL"],
          ["C", code],
          ["M", text],
        ].map(([k, v]) => Buffer.from(`${k}${v}\0`)),
        Buffer.from([0]),
      ]),
    );
  const server = createServer((socket) => {
    socket.on("error", () => {});
    // First the startup message: ask for a clear-text password (AuthenticationCleartextPassword).
    socket.once("data", () => {
      socket.write(message("R", Buffer.from([0, 0, 0, 3])));
      socket.once("data", (data) => {
        // PasswordMessage: 'p', length, the password, NUL.
        const sent = data.subarray(5, data.length - 1).toString();
        socket.end(
          sent === expected
            ? fatal("3D000", 'database "checked" does not exist')
            : fatal("28P01", 'password authentication failed for user "analyst"'),
        );
      });
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe.skipIf(!hasStudio)("Postgres connections: tables and edits", () => {
  let key: Caller;
  let other: Caller;
  let checking: Server;
  const created: string[] = [];

  async function createConnection(fields: Record<string, unknown>) {
    const r = await call("/connections", {
      method: "POST",
      json: {
        kind: "postgres",
        name: uniqueKey("conn").toLowerCase(),
        host: "127.0.0.1",
        port: 5432,
        database: scratchDb,
        user: "postgres",
        password: secretPassword,
        ...fields,
      },
      as: key,
    });
    expect(r.status).toBe(201);
    created.push(r.data.id);
    return r.data as { id: string; name: string; config: Record<string, unknown>; hasSecret: boolean };
  }

  beforeAll(async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`CREATE DATABASE ${pg.escapeIdentifier(scratchDb)}`);
    await c.end();
    const s = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:5432/${scratchDb}` });
    await s.connect();
    // Postgres 14 and older let every role create tables in public: not a read-only role.
    await s.query("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    await s.query("CREATE SCHEMA sales");
    await s.query("CREATE TABLE sales.orders (id integer, amount double precision)");
    await s.query("INSERT INTO sales.orders SELECT g, g * 1.5 FROM generate_series(1, 500) g");
    await s.query("ANALYZE sales.orders");
    await s.query("CREATE TABLE public.customers (id integer, name text)");
    await s.query("CREATE VIEW sales.big_orders AS SELECT * FROM sales.orders WHERE amount > 100");
    // A user who may read sales.orders only.
    await s.query(`CREATE ROLE ${pg.escapeIdentifier(reader)} LOGIN`);
    await s.query(`GRANT USAGE ON SCHEMA sales TO ${pg.escapeIdentifier(reader)}`);
    await s.query(`GRANT SELECT ON sales.orders TO ${pg.escapeIdentifier(reader)}`);
    await s.end();
    checking = await startPasswordCheckingServer(secretPassword);

    const session = await loginAs(admin.email, admin.password);
    key = await withApiKey(session);
    const email = `${uniqueKey("u").toLowerCase()}@example.com`;
    await call("/admin/users", {
      method: "POST",
      json: { email, name: "Analyst", password: "a-long-password" },
      as: key,
    });
    other = await loginAs(email, "a-long-password");
  });

  afterAll(async () => {
    for (const id of created) await call(`/connections/${id}`, { method: "DELETE", as: key });
    await new Promise((r) => checking?.close(r));
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(scratchDb)} WITH (FORCE)`);
    await c.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(reader)}`);
    await c.end();
  });

  it("lists the tables and views by schema then name, with row estimates, without the system schemas", async () => {
    const conn = await createConnection({});
    const r = await call(`/connections/${conn.id}/tables`, { as: key });
    expect(r.status).toBe(200);
    expect(r.data.truncated).toBe(false);
    expect(r.data.tables).toEqual([
      { schema: "public", name: "customers", kind: "table", estimatedRows: null },
      { schema: "sales", name: "big_orders", kind: "view", estimatedRows: null },
      { schema: "sales", name: "orders", kind: "table", estimatedRows: 500 },
    ]);
  });

  it("lists any connection's tables for administrators only (members go through a project); refuses anonymous callers", async () => {
    const conn = await createConnection({});
    const anonymous = await call(`/connections/${conn.id}/tables`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.data.error.code).toBe("unauthenticated");
    const asUser = await call(`/connections/${conn.id}/tables`, { as: other });
    expect(asUser.status).toBe(403);
    expect(JSON.stringify(asUser.data)).not.toContain(conn.name);
    const missing = await call("/connections/x0123456789abcdef0123456789abcdef/tables", { as: key });
    expect(missing.status).toBe(404);
  });

  it("sends the stored password, keeps it when PATCH leaves it out; a wrong one is a 400 saying to check it", async () => {
    const port = (checking.address() as { port: number }).port;
    const conn = await createConnection({ port, user: "analyst" });
    const tables = () => call(`/connections/${conn.id}/tables`, { as: key });
    // The right password got through (the stand-in answers it with "no such database").
    const right = await tables();
    expect(right.status).toBe(400);
    expect(right.data.error.message).toMatch(/Database .* does not exist/);

    const renamed = await call(`/connections/${conn.id}`, {
      method: "PATCH",
      json: { name: `${conn.name}_2` },
      as: key,
    });
    expect(renamed.status).toBe(200);
    expect((await tables()).data.error.message).toMatch(/Database .* does not exist/);

    const wrongPassword = `wrong-${suffix}`;
    const changed = await call(`/connections/${conn.id}`, {
      method: "PATCH",
      json: { password: wrongPassword },
      as: key,
    });
    expect(changed.status).toBe(200);
    expect(changed.data.hasSecret).toBe(true);
    const wrong = await tables();
    expect(wrong.status).toBe(400);
    expect(wrong.data.error.code).toBe("invalid_input");
    expect(wrong.data.error.message).toMatch(/refused user analyst/);
    expect(wrong.data.error.message).toMatch(/check the user and password/);
    expect(wrong.data.error.message).toContain(`${conn.name}_2`);
    expect(JSON.stringify(wrong.data)).not.toContain(wrongPassword);
    expect(JSON.stringify(wrong.data)).not.toContain(secretPassword);
  });

  it("a user or database Postgres does not know is a 400 naming what to fix", async () => {
    const badUser = await createConnection({ user: `nobody_${suffix}` });
    const u = await call(`/connections/${badUser.id}/tables`, { as: key });
    expect(u.status).toBe(400);
    expect(u.data.error.message).toMatch(
      new RegExp(`refused user nobody_${suffix}.*check the user and password`),
    );
    const badDb = await createConnection({ database: `missing_${suffix}` });
    const d = await call(`/connections/${badDb.id}/tables`, { as: key });
    expect(d.status).toBe(400);
    expect(d.data.error.message).toMatch(
      new RegExp(`Database missing_${suffix} does not exist.*check the database name`),
    );
  });

  it("PATCH changes the fields given and keeps the password when it is left out", async () => {
    const conn = await createConnection({});
    const renamed = `${conn.name}_renamed`;
    const r = await call(`/connections/${conn.id}`, {
      method: "PATCH",
      json: { name: renamed, database: scratchDb },
      as: key,
    });
    expect(r.status).toBe(200);
    expect(r.data).toMatchObject({ id: conn.id, name: renamed, hasSecret: true });
    expect(r.data.config).toMatchObject({
      host: "127.0.0.1",
      port: 5432,
      database: scratchDb,
      user: "postgres",
    });
    expect(JSON.stringify(r.data)).not.toContain(secretPassword);
    // The kept password still decrypts: the listing connects with it.
    expect((await call(`/connections/${conn.id}/tables`, { as: key })).status).toBe(200);
    const listed = (await call("/connections", { as: key })).data.find(
      (c: { id: string }) => c.id === conn.id,
    );
    expect(listed.name).toBe(renamed);

    // A server that cannot be reached: the listing says to check the host and port.
    const moved = await call(`/connections/${conn.id}`, {
      method: "PATCH",
      json: { host: "127.0.0.2" },
      as: key,
    });
    expect(moved.status).toBe(200);
    expect(moved.data.config.host).toBe("127.0.0.2");
    const t = await call(`/connections/${conn.id}/tables`, { as: key });
    expect(t.status).toBe(400);
    expect(t.data.error.message).toMatch(/127\.0\.0\.2:5432.*check the host and port/);

    // An empty password removes it.
    const cleared = await call(`/connections/${conn.id}`, {
      method: "PATCH",
      json: { password: "" },
      as: key,
    });
    expect(cleared.data.hasSecret).toBe(false);
  });

  it("PATCH validates like create, refuses a taken name, and is for administrators only", async () => {
    const a = await createConnection({});
    const b = await createConnection({});
    const bad = await call(`/connections/${a.id}`, { method: "PATCH", json: { port: 70000 }, as: key });
    expect(bad.status).toBe(400);
    const extra = await call(`/connections/${a.id}`, { method: "PATCH", json: { kind: "mysql" }, as: key });
    expect(extra.status).toBe(400);
    const taken = await call(`/connections/${a.id}`, { method: "PATCH", json: { name: b.name }, as: key });
    expect(taken.status).toBe(409);
    expect(taken.data.error.message).toContain(b.name);
    const byUser = await call(`/connections/${a.id}`, { method: "PATCH", json: { name: "mine" }, as: other });
    expect(byUser.status).toBe(403);
    const anonymous = await call(`/connections/${a.id}`, { method: "PATCH", json: { name: "mine" } });
    expect(anonymous.status).toBe(401);
    const missing = await call("/connections/x0123456789abcdef0123456789abcdef", {
      method: "PATCH",
      json: { name: "x" },
      as: key,
    });
    expect(missing.status).toBe(404);
    // Nothing changed.
    const listed = (await call("/connections", { as: key })).data.find((c: { id: string }) => c.id === a.id);
    expect(listed.name).toBe(a.name);
    expect(listed.config.port).toBe(5432);
  });

  it("lists only what the connection's user may read", async () => {
    const conn = await createConnection({ user: reader });
    const r = await call(`/connections/${conn.id}/tables`, { as: key });
    expect(r.status).toBe(200);
    expect(r.data.tables.map((t: { schema: string; name: string }) => `${t.schema}.${t.name}`)).toEqual([
      "sales.orders",
    ]);
  });

  it("Test connection warns when the user can write, and not for a role that can only read", async () => {
    const superuser = await createConnection({});
    expect((await call(`/connections/${superuser.id}/test`, { method: "POST", as: other })).status).toBe(403);
    const w = await call(`/connections/${superuser.id}/test`, { method: "POST", as: key });
    expect(w.status).toBe(200);
    expect(w.data).toMatchObject({ user: "postgres", canWrite: true });
    expect(w.data.warnings.join(" ")).toMatch(/superuser/);

    const readOnly = await createConnection({ user: reader });
    const r = await call(`/connections/${readOnly.id}/test`, { method: "POST", as: key });
    expect(r.status).toBe(200);
    expect(r.data).toMatchObject({ user: reader, canWrite: false, warnings: [], readableTables: 1 });

    const badDb = await createConnection({ database: `missing_${suffix}` });
    const bad = await call(`/connections/${badDb.id}/test`, { method: "POST", as: key });
    expect(bad.status).toBe(400);
    expect(bad.data.error.message).toMatch(/check the database name/);
    expect((await call(`/connections/${readOnly.id}/test`, { method: "POST" })).status).toBe(401);
  });

  // Last: the many tables would change the exact listings above.
  it("stops at 1,000 tables and says the list was cut", async () => {
    const s = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:5432/${scratchDb}` });
    await s.connect();
    await s.query("CREATE SCHEMA many");
    await s.query(
      "DO $$ BEGIN FOR i IN 1..1001 LOOP EXECUTE format('CREATE TABLE many.t%s (id integer)', lpad(i::text, 4, '0')); END LOOP; END $$",
    );
    await s.end();
    const conn = await createConnection({});
    const r = await call(`/connections/${conn.id}/tables`, { as: key });
    expect(r.status).toBe(200);
    expect(r.data.truncated).toBe(true);
    expect(r.data.tables).toHaveLength(1000);
    // Sorted by schema then name: "many" comes before "public" and "sales", so they are the ones cut.
    expect(r.data.tables[0]).toMatchObject({ schema: "many", name: "t0001" });
    expect(r.data.tables.at(-1)).toMatchObject({ schema: "many", name: "t1000" });
  });
});
