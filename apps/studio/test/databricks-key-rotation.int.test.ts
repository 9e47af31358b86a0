// SOUS_SECRET_KEY rotated: tokens sealed under the old key cannot be opened any more. The
// settings API and page must keep working (the token shows as "set, but unreadable with the
// current key: re-enter it"), the engine options say so to project members, a job on that
// connection fails with the same words, and re-entering the token fixes it.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { createSecretBox } from "@sous/config";
import { connectionSecretContext } from "@sous/databricks";
import { type DatabricksEmulator, startDatabricksEmulator } from "@sous/databricks-emulator";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  admin,
  type Caller,
  call,
  hasStudio,
  loginAs,
  studioUrl,
  uniqueKey,
  waitForJob,
} from "./api-client.ts";

const OLD_TOKEN = `dapi${randomBytes(12).toString("hex")}`;
const NEW_TOKEN = `dapi${randomBytes(12).toString("hex")}`;
const UNREADABLE = /set, but unreadable with the current key.*re-enter it/;

describe.skipIf(!hasStudio || !process.env.SOUS_TEST_DATABASE_URL || !process.env.SOUS_TEST_STACK_DATA_DIR)(
  "Databricks tokens after a key rotation",
  () => {
    let emu: DatabricksEmulator;
    let session: Caller;
    const db = new pg.Client({ connectionString: process.env.SOUS_TEST_DATABASE_URL });
    const seen: string[] = [];
    const get = async (p: string, opts: Parameters<typeof call>[1] = {}) => {
      const r = await call(p, { as: session, ...opts });
      seen.push(JSON.stringify(r.data));
      return r;
    };
    let connectionId = "";
    let projectId = "";
    let targetId = "";
    const name = `rotated ${uniqueKey("K")}`;

    beforeAll(async () => {
      // The workspace accepts only the token re-entered after the rotation.
      emu = await startDatabricksEmulator({
        token: NEW_TOKEN,
        mounts: { "dbfs:/mnt/sous": path.join(process.env.SOUS_TEST_STACK_DATA_DIR ?? "", "storage") },
      });
      session = await loginAs(admin.email, admin.password);
      await db.connect();
      const c = await get("/admin/databricks/connections", {
        method: "POST",
        json: {
          name,
          workspaceUrl: emu.url,
          token: OLD_TOKEN,
          storagePrefix: "dbfs:/mnt/sous",
          storage: { kind: "installation" },
        },
      });
      expect(c.status).toBe(201);
      connectionId = c.data.id;
      const p = await get(`/admin/databricks/connections/${connectionId}/profiles`, {
        method: "POST",
        json: { name: "small", spec: { spark_version: "15.4.x-scala2.12", num_workers: 1 } },
      });
      expect(p.status).toBe(201);
      // The rotation: the stored secret is now one the studio's key cannot open.
      const sealed = createSecretBox(randomBytes(32).toString("base64")).seal(
        JSON.stringify({ token: OLD_TOKEN }),
        connectionSecretContext(connectionId),
      );
      await db.query(`UPDATE "Connection" SET secret = $1 WHERE id = $2`, [sealed, connectionId]);

      const project = await get("/projects", {
        method: "POST",
        json: { key: uniqueKey("ROT"), name: "rotated" },
      });
      projectId = project.data.id;
      const engine = { kind: "databricks", connectionId, profileId: p.data.id };
      expect((await get(`/projects/${projectId}/engine`, { method: "PUT", json: { engine } })).status).toBe(
        200,
      );
      const ds = await get(`/projects/${projectId}/datasets?name=sales`, {
        method: "POST",
        body: "region,amount\nnorth,1\nsouth,2\nnorth,5\n",
        headers: { "content-type": "text/csv" },
      });
      const recipe = await get(`/projects/${projectId}/recipes`, {
        method: "POST",
        json: {
          name: "by_region",
          inputs: [ds.data.id],
          output: { name: "sales_by_region" },
          spec: {
            kind: "group",
            version: 1,
            params: { keys: ["region"], aggregations: [{ column: "amount", fn: "sum", as: "total" }] },
          },
        },
      });
      expect(recipe.status).toBe(201);
      targetId = recipe.data.outputs[0];
    }, 60_000);
    afterAll(async () => {
      if (connectionId)
        // force: the project this test ran on still uses it.
        await call(`/admin/databricks/connections/${connectionId}?force=true`, {
          method: "DELETE",
          as: session,
        });
      await db.end().catch(() => {});
      await emu?.stop();
    });

    it("the settings API and page answer, showing the token as set but unreadable", async () => {
      const list = await get("/admin/databricks/connections");
      expect(list.status).toBe(200);
      const mine = list.data.find((c: { id: string }) => c.id === connectionId);
      expect(mine.token).toEqual({ set: true, last4: OLD_TOKEN.slice(-4), unreadable: true });
      const one = await get(`/admin/databricks/connections/${connectionId}`);
      expect(one.status).toBe(200);
      expect(one.data.token.unreadable).toBe(true);

      const page = await fetch(`${studioUrl}/admin/databricks`, { headers: session.headers });
      expect(page.status).toBe(200);
      const html = await page.text();
      seen.push(html);
      expect(html).toContain("set, but unreadable with the current key: re-enter it");

      const test = await get(`/admin/databricks/connections/${connectionId}/test`, { method: "POST" });
      expect(test.status).toBe(200);
      expect(test.data.ok).toBe(false);
      expect(test.data.checks[0]).toMatchObject({ name: "token", ok: false });
      expect(test.data.checks[0].message).toMatch(UNREADABLE);

      // Members picking an engine are told too.
      const options = await get(`/projects/${projectId}/engine/options`);
      expect(options.status).toBe(200);
      expect(options.data.connections.find((c: { id: string }) => c.id === connectionId)).toMatchObject({
        tokenState: "unreadable",
        profiles: [{ name: "small" }],
      });
      const flow = await fetch(`${studioUrl}/projects/${projectId}`, { headers: session.headers });
      expect(flow.status).toBe(200);
      const flowHtml = await flow.text();
      seen.push(flowHtml);
      expect(flowHtml).toContain("unreadable with the current key");

      // Changing something else without re-entering the token is refused with the same advice.
      const rename = await get(`/admin/databricks/connections/${connectionId}`, {
        method: "PUT",
        json: { name: `${name} 2` },
      });
      expect(rename.status).toBe(400);
      expect(rename.data.error.message).toMatch(UNREADABLE);
    });

    it("a job on that connection fails with the re-enter message; after re-entering the token it runs", async () => {
      const job = await get(`/projects/${projectId}/jobs`, { method: "POST", json: { targets: [targetId] } });
      expect(job.status).toBe(201);
      const failed = await waitForJob(projectId, job.data.id, session, 60_000);
      seen.push(JSON.stringify(failed));
      expect(failed.state).toBe("FAILED");
      expect(failed.error).toMatch(
        /Recipe by_region failed on Databricks: .*unreadable with the current key.*re-enter it/,
      );
      const logs = await get(`/projects/${projectId}/jobs/${job.data.id}/logs`);
      expect(JSON.stringify(logs.data)).toMatch(UNREADABLE);

      const fixed = await get(`/admin/databricks/connections/${connectionId}`, {
        method: "PUT",
        json: { token: NEW_TOKEN },
      });
      expect(fixed.status).toBe(200);
      expect(fixed.data.token).toEqual({ set: true, last4: NEW_TOKEN.slice(-4), unreadable: false });
      const options = await get(`/projects/${projectId}/engine/options`);
      expect(options.data.connections.find((c: { id: string }) => c.id === connectionId).tokenState).toBe(
        "ready",
      );
      const again = await get(`/projects/${projectId}/jobs`, {
        method: "POST",
        json: { targets: [targetId] },
      });
      const ok = await waitForJob(projectId, again.data.id, session, 90_000);
      seen.push(JSON.stringify(ok));
      expect(ok.state, ok.error).toBe("SUCCEEDED");
      expect(ok.activities[0].engine).toBe(
        `databricks:${connectionId}:${ok.activities[0].engine.split(":")[2]}`,
      );
    });

    it("neither token appears in any response or page", () => {
      const all = seen.join("\n");
      expect(all).not.toContain(OLD_TOKEN);
      expect(all).not.toContain(NEW_TOKEN);
    });
  },
);
