import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminKey,
  type Caller,
  call,
  createProject,
  hasStudio,
  loginAs,
  uniqueKey,
  withApiKey,
} from "./api-client.ts";

// A SQL connection reaches a project only through an administrator's grant: members of project A
// neither list, browse, test nor import from a connection granted to project B only (404, as if it
// did not exist); after a grant to A its editors do, its viewers only see it; a revoke takes it
// back. Against the real Postgres on 127.0.0.1:5432 with a scratch database.
const adminUrl = "postgresql://postgres@127.0.0.1:5432/postgres";
const suffix = Math.random().toString(36).slice(2, 8);
const scratchDb = `sous_int_grants_${suffix}`;
const missingId = "x0123456789abcdef0123456789abcdef";
const password = `pw-${suffix}`;

describe.skipIf(!hasStudio)("connections are granted to projects", () => {
  let key: Caller;
  let editor: Caller;
  let viewer: Caller;
  let projectA = "";
  let projectB = "";
  let conn: { id: string; name: string };
  const created: string[] = [];

  async function newUser(): Promise<{ email: string; caller: Caller }> {
    const email = `${uniqueKey("u").toLowerCase()}@example.com`;
    const r = await call("/admin/users", {
      method: "POST",
      json: { email, name: "Analyst", password: "a-long-password" },
      as: key,
    });
    expect(r.status).toBe(201);
    return { email, caller: await withApiKey(await loginAs(email, "a-long-password")) };
  }

  async function newProject(): Promise<string> {
    return (await createProject(key, "Grants", "CG")).id;
  }

  async function createConnection(projectIds: string[]) {
    const r = await call("/connections", {
      method: "POST",
      json: {
        kind: "postgres",
        name: uniqueKey("granted").toLowerCase(),
        host: "127.0.0.1",
        port: 5432,
        database: scratchDb,
        user: "postgres",
        password,
        projectIds,
      },
      as: key,
    });
    expect(r.status).toBe(201);
    created.push(r.data.id);
    return r.data as { id: string; name: string; projectIds: string[] };
  }

  const ids = (r: { data: { id: string }[] }) => r.data.map((c) => c.id);
  const importInto = (projectId: string, as: Caller, name: string, connectionId = conn.id) =>
    call(`/projects/${projectId}/datasets/import`, {
      method: "POST",
      json: { name, source: { kind: "postgres", connectionId, table: "public.orders" } },
      as,
    });

  beforeAll(async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`CREATE DATABASE ${pg.escapeIdentifier(scratchDb)}`);
    await c.end();
    const s = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:5432/${scratchDb}` });
    await s.connect();
    await s.query("CREATE TABLE public.orders (id integer, amount double precision)");
    await s.query("INSERT INTO public.orders SELECT g, g * 1.5 FROM generate_series(1, 7) g");
    await s.end();

    key = await adminKey();
    projectA = await newProject();
    projectB = await newProject();
    const e = await newUser();
    const v = await newUser();
    editor = e.caller;
    viewer = v.caller;
    for (const [email, role] of [
      [e.email, "EDITOR"],
      [v.email, "VIEWER"],
    ]) {
      const m = await call(`/projects/${projectA}/members`, {
        method: "PUT",
        json: { email, role },
        as: key,
      });
      expect(m.status).toBe(200);
    }
    conn = await createConnection([projectB]);
  });

  afterAll(async () => {
    for (const id of created) await call(`/connections/${id}`, { method: "DELETE", as: key });
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(scratchDb)} WITH (FORCE)`);
    await c.end();
  });

  it("an administrator's connection is granted to the projects named, and only those", async () => {
    expect(
      (await call("/connections", { as: key })).data.find((c: { id: string }) => c.id === conn.id),
    ).toMatchObject({ projectIds: [projectB] });
    expect(ids(await call(`/projects/${projectB}/connections`, { as: key }))).toContain(conn.id);
    expect(ids(await call(`/projects/${projectA}/connections`, { as: key }))).not.toContain(conn.id);
    // Administrators too import only through a grant: the connection's data goes where it was granted.
    const r = await importInto(projectA, key, "by_admin");
    expect(r.status).toBe(404);
  });

  it("a member of A neither lists, browses, tests nor imports from a connection granted to B only (404)", async () => {
    expect(ids(await call("/connections", { as: editor }))).not.toContain(conn.id);
    const listed = await call(`/projects/${projectA}/connections`, { as: editor });
    expect(listed.status).toBe(200);
    expect(ids(listed)).not.toContain(conn.id);

    const tables = await call(`/projects/${projectA}/connections/${conn.id}/tables`, { as: editor });
    const test = await call(`/projects/${projectA}/connections/${conn.id}/test`, {
      method: "POST",
      as: editor,
    });
    const imported = await importInto(projectA, editor, "stolen");
    // Exactly what a connection that does not exist gets: nothing tells it is there.
    const missing = await call(`/projects/${projectA}/connections/${missingId}/tables`, { as: editor });
    expect(missing.status).toBe(404);
    for (const r of [tables, test, imported]) {
      expect(r.status).toBe(404);
      expect(r.data).toEqual(missing.data);
      expect(JSON.stringify(r.data)).not.toContain(conn.name);
    }
    expect((await call(`/projects/${projectA}/datasets`, { as: editor })).data).toEqual([]);

    // Not through the administrators' routes, nor through B, which the member cannot see.
    expect((await call(`/connections/${conn.id}/tables`, { as: editor })).status).toBe(403);
    expect((await call(`/connections/${conn.id}/test`, { method: "POST", as: editor })).status).toBe(403);
    expect((await call(`/projects/${projectB}/connections`, { as: editor })).status).toBe(404);
    expect((await call(`/projects/${projectB}/connections/${conn.id}/tables`, { as: editor })).status).toBe(
      404,
    );
    expect((await importInto(projectB, editor, "stolen")).status).toBe(404);
  });

  it("only administrators grant; an unknown project or connection is a 404", async () => {
    const byEditor = await call(`/connections/${conn.id}/projects/${projectA}`, {
      method: "PUT",
      as: editor,
    });
    expect(byEditor.status).toBe(403);
    expect(
      (await call(`/connections/${conn.id}/projects/${projectB}`, { method: "DELETE", as: editor })).status,
    ).toBe(403);
    expect(
      (await call(`/connections/${conn.id}/projects/${missingId}`, { method: "PUT", as: key })).status,
    ).toBe(404);
    expect(
      (await call(`/connections/${missingId}/projects/${projectA}`, { method: "PUT", as: key })).status,
    ).toBe(404);
    const unknownProject = await call("/connections", {
      method: "POST",
      json: {
        kind: "postgres",
        name: uniqueKey("nowhere").toLowerCase(),
        host: "127.0.0.1",
        database: scratchDb,
        user: "postgres",
        projectIds: [missingId],
      },
      as: key,
    });
    expect(unknownProject.status).toBe(404);
    // Nothing was granted by the refusals.
    expect(ids(await call(`/projects/${projectA}/connections`, { as: editor }))).not.toContain(conn.id);
  });

  it("after the grant to A, its editor lists, browses, tests and imports through it", async () => {
    const granted = await call(`/connections/${conn.id}/projects/${projectA}`, { method: "PUT", as: key });
    expect(granted.status).toBe(200);
    expect([...granted.data.projectIds].sort()).toEqual([projectA, projectB].sort());
    // Granting again changes nothing.
    const again = await call(`/connections/${conn.id}/projects/${projectA}`, { method: "PUT", as: key });
    expect(again.data.projectIds).toEqual(granted.data.projectIds);

    const listed = await call(`/projects/${projectA}/connections`, { as: editor });
    expect(listed.status).toBe(200);
    const mine = listed.data.find((c: { id: string }) => c.id === conn.id);
    expect(mine).toMatchObject({ name: conn.name, kind: "postgres", hasSecret: true });
    // Which other projects hold the connection is for administrators only.
    expect(mine.projectIds).toBeUndefined();
    const everywhere = (await call("/connections", { as: editor })).data.find(
      (c: { id: string }) => c.id === conn.id,
    );
    expect(everywhere).toBeTruthy();
    expect(everywhere.projectIds).toBeUndefined();
    expect(JSON.stringify(listed.data)).not.toContain(password);

    const tables = await call(`/projects/${projectA}/connections/${conn.id}/tables`, { as: editor });
    expect(tables.status).toBe(200);
    expect(tables.data.tables.map((t: { schema: string; name: string }) => `${t.schema}.${t.name}`)).toEqual([
      "public.orders",
    ]);
    const test = await call(`/projects/${projectA}/connections/${conn.id}/test`, {
      method: "POST",
      as: editor,
    });
    expect(test.status).toBe(200);
    expect(test.data).toMatchObject({ user: "postgres", canWrite: true });
    const imported = await importInto(projectA, editor, "orders");
    expect(imported.status).toBe(201);
    expect(imported.data.currentVersion.rowCount).toBe(7);
  });

  it("a viewer of A sees the granted connection but cannot browse, test or import (403)", async () => {
    expect(ids(await call(`/projects/${projectA}/connections`, { as: viewer }))).toContain(conn.id);
    const tables = await call(`/projects/${projectA}/connections/${conn.id}/tables`, { as: viewer });
    const test = await call(`/projects/${projectA}/connections/${conn.id}/test`, {
      method: "POST",
      as: viewer,
    });
    const imported = await importInto(projectA, viewer, "by_viewer");
    for (const r of [tables, test, imported]) {
      expect(r.status).toBe(403);
      expect(r.data.error.code).toBe("forbidden");
    }
    const names = (await call(`/projects/${projectA}/datasets`, { as: viewer })).data.map(
      (d: { name: string }) => d.name,
    );
    expect(names).toEqual(["orders"]);
  });

  it("revoking the grant takes it all back, re-imports included; the imported data stays", async () => {
    const datasetId = (await call(`/projects/${projectA}/datasets`, { as: editor })).data[0].id as string;
    const revoked = await call(`/connections/${conn.id}/projects/${projectA}`, { method: "DELETE", as: key });
    expect(revoked.status).toBe(204);
    expect(
      (await call("/connections", { as: key })).data.find((c: { id: string }) => c.id === conn.id),
    ).toMatchObject({ projectIds: [projectB] });

    expect(ids(await call(`/projects/${projectA}/connections`, { as: editor }))).not.toContain(conn.id);
    expect(ids(await call(`/projects/${projectA}/connections`, { as: viewer }))).not.toContain(conn.id);
    expect(ids(await call("/connections", { as: editor }))).not.toContain(conn.id);
    expect((await call(`/projects/${projectA}/connections/${conn.id}/tables`, { as: editor })).status).toBe(
      404,
    );
    expect(
      (await call(`/projects/${projectA}/connections/${conn.id}/test`, { method: "POST", as: editor }))
        .status,
    ).toBe(404);
    expect((await importInto(projectA, editor, "orders_again")).status).toBe(404);
    const reimport = await call(`/projects/${projectA}/datasets/${datasetId}/import`, {
      method: "POST",
      json: { source: { kind: "postgres", connectionId: conn.id, table: "public.orders" } },
      as: editor,
    });
    expect(reimport.status).toBe(404);
    const ds = await call(`/projects/${projectA}/datasets/${datasetId}`, { as: editor });
    expect(ds.data.currentVersion).toMatchObject({ number: 1, rowCount: 7 });
    // Revoking what is not granted is no error.
    expect(
      (await call(`/connections/${conn.id}/projects/${projectA}`, { method: "DELETE", as: key })).status,
    ).toBe(204);
  });

  it("a connection made for one project is granted to that project only", async () => {
    const mine = await createConnection([projectA]);
    expect(mine.projectIds).toEqual([projectA]);
    expect(ids(await call(`/projects/${projectA}/connections`, { as: editor }))).toContain(mine.id);
    expect((await call(`/projects/${projectA}/connections/${mine.id}/tables`, { as: editor })).status).toBe(
      200,
    );
    expect(ids(await call(`/projects/${projectB}/connections`, { as: key }))).not.toContain(mine.id);
    expect((await importInto(projectB, key, "elsewhere", mine.id)).status).toBe(404);
  });
});
