// The studio's friction list (issue 13), through the real studio + worker: deleting a Databricks
// workspace or profile names the projects and recipes that run on it and keeps their engines
// consistent; the jobs API returns a remote activity's cluster, Spark UI link and timings, and
// tells an up-to-date activity from one that wrote rows.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminKey, type Caller, call, hasStudio, uniqueKey, waitForJob } from "./api-client.ts";

const databaseUrl = process.env.SOUS_TEST_DATABASE_URL ?? "";

describe.skipIf(!hasStudio || !databaseUrl)("studio friction: Databricks deletes and the jobs API", () => {
  let key: Caller;
  let db: pg.Client;
  const post = (p: string, json: unknown) => call(p, { method: "POST", json, as: key });
  const put = (p: string, json: unknown) => call(p, { method: "PUT", json, as: key });

  beforeAll(async () => {
    key = await adminKey();
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
  });

  /** A workspace with one profile. The profile goes straight to the table: creating one through the API asks a live workspace for its node types. */
  async function workspace() {
    const c = await post("/admin/databricks/connections", {
      name: `ws ${uniqueKey("W")}`,
      workspaceUrl: "https://adb-1234567890123456.7.azuredatabricks.net",
      token: `dapi${randomBytes(16).toString("hex")}`,
      storagePrefix: "dbfs:/mnt/sous",
      storage: { kind: "installation" },
    });
    expect(c.status).toBe(201);
    const profileId = `prof${randomBytes(8).toString("hex")}`;
    await db.query(
      `INSERT INTO "ComputeProfile" (id, "connectionId", name, spec, "updatedAt") VALUES ($1, $2, 'small', '{}', now())`,
      [profileId, c.data.id],
    );
    return { connectionId: c.data.id as string, name: c.data.name as string, profileId };
  }

  async function projectWithRecipe(name: string) {
    const projectId = (await post("/projects", { key: uniqueKey("FR"), name })).data.id as string;
    const src = await call(`/projects/${projectId}/datasets?name=src`, {
      method: "POST",
      body: "id,v\n1,2\n",
      headers: { "content-type": "text/csv" },
      as: key,
    });
    expect(src.status).toBe(201);
    const recipe = await post(`/projects/${projectId}/recipes`, {
      name: "copy",
      inputs: [src.data.id],
      output: { name: "copied" },
      spec: { kind: "sync", version: 1, params: {} },
    });
    expect(recipe.status).toBe(201);
    return { projectId, recipeId: recipe.data.id as string, outputId: recipe.data.outputs[0] as string };
  }

  it("refuses to delete a workspace projects and recipes run on (409 naming them), then with force moves them to local", async () => {
    const ws = await workspace();
    const engine = { kind: "databricks", connectionId: ws.connectionId, profileId: ws.profileId };
    const a = await projectWithRecipe(`Uses ws ${uniqueKey("A")}`);
    const b = await projectWithRecipe(`Overrides ${uniqueKey("B")}`);
    expect((await put(`/projects/${a.projectId}/engine`, { engine })).status).toBe(200);
    expect((await put(`/projects/${b.projectId}/recipes/${b.recipeId}/engine`, { engine })).status).toBe(200);

    const usage = await call(`/admin/databricks/connections/${ws.connectionId}/usage`, { as: key });
    expect(usage.status).toBe(200);
    expect(usage.data.projects.map((p: { id: string }) => p.id)).toEqual([a.projectId]);
    expect(usage.data.recipes.map((r: { id: string }) => r.id)).toEqual([b.recipeId]);
    expect(usage.data.profiles).toEqual([{ id: ws.profileId, name: "small" }]);

    const refused = await call(`/admin/databricks/connections/${ws.connectionId}`, {
      method: "DELETE",
      as: key,
    });
    expect(refused.status).toBe(409);
    expect(refused.data.error.code).toBe("conflict");
    expect(refused.data.error.message).toContain(ws.name);
    expect(refused.data.error.message).toContain("copy");
    expect(refused.data.error.details.projects[0].id).toBe(a.projectId);
    // Nothing changed: the workspace and both engines are still there.
    expect((await call(`/admin/databricks/connections/${ws.connectionId}`, { as: key })).status).toBe(200);
    expect((await call(`/projects/${a.projectId}/engine`, { as: key })).data.engine).toEqual(engine);

    const profileRefused = await call(
      `/admin/databricks/connections/${ws.connectionId}/profiles/${ws.profileId}`,
      { method: "DELETE", as: key },
    );
    expect(profileRefused.status).toBe(409);
    expect(profileRefused.data.error.message).toContain("small");

    const forced = await call(`/admin/databricks/connections/${ws.connectionId}?force=true`, {
      method: "DELETE",
      as: key,
    });
    expect(forced.status).toBe(204);
    expect((await call(`/admin/databricks/connections/${ws.connectionId}`, { as: key })).status).toBe(404);
    expect((await call(`/projects/${a.projectId}/engine`, { as: key })).data.engine).toEqual({
      kind: "local",
    });
    const recipeEngine = await call(`/projects/${b.projectId}/recipes/${b.recipeId}/engine`, { as: key });
    expect(recipeEngine.data).toEqual({ engine: null, effective: { kind: "local" } });
    // A build after the delete runs (locally) instead of failing on a missing profile.
    const job = await post(`/projects/${a.projectId}/jobs`, {
      targets: [a.outputId],
      mode: "build-only-this",
    });
    expect(job.status).toBe(201);
    expect((await waitForJob(a.projectId, job.data.id, key)).state).toBe("SUCCEEDED");
  });

  it("deletes an unused workspace without force, and a used profile with force", async () => {
    const unused = await workspace();
    const del = await call(`/admin/databricks/connections/${unused.connectionId}`, {
      method: "DELETE",
      as: key,
    });
    expect(del.status).toBe(204);

    const ws = await workspace();
    const p = await projectWithRecipe(`Profile ${uniqueKey("P")}`);
    const engine = { kind: "databricks", connectionId: ws.connectionId, profileId: ws.profileId };
    expect((await put(`/projects/${p.projectId}/engine`, { engine })).status).toBe(200);
    const forced = await call(
      `/admin/databricks/connections/${ws.connectionId}/profiles/${ws.profileId}?force=true`,
      { method: "DELETE", as: key },
    );
    expect(forced.status).toBe(204);
    expect((await call(`/projects/${p.projectId}/engine`, { as: key })).data.engine).toEqual({
      kind: "local",
    });
    await call(`/admin/databricks/connections/${ws.connectionId}`, { method: "DELETE", as: key });
  });

  it("returns a remote activity's cluster, Spark UI link and timings, and says which activities were up to date", async () => {
    const p = await projectWithRecipe(`Jobs ${uniqueKey("J")}`);
    const first = await post(`/projects/${p.projectId}/jobs`, {
      targets: [p.outputId],
      mode: "build-only-this",
    });
    const done = await waitForJob(p.projectId, first.data.id, key);
    expect(done.state).toBe("SUCCEEDED");
    expect(done.activities[0]).toMatchObject({ upToDate: false, remote: null, rowsWritten: 1 });

    // What the worker stores for a Databricks run (contracts RemoteRunInfoSchema).
    const remote = {
      connectionId: "dbxremote0000000000001",
      profileId: "profremote000000000001",
      clusterId: "0101-123456-abcdef12",
      sparkUiUrl: "https://adb-1.7.azuredatabricks.net/?o=1#setting/clusters/0101-123456-abcdef12/sparkUi",
      statements: 3,
      timings: { clusterStartMs: 1200, statementMs: 340, totalMs: 1600 },
    };
    await db.query(`UPDATE "JobActivity" SET remote = $1 WHERE "jobId" = $2`, [
      JSON.stringify(remote),
      first.data.id,
    ]);
    const one = await call(`/projects/${p.projectId}/jobs/${first.data.id}`, { as: key });
    expect(one.data.activities[0].remote).toEqual(remote);
    const listed = await call(`/projects/${p.projectId}/jobs`, { as: key });
    expect(listed.data.find((j: { id: string }) => j.id === first.data.id).activities[0].remote).toEqual(
      remote,
    );

    // An activity the worker found up to date ran no SQL: the API says so instead of "0 rows".
    await db.query(
      `UPDATE "JobActivity" SET "duckdbSql" = NULL, "sparkSql" = NULL, "rowsWritten" = 0 WHERE "jobId" = $1`,
      [first.data.id],
    );
    const skipped = await call(`/projects/${p.projectId}/jobs/${first.data.id}`, { as: key });
    expect(skipped.data.activities[0].upToDate).toBe(true);
  });
});
