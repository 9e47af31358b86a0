import { type Dirent, existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  admin,
  type Caller,
  call,
  createProject,
  hasStudio,
  loginAs,
  uniqueKey,
  waitForJob,
  withApiKey,
} from "./api-client.ts";

// Runs against the studio and worker that `npm test` starts (real Postgres, Redis, DuckDB).
const dataDir = process.env.SOUS_TEST_STACK_DATA_DIR ?? "";
const ORDERS =
  "customer,amount,day\nann,10.5,2024-01-01\nbob,3,2024-01-02\nann,4.5,2024-01-03\ncid,,2024-01-04\n";

describe.skipIf(!hasStudio)("REST API", () => {
  let session: Caller;
  let key: Caller;

  beforeAll(async () => {
    session = await loginAs(admin.email, admin.password);
    key = await withApiKey(session);
  });

  describe("auth", () => {
    it("refuses anonymous callers with the error shape", async () => {
      const r = await call("/projects");
      expect(r.status).toBe(401);
      expect(r.data.error.code).toBe("unauthenticated");
      expect(r.data.error.message).toMatch(/API key/);
    });

    it("refuses a second setup", async () => {
      const r = await call("/auth/setup", {
        method: "POST",
        json: { email: "x@y.io", name: "X", password: "0123456789ab" },
      });
      expect(r.status).toBe(409);
    });

    it("refuses a wrong password without saying which part was wrong", async () => {
      const r = await call("/auth/login", {
        method: "POST",
        json: { email: admin.email, password: "wrong-password" },
      });
      expect(r.status).toBe(401);
      expect(r.data.error.message).toBe("Wrong email or password.");
    });

    it("accepts an API key until it is revoked, and never lists the key itself", async () => {
      const created = await call("/me/api-keys", { method: "POST", json: { name: "temp" }, as: session });
      expect(created.status).toBe(201);
      const bearer = { headers: { authorization: `Bearer ${created.data.key}` } };
      expect((await call("/me", { as: bearer })).data.email).toBe(admin.email);
      const list = await call("/me/api-keys", { as: session });
      expect(JSON.stringify(list.data)).not.toContain(created.data.key);
      expect((await call(`/me/api-keys/${created.data.id}`, { method: "DELETE", as: session })).status).toBe(
        204,
      );
      expect((await call("/me", { as: bearer })).status).toBe(401);
    });

    it("records a key's last use, at most once a minute (not a database write per call)", async () => {
      const created = await call("/me/api-keys", { method: "POST", json: { name: "used" }, as: session });
      const bearer = { headers: { authorization: `Bearer ${created.data.key}` } };
      const lastUsed = async () => {
        const list = await call("/me/api-keys", { as: session });
        return list.data.find((k: { id: string }) => k.id === created.data.id).lastUsedAt as string | null;
      };
      expect(await lastUsed()).toBeNull();
      expect((await call("/me", { as: bearer })).status).toBe(200);
      // The write does not hold up the call: it lands just after.
      let first: string | null = null;
      for (let i = 0; i < 50 && !first; i++) {
        first = await lastUsed();
        if (!first) await new Promise((r) => setTimeout(r, 20));
      }
      expect(first).not.toBeNull();
      expect(Date.now() - Date.parse(first!)).toBeLessThan(60_000);
      for (let i = 0; i < 3; i++) expect((await call("/me", { as: bearer })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
      expect(await lastUsed()).toBe(first);
      await call(`/me/api-keys/${created.data.id}`, { method: "DELETE", as: session });
    });

    it("keeps the session cookie httpOnly", async () => {
      const r = await fetch(`${process.env.SOUS_TEST_STUDIO_URL}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(admin),
      });
      expect(r.headers.get("set-cookie")).toMatch(/HttpOnly/);
    });
  });

  describe("projects and permissions", () => {
    it("creates a project, refuses a duplicate key (409) and a malformed one (400 naming the field)", async () => {
      const k = uniqueKey("P");
      const r = await call("/projects", { method: "POST", json: { key: k, name: "One" }, as: key });
      expect(r.status).toBe(201);
      expect(r.data.role).toBe("OWNER");
      expect(
        (await call("/projects", { method: "POST", json: { key: k, name: "Two" }, as: key })).status,
      ).toBe(409);
      const bad = await call("/projects", { method: "POST", json: { key: "1 bad", name: "x" }, as: key });
      expect(bad.status).toBe(400);
      expect(bad.data.error.message).toMatch(/^key:/);
    });

    it("hides other people's projects (404) and refuses viewers' writes (403)", async () => {
      const project = (
        await call("/projects", {
          method: "POST",
          json: { key: uniqueKey("PRIV"), name: "Private" },
          as: key,
        })
      ).data;
      const email = `${uniqueKey("u").toLowerCase()}@example.com`;
      const created = await call("/admin/users", {
        method: "POST",
        json: { email, name: "Viewer", password: "a-long-password" },
        as: key,
      });
      expect(created.status).toBe(201);
      const other = await loginAs(email, "a-long-password");
      expect((await call(`/projects/${project.id}`, { as: other })).status).toBe(404);
      expect((await call(`/projects/${project.id}/datasets`, { as: other })).status).toBe(404);
      expect((await call("/admin/users", { as: other })).status).toBe(403);

      await call(`/projects/${project.id}/members`, {
        method: "PUT",
        json: { email, role: "VIEWER" },
        as: key,
      });
      expect((await call(`/projects/${project.id}`, { as: other })).data.role).toBe("VIEWER");
      const write = await call(`/projects/${project.id}/datasets?name=nope`, {
        method: "POST",
        body: ORDERS,
        as: other,
      });
      expect(write.status).toBe(403);
      expect(write.data.error.code).toBe("forbidden");
    });

    it("answers 404 for unknown ids", async () => {
      expect((await call("/projects/nope123", { as: key })).status).toBe(404);
      const p = (
        await call("/projects", { method: "POST", json: { key: uniqueKey("U"), name: "U" }, as: key })
      ).data;
      expect((await call(`/projects/${p.id}/datasets/nope`, { as: key })).status).toBe(404);
      expect((await call(`/projects/${p.id}/jobs/nope`, { as: key })).status).toBe(404);
      expect((await call(`/projects/${p.id}/recipes/nope`, { as: key })).status).toBe(404);
    });
  });

  describe("uploads", () => {
    let projectId: string;
    let ordersId: string;
    beforeAll(async () => {
      projectId = (await createProject(key, "Uploads", "UP")).id;
    });

    const upload = (name: string, body: BodyInit, contentType = "text/csv") =>
      call(`/projects/${projectId}/datasets?name=${encodeURIComponent(name)}`, {
        method: "POST",
        body,
        headers: { "content-type": contentType },
        as: key,
      });

    /** Nothing may remain of a refused upload: no dataset row, no version folder, no temp file. */
    async function expectNothingLeft() {
      const list = await call(`/projects/${projectId}/datasets`, { as: key });
      expect(list.data.map((d: { name: string }) => d.name)).toEqual(["orders"]);
      if (dataDir) {
        // Empty folders may stay (storage never prunes parents, to avoid racing a sibling
        // write); files may not: every file under the project belongs to "orders".
        const projectDir = path.join(dataDir, "storage", "projects", projectId);
        const files = (readdirSync(projectDir, { recursive: true, withFileTypes: true }) as Dirent[])
          .filter((e) => e.isFile())
          .map((e) => path.relative(projectDir, path.join(e.parentPath, e.name)));
        expect(files.length).toBeGreaterThan(0);
        expect(files.filter((f) => !f.startsWith(`datasets${path.sep}${ordersId}${path.sep}`))).toEqual([]);
        const tmp = path.join(dataDir, "tmp", "uploads");
        expect(existsSync(tmp) ? readdirSync(tmp) : []).toEqual([]);
      }
    }

    it("imports a CSV with inferred types and previews it", async () => {
      const r = await upload("orders", ORDERS);
      expect(r.status).toBe(201);
      ordersId = r.data.id;
      expect(r.data.schema).toEqual([
        { name: "customer", type: "string" },
        { name: "amount", type: "double" },
        { name: "day", type: "date" },
      ]);
      expect(r.data.currentVersion.rowCount).toBe(4);
      const p = await call(`/projects/${projectId}/datasets/${r.data.id}/preview?limit=2`, { as: key });
      expect(p.data.rows).toEqual([
        ["ann", 10.5, "2024-01-01"],
        ["bob", 3, "2024-01-02"],
      ]);
      expect(p.data.totalRows).toBe(4);
    });

    it("refuses a duplicate dataset name with 409", async () => {
      expect((await upload("orders", ORDERS)).status).toBe(409);
      await expectNothingLeft();
    });

    it("refuses an empty file", async () => {
      const r = await upload("empty", "");
      expect(r.status).toBe(400);
      expect(r.data.error.message).toMatch(/empty/);
      await expectNothingLeft();
    });

    it("refuses binary content", async () => {
      const r = await upload(
        "binary",
        new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x1a, 0x0a, 0x00]),
        "application/octet-stream",
      );
      expect(r.status).toBe(415);
      await expectNothingLeft();
    });

    it("refuses a non-CSV content type", async () => {
      const r = await upload("pdf", "%PDF-1.7", "application/pdf");
      expect(r.status).toBe(415);
      expect(r.data.error.message).toMatch(/application\/pdf/);
      await expectNothingLeft();
    });

    it("names duplicate column names", async () => {
      const r = await upload("dups", "a,b,A\n1,2,3\n");
      expect(r.status).toBe(400);
      expect(r.data.error.message).toMatch(/Duplicate column names.*a\/A/);
      await expectNothingLeft();
    });

    it("refuses a file over the configured limit with 413", async () => {
      const big = `x\n${"1234567\n".repeat(400_000)}`; // ~3.2 MB, the test limit is 2 MiB
      const r = await upload("big", big);
      expect(r.status).toBe(413);
      expect(r.data.error.message).toMatch(/upload limit/);
      await expectNothingLeft();
    });

    it("names the bad line of a ragged file", async () => {
      const r = await upload("ragged", "a,b\n1,2\n3,4,5\n");
      expect(r.status).toBe(400);
      expect(r.data.error.message).toMatch(/line 3/);
      await expectNothingLeft();
    });
  });

  describe("recipes and jobs: the vertical slice", () => {
    let projectId: string;
    let ordersId: string;
    beforeAll(async () => {
      projectId = (await createProject(key, "Slice", "SL")).id;
      ordersId = (
        await call(`/projects/${projectId}/datasets?name=orders`, {
          method: "POST",
          body: ORDERS,
          headers: { "content-type": "text/csv" },
          as: key,
        })
      ).data.id;
    });

    const groupSpec = {
      kind: "group",
      version: 1,
      params: {
        keys: ["customer"],
        aggregations: [{ column: "amount", fn: "sum", as: "total" }],
        globalCount: true,
      },
    };

    it("refuses an invalid recipe with 400 naming the field", async () => {
      const r = await call(`/projects/${projectId}/recipes`, {
        method: "POST",
        json: {
          name: "bad",
          inputs: [ordersId],
          output: { name: "bad_out" },
          spec: { kind: "group", version: 1, params: { aggregations: [] } },
        },
        as: key,
      });
      expect(r.status).toBe(400);
      expect(r.data.error.message).toMatch(/spec\.params\.keys/);
    });

    it("refuses a recipe on an unknown column, naming it", async () => {
      const spec = { ...groupSpec, params: { ...groupSpec.params, keys: ["nope"] } };
      const r = await call(`/projects/${projectId}/recipes`, {
        method: "POST",
        json: { name: "bad2", inputs: [ordersId], output: { name: "bad2_out" }, spec },
        as: key,
      });
      expect(r.status).toBe(422);
      expect(r.data.error.message).toMatch(/nope/);
      const names = (await call(`/projects/${projectId}/datasets`, { as: key })).data.map(
        (d: { name: string }) => d.name,
      );
      expect(names).not.toContain("bad2_out");
    });

    it("creates a group recipe, runs it on the worker and publishes the output", async () => {
      const created = await call(`/projects/${projectId}/recipes`, {
        method: "POST",
        json: {
          name: "by_customer",
          inputs: [ordersId],
          output: { name: "orders_by_customer" },
          spec: groupSpec,
        },
        as: key,
      });
      expect(created.status).toBe(201);
      const outputId = created.data.outputs[0];

      const compiled = await call(`/projects/${projectId}/recipes/${created.data.id}/compile?engine=spark`, {
        as: key,
      });
      expect(compiled.data.sql).toMatch(/GROUP BY\s+`customer`/);
      const posted = await call(`/projects/${projectId}/recipes/${created.data.id}/compile?engine=duckdb`, {
        method: "POST",
        as: key,
      });
      expect(posted.status).toBe(200);
      expect(posted.data.sql).toMatch(/GROUP BY\s+"customer"/);
      expect(compiled.data.outputSchemas[0]).toEqual([
        { name: "customer", type: "string" },
        { name: "count", type: "bigint" },
        { name: "total", type: "double" },
      ]);

      const job = await call(`/projects/${projectId}/jobs`, {
        method: "POST",
        json: { targets: [outputId] },
        as: key,
      });
      expect(job.status).toBe(201);
      expect(job.data.state).toBe("QUEUED");
      const done = await waitForJob(projectId, job.data.id, key);
      expect(done.state).toBe("SUCCEEDED");
      expect(done.activities[0].rowsWritten).toBe(3);
      expect(done.activities[0].sparkSql).toMatch(/`customer`/);
      expect(done.activities[0].duckdbSql).toMatch(/^COPY/);

      const rows = (await call(`/projects/${projectId}/datasets/${outputId}/preview`, { as: key })).data.rows;
      const sorted = [...rows].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      // Spark: sum ignores nulls, sum over only nulls is null; count(*) counts rows.
      expect(sorted).toEqual([
        ["ann", 2, 15],
        ["bob", 1, 3],
        ["cid", 1, null],
      ]);

      const flow = (await call(`/projects/${projectId}/flow`, { as: key })).data;
      expect(flow.nodes.find((n: { id: string }) => n.id === outputId).state).toBe("built");
      expect(flow.edges).toEqual(
        expect.arrayContaining([
          { source: ordersId, target: created.data.id },
          { source: created.data.id, target: outputId },
        ]),
      );
    });

    it("refuses a stale recipe update with 409", async () => {
      const r = await call(`/projects/${projectId}/recipes`, {
        method: "POST",
        json: { name: "concurrent", inputs: [ordersId], output: { name: "concurrent_out" }, spec: groupSpec },
        as: key,
      });
      const url = `/projects/${projectId}/recipes/${r.data.id}`;
      const first = await call(url, { method: "PUT", json: { revision: 1, name: "concurrent2" }, as: key });
      expect(first.status).toBe(200);
      expect(first.data.revision).toBe(2);
      const stale = await call(url, { method: "PUT", json: { revision: 1, name: "concurrent3" }, as: key });
      expect(stale.status).toBe(409);
      expect((await call(url, { as: key })).data.name).toBe("concurrent2");
    });

    it("refuses to build a dataset no recipe writes", async () => {
      const r = await call(`/projects/${projectId}/jobs`, {
        method: "POST",
        json: { targets: [ordersId] },
        as: key,
      });
      expect(r.status).toBe(400);
      expect(r.data.error.message).toMatch(/not the output of any recipe/);
    });

    it("saves flow positions", async () => {
      const put = await call(`/projects/${projectId}/flow/layout`, {
        method: "PUT",
        json: { positions: [{ nodeId: ordersId, x: 12, y: 34 }] },
        as: key,
      });
      expect(put.status).toBe(200);
      const flow = (await call(`/projects/${projectId}/flow`, { as: key })).data;
      expect(flow.nodes.find((n: { id: string }) => n.id === ordersId).position).toEqual({ x: 12, y: 34 });
    });
  });

  it("publishes an OpenAPI 3.1 document generated from the endpoint schemas", async () => {
    const r = await call("/openapi.json");
    expect(r.data.openapi).toBe("3.1.0");
    const upload = r.data.paths["/projects/{projectId}/datasets"].post;
    expect(upload.parameters.map((p: { name: string }) => p.name)).toEqual(["projectId", "name", "options"]);
    const create = r.data.paths["/projects"].post.requestBody.content["application/json"].schema;
    expect(create.required).toEqual(expect.arrayContaining(["key", "name"]));
  });
});
