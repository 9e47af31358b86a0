import { randomBytes } from "node:crypto";
import { type DatabricksEmulator, startDatabricksEmulator } from "@sous/databricks-emulator";
import { sparkLocalAvailability } from "@sous/spark-local";
import { localStorageRoot } from "@sous/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, hasStudio, studioUrl, uniqueKey } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// The same SQL notebook switched to the emulator (issue #17): the coder picks the Databricks
// compute profile beside Save, runs the cell joining two datasets, sees the cluster start as the
// cell's progress, then the grid of rows Spark computed (the statement reached the emulator's
// Spark with the datasets' mount paths).

const TOKEN = `dapi${randomBytes(10).toString("hex")}`;
const dataDir = process.env.SOUS_TEST_STACK_DATA_DIR ?? "";

const JOIN = [
  "SELECT c.region, count(*) AS orders, sum(o.amount) AS total",
  "FROM orders o JOIN customers c ON o.customer_id = c.customer_id",
  "GROUP BY c.region",
  "ORDER BY c.region",
].join("\n");

describe.skipIf(!hasStudio || !dataDir || !sparkLocalAvailability().ok)(
  "SQL notebook on the emulator",
  () => {
    const studio = useStudio();
    let emu: DatabricksEmulator;
    beforeAll(async () => {
      emu = await startDatabricksEmulator({
        token: TOKEN,
        mounts: { "dbfs:/mnt/sous": localStorageRoot(dataDir) },
        // A visible cold start: the cell shows the cluster wait before the rows.
        clusterStartDelayMs: 4_000,
      });
    });
    afterAll(async () => {
      await emu?.stop();
    });

    it("switches a notebook to the Databricks engine and runs a cell over two datasets on Spark", {
      timeout: 240_000,
    }, async () => {
      const post = (p: string, json: unknown) => call(p, { method: "POST", json, as: studio.key });
      const name = `Spark ${uniqueKey("E")}`;
      const c = await post("/admin/databricks/connections", {
        name,
        workspaceUrl: emu.url,
        token: TOKEN,
        storagePrefix: "dbfs:/mnt/sous",
        storage: { kind: "installation" },
      });
      expect(c.status).toBe(201);
      const p = await post(`/admin/databricks/connections/${c.data.id}/profiles`, {
        name: "notebooks",
        spec: { spark_version: "15.4.x-scala2.12", node_type_id: "Standard_DS3_v2", num_workers: 1 },
      });
      expect(p.status).toBe(201);
      const orders = ["order_id,customer_id,amount"];
      for (let i = 1; i <= 12_000; i++) orders.push(`${i},${i % 40},${(i * 13) % 200}`);
      const customers = ["customer_id,region"];
      for (let k = 0; k < 40; k++) customers.push(`${k},${["north", "south", "east", "west"][k % 4]}`);
      const { projectId } = await studio.project(
        "Notebook on Spark",
        { orders: `${orders.join("\n")}\n`, customers: `${customers.join("\n")}\n` },
        "NBS",
      );
      const nb = await post(`/projects/${projectId}/notebooks`, {
        name: "Orders by region",
        cells: [{ id: "join", sql: JOIN }],
      });
      expect(nb.status).toBe(201);

      const { page, errors } = await studio.page({ viewport: { width: 1440, height: 1000 } });
      await page.goto(`${studioUrl}/projects/${projectId}/notebooks/${nb.data.id}`);
      await expect(page.getByTestId("notebook-engine-kind").textContent()).resolves.toBe("local");
      await page.getByTestId("notebook-engine-select").selectOption(`databricks:${c.data.id}:${p.data.id}`);
      await expect
        .poll(() => page.getByTestId("notebook-engine-kind").textContent())
        .toBe("Spark on Databricks");

      await page.getByTestId("cell-run").click();
      // The cluster is created for the profile and waited for: the cell says so while it runs.
      await expect
        .poll(() => page.getByTestId("cell-progress").textContent(), { timeout: 60_000 })
        .toMatch(/cluster/i);
      await screenshot(page, "notebook-databricks-starting");
      await page.getByTestId("cell-grid").waitFor({ timeout: 180_000 });
      await expect(page.getByTestId("cell-row-count").textContent()).resolves.toBe("4 rows");
      const rows = await page.getByTestId("cell-grid").locator("tbody tr").allInnerTexts();
      expect(rows.map((r) => r.split("\t").slice(1, 3))).toEqual([
        ["east", "3000"],
        ["north", "3000"],
        ["south", "3000"],
        ["west", "3000"],
      ]);
      await screenshot(page, "notebook-databricks");
      expect(
        emu.statements.some((s) => s.includes("JOIN customers c") && s.includes("dbfs:/mnt/sous/")),
      ).toBe(true);
      // The choice is the notebook's: it is still there after a reload.
      await page.reload();
      await expect(page.getByTestId("notebook-engine-kind").textContent()).resolves.toBe(
        "Spark on Databricks",
      );
      expect(errors).toEqual([]);
    });
  },
);
