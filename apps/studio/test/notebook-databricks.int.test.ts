// SQL notebooks on a Databricks engine (issue #17) through the REST API of the studio that
// `npm test` starts, against the Databricks emulator on real local Spark mounting the studio's own
// storage: a cell joining two datasets runs on a cluster of the profile (created, waited for, with
// progress), gives the rows the local engine gives (10,000 of them, the full count), Spark's
// analysis errors come back at their place in the cell, what a SQL recipe may not do is refused
// before the cluster, and closing the request cancels the statement on the cluster.
import { randomBytes } from "node:crypto";
import { type DatabricksEmulator, startDatabricksEmulator } from "@sous/databricks-emulator";
import { sparkLocalAvailability } from "@sous/spark-local";
import { localStorageRoot } from "@sous/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin, type Caller, call, hasStudio, loginAs, uniqueKey, withApiKey } from "./api-client.ts";

const TOKEN = `dapi${randomBytes(10).toString("hex")}`;
const ORDERS = 12_000;
const dataDir = process.env.SOUS_TEST_STACK_DATA_DIR ?? "";
const spark = sparkLocalAvailability();

function ordersCsv(): string {
  const lines = ["order_id,customer_id,amount"];
  for (let i = 1; i <= ORDERS; i++) lines.push(`${i},${i % 90},${(i * 7) % 100}`);
  return `${lines.join("\n")}\n`;
}

function customersCsv(): string {
  const lines = ["customer_id,region"];
  for (let c = 0; c < 80; c++) lines.push(`${c},${["north", "south", "east", "west"][c % 4]}`);
  return `${lines.join("\n")}\n`;
}

const JOIN = [
  "SELECT o.order_id, c.region, o.amount",
  "FROM orders o JOIN customers c ON o.customer_id = c.customer_id",
  "WHERE o.amount > 5",
  "ORDER BY o.order_id",
].join("\n");

