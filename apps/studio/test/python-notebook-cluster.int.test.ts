// A Python notebook attached to a Databricks cluster (issue #17), through the REST API of the
// studio that `npm test` starts, against the emulator on real local Spark: the attach creates a
// cluster for the profile and waits for it, PySpark cells run there with their state kept between
// cells, a DataFrame comes back as a table, SQL cells run in the same context, errors come back as
// nbformat errors with their trace; the attachment is the caller's own; detach ends it.
import { randomBytes } from "node:crypto";
import { type DatabricksEmulator, startDatabricksEmulator } from "@sous/databricks-emulator";
import { sparkLocalAvailability } from "@sous/spark-local";
import { localStorageRoot } from "@sous/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin, type Caller, call, hasStudio, loginAs, uniqueKey, withApiKey } from "./api-client.ts";

const TOKEN = `dapi${randomBytes(10).toString("hex")}`;
const dataDir = process.env.SOUS_TEST_STACK_DATA_DIR ?? "";

describe.skipIf(!hasStudio || !dataDir || !sparkLocalAvailability().ok)(
  "Python notebook attached to a cluster (emulator)",
  { timeout: 240_000 },
  () => {
    let emu: DatabricksEmulator;
    let key: Caller;
    let other: Caller;
    let projectId: string;
    let base: string;
    let choice: { connectionId: string; profileId: string };
    const post = (p: string, json?: unknown, as = key) => call(p, { method: "POST", json: json ?? {}, as });
    const exec = (code: string, language?: "python" | "sql", as = key) =>
      post(`${base}/cluster/execute`, { code, ...(language ? { language } : {}) }, as);

    beforeAll(async () => {
      emu = await startDatabricksEmulator({
        token: TOKEN,
        mounts: { "dbfs:/mnt/sous": localStorageRoot(dataDir) },
        clusterStartDelayMs: 500,
      });
      key = await withApiKey(await loginAs(admin.email, admin.password));
      const c = await post("/admin/databricks/connections", {
        name: `py ${uniqueKey("C")}`,
        workspaceUrl: emu.url,
        token: TOKEN,
        storagePrefix: "dbfs:/mnt/sous",
        storage: { kind: "installation" },
      });
      expect(c.status).toBe(201);
      const p = await post(`/admin/databricks/connections/${c.data.id}/profiles`, {
        name: "python",
        spec: { spark_version: "15.4.x-scala2.12", node_type_id: "Standard_DS3_v2", num_workers: 1 },
      });
      expect(p.status).toBe(201);
      choice = { connectionId: c.data.id, profileId: p.data.id };
      projectId = (await post("/projects", { key: uniqueKey("PYDB"), name: "PySpark" })).data.id;
      const nb = await post(`/projects/${projectId}/python-notebooks`, { name: "On the cluster" });
      expect(nb.status).toBe(201);
      base = `/projects/${projectId}/python-notebooks/${nb.data.id}`;
      // Another editor of the project.
      const email = `${uniqueKey("pyed").toLowerCase()}@example.com`;
      expect(
        (await post("/admin/users", { email, name: "Editor", password: "a-long-password", role: "USER" }))
          .status,
      ).toBe(201);
      expect(
        (
          await call(`/projects/${projectId}/members`, {
            method: "PUT",
            json: { email, role: "EDITOR" },
            as: key,
          })
        ).status,
      ).toBe(200);
      other = await withApiKey(await loginAs(email, "a-long-password"));
    });
    afterAll(async () => {
      await emu?.stop();
    });

    it("attaches to a cluster of the profile: created and waited for, then a context on it", async () => {
      expect((await call(`${base}/cluster`, { as: key })).data).toEqual({ attached: false });
      const notAttached = await exec("1 + 1");
      expect(notAttached.status).toBe(409);
      const r = await post(`${base}/cluster`, choice);
      expect(r.status, JSON.stringify(r.data)).toBe(200);
      expect(r.data).toMatchObject({
        attached: true,
        action: "created",
        label: expect.stringMatching(/ · python$/),
      });
      expect(emu.clusterState(r.data.clusterId)).toBe("RUNNING");
      expect(r.data.log.join("\n")).toMatch(/execution context on cluster/);
    });

    it("runs a PySpark cell on the cluster: spark.range(5).count()", async () => {
      const r = await exec("spark.range(5).count()");
      expect(r.status, JSON.stringify(r.data)).toBe(200);
      expect(r.data).toMatchObject({
        status: "ok",
        executionCount: 1,
        outputs: [{ output_type: "execute_result", data: { "text/plain": "5" } }],
      });
    });

    it("keeps state between cells, gives a DataFrame as a table, runs SQL in the same context", async () => {
      expect((await exec("df = spark.range(4).selectExpr('id', 'id * id AS square')")).data.status).toBe(
        "ok",
      );
      const t = await exec("df.orderBy('id')");
      const html = t.data.outputs[0].data["text/html"] as string;
      expect(html).toContain('<th title="long">square</th>');
      expect(html).toContain("<tr><td>3</td><td>9</td></tr>");
      const sql = await exec("SELECT explode(sequence(1, 3)) AS n", "sql");
      expect(sql.data.outputs[0].data["text/plain"]).toBe("n\n1\n2\n3");
    });

    it("gives a failing cell as an nbformat error with its trace", async () => {
      const r = await exec("print('half way')\nspark.range(3).count() / 0");
      expect(r.data.status).toBe("error");
      expect(r.data.outputs[0]).toEqual({ output_type: "stream", name: "stdout", text: "half way\n" });
      expect(r.data.outputs[1]).toMatchObject({
        output_type: "error",
        ename: "ZeroDivisionError",
        evalue: "division by zero",
      });
      expect(r.data.outputs[1].traceback.join("\n")).toContain("Traceback");
    });

    it("is the caller's own attachment, and detach ends it", async () => {
      expect((await call(`${base}/cluster`, { as: other })).data).toEqual({ attached: false });
      expect((await exec("df.count()", undefined, other)).status).toBe(409);
      const d = await call(`${base}/cluster`, { method: "DELETE", as: key });
      expect(d.data).toEqual({ attached: false });
      expect((await exec("df.count()")).status).toBe(409);
    });
  },
);
