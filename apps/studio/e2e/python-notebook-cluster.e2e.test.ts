import { randomBytes } from "node:crypto";
import { type DatabricksEmulator, startDatabricksEmulator } from "@sous/databricks-emulator";
import { sparkLocalAvailability } from "@sous/spark-local";
import { localStorageRoot } from "@sous/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, hasStudio, studioUrl, uniqueKey } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// A Python notebook attached to the emulator's cluster (issue #17): the coder picks the compute
// profile, attaches (the cluster is created and waited for), and a PySpark cell runs on the
// cluster's Spark, its value under the cell; Detach goes back to the local kernel.

const TOKEN = `dapi${randomBytes(10).toString("hex")}`;
const dataDir = process.env.SOUS_TEST_STACK_DATA_DIR ?? "";

describe.skipIf(!hasStudio || !dataDir || !sparkLocalAvailability().ok)(
  "Python notebook on a cluster",
  () => {
    const studio = useStudio();
    let emu: DatabricksEmulator;
    beforeAll(async () => {
      emu = await startDatabricksEmulator({
        token: TOKEN,
        mounts: { "dbfs:/mnt/sous": localStorageRoot(dataDir) },
        clusterStartDelayMs: 1_000,
      });
    });
    afterAll(async () => {
      await emu?.stop();
    });

    it("attaches to a cluster and runs a PySpark cell there", { timeout: 240_000 }, async () => {
      const post = (p: string, json: unknown) => call(p, { method: "POST", json, as: studio.key });
      const c = await post("/admin/databricks/connections", {
        name: `PySpark ${uniqueKey("E")}`,
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
      const { projectId } = await studio.project("PySpark on a cluster", {}, "PYC");
      const nb = await post(`/projects/${projectId}/python-notebooks`, {
        name: "Spark cells",
        ipynb: {
          nbformat: 4,
          nbformat_minor: 5,
          metadata: {},
          cells: [
            {
              cell_type: "code",
              id: "cell1",
              source: "df = spark.range(5)\nprint('on', spark.version)\ndf.count()",
              metadata: {},
              outputs: [],
              execution_count: null,
            },
          ],
        },
      });
      expect(nb.status, JSON.stringify(nb.data)).toBe(201);

      const { page, errors } = await studio.page({ viewport: { width: 1440, height: 900 } });
      await page.goto(`${studioUrl}/projects/${projectId}/python-notebooks/${nb.data.id}`);
      await page.getByTestId("cluster-attach-select").selectOption(`${c.data.id}:${p.data.id}`);
      await page.getByTestId("cluster-attach").click();
      await page.getByTestId("cluster-attached").waitFor({ timeout: 120_000 });
      await expect(page.getByTestId("cluster-attached").textContent()).resolves.toMatch(
        /Spark on PySpark E_\w+ · python/,
      );

      await page.getByTestId("cell-run").first().click();
      await expect
        .poll(() => page.getByTestId("output-text").first().textContent(), { timeout: 60_000 })
        .toMatch(/on 4\.\d+\.\d+\n5$/);
      await screenshot(page, "python-notebook-cluster");
      await page.getByTestId("cluster-detach").click();
      await page.getByTestId("cluster-attach").waitFor();
      expect(errors).toEqual([]);
    });
  },
);