describe.skipIf(!hasStudio || !dataDir || !spark.ok)(
  "SQL notebooks on Databricks (emulator)",
  {
    timeout: 240_000,
  },
  () => {
    let emu: DatabricksEmulator;
    let key: Caller;
    let projectId: string;
    let notebookId: string;
    let engine: { kind: "databricks"; connectionId: string; profileId: string };
    const post = (p: string, json?: unknown) => call(p, { method: "POST", json: json ?? {}, as: key });
    const put = (p: string, json: unknown) => call(p, { method: "PUT", json, as: key });
    const get = (p: string) => call(p, { as: key });
    const onSpark = async () =>
      expect((await put(`/projects/${projectId}/notebooks/${notebookId}/engine`, { engine })).status).toBe(
        200,
      );
    const run = (cell: string, sql: string) =>
      post(`/projects/${projectId}/notebooks/${notebookId}/cells/${cell}/run`, { sql });

    beforeAll(async () => {
      emu = await startDatabricksEmulator({
        token: TOKEN,
        // The connection mounts the installation's own storage: nothing to upload.
        mounts: { "dbfs:/mnt/sous": localStorageRoot(dataDir) },
        clusterStartDelayMs: 500,
      });
      key = await withApiKey(await loginAs(admin.email, admin.password));
      const c = await post("/admin/databricks/connections", {
        name: `nb ${uniqueKey("C")}`,
        workspaceUrl: emu.url,
        token: TOKEN,
        storagePrefix: "dbfs:/mnt/sous",
        storage: { kind: "installation" },
      });
      expect(c.status).toBe(201);
      const p = await post(`/admin/databricks/connections/${c.data.id}/profiles`, {
        name: "notebooks",
        spec: {
          spark_version: "15.4.x-scala2.12",
          node_type_id: "Standard_DS3_v2",
          num_workers: 1,
          autotermination_minutes: 10,
        },
      });
      expect(p.status).toBe(201);
      engine = { kind: "databricks", connectionId: c.data.id, profileId: p.data.id };
      projectId = (await post("/projects", { key: uniqueKey("NBDB"), name: "Notebooks on Spark" })).data.id;
      for (const [name, csv] of [
        ["orders", ordersCsv()],
        ["customers", customersCsv()],
      ] as const) {
        const r = await call(`/projects/${projectId}/datasets?name=${name}`, {
          method: "POST",
          body: csv,
          headers: { "content-type": "text/csv" },
          as: key,
        });
        expect(r.status).toBe(201);
      }
      const nb = await post(`/projects/${projectId}/notebooks`, {
        name: "On Spark",
        cells: [{ id: "join", sql: JOIN }],
      });
      expect(nb.status).toBe(201);
      notebookId = nb.data.id;
    });
    afterAll(async () => {
      await emu?.stop();
    });

    it("switches the notebook to a compute profile, and refuses one that does not exist", async () => {
      const base = `/projects/${projectId}/notebooks/${notebookId}/engine`;
      expect((await get(base)).data).toEqual({ engine: { kind: "local" } });
      const bad = await put(base, { engine: { ...engine, profileId: "nosuchprofile" } });
      expect(bad.status).toBe(400);
      expect(bad.data.error.message).toMatch(/no such Databricks connection/);
      const ok = await put(base, { engine });
      expect(ok.status).toBe(200);
      expect((await get(base)).data).toEqual({ engine });
    });

    it("runs a cell reading two datasets on the cluster: the rows of the local engine, 10,000 shown, the full count", async () => {
      const remote = await run("join", JOIN);
      expect(remote.status, JSON.stringify(remote.data)).toBe(200);
      expect(remote.data.status).toBe("ok");
      // The statement reached Spark with the datasets at their cluster paths under the mount.
      const sent = emu.statements.find((s) => s.includes("JOIN customers c"));
      expect(sent).toMatch(/parquet\.`dbfs:\/mnt\/sous\/projects\/[^`]+`/);
      const progress = await get(`/projects/${projectId}/notebooks/${notebookId}/cells/join/progress`);
      expect(progress.data.running).toBe(false);
      const said = progress.data.lines.join("\n");
      expect(said).toMatch(/Running on Databricks \(nb C_\w+, notebooks\)/);
      expect(said).toMatch(/cluster/i);
      expect(said).toMatch(/Done on cluster/);

      // The same cell on the local engine: the same rows, count and column names.
      expect(
        (await put(`/projects/${projectId}/notebooks/${notebookId}/engine`, { engine: { kind: "local" } }))
          .status,
      ).toBe(200);
      const local = await run("join", JOIN);
      expect(local.data.status).toBe("ok");
      expect(local.data.rowCount).toBeGreaterThan(10_000);
      expect(remote.data.rowCount).toBe(local.data.rowCount);
      expect(remote.data.truncated).toBe(true);
      expect(remote.data.rows).toHaveLength(10_000);
      expect(remote.data.rows).toEqual(local.data.rows);
      expect(remote.data.columns.map((c: { name: string }) => c.name)).toEqual([
        "order_id",
        "region",
        "amount",
      ]);
      expect(remote.data.columns.map((c: { engineType: string }) => c.engineType)).toEqual([
        "BIGINT",
        "STRING",
        "BIGINT",
      ]);
    });

    it("gives Spark's analysis error at its place in the cell", async () => {
      await onSpark();
      const r = await run("bad", "SELECT o.order_id,\n  o.nope\nFROM orders o");
      expect(r.status).toBe(400);
      expect(r.data.error.message).toMatch(/^The query failed on Databricks: \[UNRESOLVED_COLUMN/);
      // `o.nope` starts at line 2, column 3 of the cell (Spark: line 2+bindings, pos 2).
      expect(r.data.error.details.problems[0]).toMatchObject({ line: 2, column: 3 });
    });

    it("refuses before the cluster what a SQL recipe may not do", async () => {
      await onSpark();
      const before = emu.statements.length;
      const r = await run("path", "SELECT * FROM parquet.`dbfs:/mnt/sous/projects`");
      expect(r.status).toBe(422);
      expect(r.data.error.details.problems[0]).toMatchObject({ line: 1 });
      expect(emu.statements.length).toBe(before);
    });

    it("cancels the statement on the cluster when the request is closed", async () => {
      await onSpark();
      const sql = "SELECT count(*) FROM orders a CROSS JOIN orders b CROSS JOIN orders c";
      // Results are kept for the notebook's cells: the slow one is one.
      const nb = await get(`/projects/${projectId}/notebooks/${notebookId}`);
      const cells = [...nb.data.cells, { id: "slow", sql }];
      expect(
        (await put(`/projects/${projectId}/notebooks/${notebookId}`, { version: nb.data.version, cells }))
          .status,
      ).toBe(200);
      const ac = new AbortController();
      const started = fetch(
        `${process.env.SOUS_TEST_STUDIO_URL}/api/v1/projects/${projectId}/notebooks/${notebookId}/cells/slow/run`,
        {
          method: "POST",
          headers: { ...key.headers, "content-type": "application/json" },
          body: JSON.stringify({ sql }),
          signal: ac.signal,
        },
      ).catch(() => null);
      const deadline = Date.now() + 120_000;
      while (!emu.statements.some((s) => s.includes("CROSS JOIN orders c")) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      const said = await get(`/projects/${projectId}/notebooks/${notebookId}/cells/slow/progress`);
      expect(
        emu.statements.some((s) => s.includes("CROSS JOIN orders c")),
        JSON.stringify(said.data),
      ).toBe(true);
      await new Promise((r) => setTimeout(r, 500));
      ac.abort();
      await started;
      const storedBy = Date.now() + 30_000;
      let stored: { status: string; message?: string } | undefined;
      while (Date.now() < storedBy) {
        stored = (await get(`/projects/${projectId}/notebooks/${notebookId}`)).data.results.slow;
        if (stored) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const after = await get(`/projects/${projectId}/notebooks/${notebookId}/cells/slow/progress`);
      expect(stored, JSON.stringify(after.data)).toMatchObject({
        status: "error",
        message: "The run was cancelled.",
      });
      // The cluster was told: the statement is among those the client cancelled.
      while (!emu.cancelled.some((s) => s.includes("CROSS JOIN orders c")) && Date.now() < storedBy)
        await new Promise((r) => setTimeout(r, 100));
      expect(emu.cancelled.some((s) => s.includes("CROSS JOIN orders c"))).toBe(true);
    });
  },
);
