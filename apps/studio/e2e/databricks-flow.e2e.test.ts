import { randomBytes } from "node:crypto";
import path from "node:path";
import {
  type DatabricksEmulator,
  queryLocalDuckDb,
  startDatabricksEmulator,
} from "@sous/databricks-emulator";
import { createBlobStorage } from "@sous/storage";
import { type AzuriteHandle, startAzurite } from "@sous/storage/test/azurite";
import pg from "pg";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasStudio, studioUrl, uniqueKey } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// The remote engine end to end, as people use it: an administrator adds a workspace (the
// emulator) whose mount dbfs:/mnt/lake is an Azure Blob container (Azurite) through the settings
// page; an analyst, a plain user who edits the project, picks that workspace as the project's
// engine on the Flow and builds a three-recipe flow from the jobs page. The output lands in the
// container under the mount mapping, and equals what the local engine writes, row for row.
const TOKEN = `dapi${randomBytes(10).toString("hex")}`;
const CONTAINER = `dbx-flow-${randomBytes(3).toString("hex")}`;
const BLOB_PREFIX = "lake";
const MOUNT = "dbfs:/mnt/lake";

const ORDERS = [
  "region,product,qty,price",
  ...Array.from({ length: 240 }, (_, i) => {
    const region = ["north", "south", "east", "west"][i % 4];
    return `${region},p${i % 7},${((i * 7919) % 11) - 2},${((i * 104729) % 1000) / 10}`;
  }),
].join("\n");

describe.skipIf(!hasStudio || !process.env.SOUS_TEST_DATABASE_URL)("Databricks flow in the browser", () => {
  const studio = useStudio();
  let azurite: AzuriteHandle;
  let emu: DatabricksEmulator;
  const db = new pg.Client({ connectionString: process.env.SOUS_TEST_DATABASE_URL });

  beforeAll(async () => {
    azurite = await startAzurite();
    emu = await startDatabricksEmulator({
      token: TOKEN,
      mounts: {
        [MOUNT]: {
          blob: { connectionString: azurite.connectionString, container: CONTAINER, prefix: BLOB_PREFIX },
        },
      },
    });
    await db.connect();
  }, 60_000);
  afterAll(async () => {
    await emu?.stop();
    await azurite?.stop();
    await db.end().catch(() => {});
  });

  async function apiAs(page: Page, method: string, p: string, data?: unknown, csv?: string) {
    const r = await page.request.fetch(`${studioUrl}/api/v1${p}`, {
      method,
      ...(csv !== undefined ? { data: csv, headers: { "content-type": "text/csv" } } : data ? { data } : {}),
    });
    const body = await r.json().catch(() => null);
    if (!r.ok()) throw new Error(`${method} ${p}: ${r.status()} ${JSON.stringify(body)}`);
    return body;
  }

  /** From the jobs page: a smart build of `datasetId`, then waits for the job page to say SUCCEEDED. */
  async function buildFromJobsPage(page: Page, projectId: string, datasetId: string, shot: string) {
    await page.goto(`${studioUrl}/projects/${projectId}/jobs`);
    await page.getByTestId("build-targets").selectOption([datasetId]);
    await page.getByTestId("build-mode").selectOption("smart");
    await page.getByTestId("build-start").click();
    await page.waitForURL(/\/jobs\/[^/?]+$/, { timeout: 30_000 });
    const jobId = page.url().split("/").pop() ?? "";
    await page
      .locator(
        '[data-testid="job-page"][data-state="SUCCEEDED"], [data-testid="job-page"][data-state="FAILED"]',
      )
      .waitFor({ timeout: 120_000 });
    await screenshot(page, shot);
    const job = await apiAs(page, "GET", `/projects/${projectId}/jobs/${jobId}`);
    expect(job.state, JSON.stringify(job.error ?? job.activities)).toBe("SUCCEEDED");
    return job as {
      activities: { engine: string; recipeIds: string[] | null; sparkSql: string | null; state: string }[];
    };
  }

  async function currentPrefix(datasetId: string): Promise<string> {
    const r = await db.query(
      `SELECT v.prefix FROM "Dataset" d JOIN "DatasetVersion" v ON v.id = d."currentVersionId" WHERE d.id = $1`,
      [datasetId],
    );
    return r.rows[0].prefix as string;
  }

  it("admin adds the workspace, analyst runs a three-recipe flow on it: outputs in the container, equal to local", async () => {
    // ---- The administrator: workspace, mount to the Blob container, a compute profile.
    const a = await studio.signIn();
    await a.page.getByTestId("admin-databricks-link").click();
    await a.page.waitForURL(/\/admin\/databricks$/);
    const name = `Lake ${uniqueKey("E")}`;
    await a.page.getByTestId("dbx-name").fill(name);
    await a.page.getByTestId("dbx-url").fill(emu.url);
    await a.page.getByTestId("dbx-token").fill(TOKEN);
    await a.page.getByTestId("dbx-prefix").fill(MOUNT);
    await a.page.getByTestId("dbx-storage-kind").selectOption("azure-blob");
    await a.page.getByTestId("dbx-container").fill(CONTAINER);
    await a.page.getByTestId("dbx-blob-prefix").fill(BLOB_PREFIX);
    await a.page.getByTestId("dbx-blob-credentials").fill(azurite.connectionString);
    await a.page.getByTestId("dbx-create").click();
    const card = a.page.getByTestId(`dbx-connection-${name}`);
    await card.waitFor();
    await card.getByTestId("dbx-test").click();
    await card.getByTestId("dbx-test-result").waitFor({ timeout: 30_000 });
    expect(await card.getByTestId("dbx-check-mount").textContent()).toMatch(/visible at dbfs:\/mnt\/lake\//);
    expect(await card.getByTestId("dbx-test-result").getAttribute("data-ok")).toBe("true");
    await card.getByTestId("profile-load-catalog").click();
    await card.getByTestId("profile-name").fill("e2e");
    await card.getByTestId("profile-save").click();
    await card.getByTestId("dbx-profile-e2e").waitFor();
    await screenshot(a.page, "databricks-flow-admin");

    // The analyst: a plain user, editor of a project the admin owns.
    const analyst = {
      email: `analyst-${randomBytes(3).toString("hex")}@sous.test`,
      name: "Ana Lyst",
      password: randomBytes(12).toString("base64url"),
    };
    await apiAs(a.page, "POST", "/admin/users", { ...analyst, role: "USER" });
    const project = await apiAs(a.page, "POST", "/projects", { key: uniqueKey("DBF"), name: "Lake flow" });
    await apiAs(a.page, "PUT", `/projects/${project.id}/members`, { email: analyst.email, role: "EDITOR" });

    // ---- The analyst: data and recipes, then the engine chosen on the Flow.
    const u = await studio.signIn(analyst);
    expect(await u.page.getByTestId("admin-databricks-link").count()).toBe(0);
    const orders = await apiAs(
      u.page,
      "POST",
      `/projects/${project.id}/datasets?name=orders`,
      undefined,
      ORDERS,
    );
    const recipe = async (rname: string, input: string, output: string, spec: unknown) =>
      (await apiAs(u.page, "POST", `/projects/${project.id}/recipes`, {
        name: rname,
        inputs: [input],
        output: { name: output },
        spec,
      })) as { id: string; outputs: string[] };
    const positive = await recipe("positive", orders.id, "orders_positive", {
      kind: "filter",
      version: 1,
      params: { filter: { combine: "and", rules: [{ column: "qty", op: "gt", value: 0 }] } },
    });
    const byRegion = await recipe("by_region", positive.outputs[0]!, "by_region", {
      kind: "group",
      version: 1,
      params: {
        keys: ["region", "product"],
        aggregations: [
          { column: "qty", fn: "sum", as: "qty_total" },
          { column: "price", fn: "max", as: "price_max" },
        ],
      },
    });
    const renamed = await recipe("renamed", byRegion.outputs[0]!, "region_report", {
      kind: "sync",
      version: 1,
      params: {
        columns: [
          { column: "region", as: "area" },
          { column: "product" },
          { column: "qty_total" },
          { column: "price_max" },
        ],
      },
    });
    const target = renamed.outputs[0]!;

    await u.page.goto(`${studioUrl}/projects/${project.id}`);
    await u.page.getByTestId("node-region_report").waitFor();
    const select = u.page.getByTestId("project-engine-select");
    expect(await select.inputValue()).toBe("local");
    const option = select.locator("option", { hasText: `${name} · e2e` });
    await select.selectOption(await option.getAttribute("value"));
    await expect
      .poll(async () => (await apiAs(u.page, "GET", `/projects/${project.id}/engine`)).engine.kind)
      .toBe("databricks");
    // The page shows it once the save's answer is rendered, which can come after the API has it.
    await expect.poll(() => u.page.getByTestId("project-engine-kind").textContent()).toBe("Databricks");
    await screenshot(u.page, "databricks-flow-engine");

    // ---- Remote build: the three recipes run as ONE statement on the cluster.
    const before = emu.statements.length;
    const remote = await buildFromJobsPage(u.page, project.id, target, "databricks-flow-remote-job");
    expect(remote.activities).toHaveLength(1);
    const [act] = remote.activities;
    expect(act?.recipeIds).toHaveLength(3);
    expect(act?.engine).toMatch(/^databricks:/);
    expect(emu.statements.slice(before).filter((s) => /INSERT OVERWRITE DIRECTORY/i.test(s))).toHaveLength(1);
    const remotePrefix = (await currentPrefix(target)).replace(/\/+$/, "");
    expect(act?.sparkSql).toContain(`INSERT OVERWRITE DIRECTORY '${MOUNT}/${remotePrefix}`);

    // The output is in the container, under the mount mapping (dbfs:/mnt/lake -> <container>/lake).
    const container = createBlobStorage({
      connectionString: azurite.connectionString,
      container: CONTAINER,
      cacheDir: path.join(
        process.env.SOUS_TEST_STACK_DATA_DIR ?? "/tmp",
        `e2e-blob-${randomBytes(3).toString("hex")}`,
      ),
    });
    const files = await container.list(`${BLOB_PREFIX}/${remotePrefix}`);
    expect(files.some((f) => f.key.endsWith(".parquet"))).toBe(true);
    const written = await container.acquire(`${BLOB_PREFIX}/${remotePrefix}`);
    const order = "ORDER BY area, product";
    const remoteRows = await queryLocalDuckDb(
      `SELECT * FROM read_parquet('${written.dir}/*.parquet') ${order}`,
    ).finally(() => written.release());

    // ---- The same flow on the local engine, picked back on the Flow.
    await u.page.goto(`${studioUrl}/projects/${project.id}`);
    await u.page.getByTestId("project-engine-select").selectOption("local");
    await expect
      .poll(async () => (await apiAs(u.page, "GET", `/projects/${project.id}/engine`)).engine.kind)
      .toBe("local");
    const local = await buildFromJobsPage(u.page, project.id, target, "databricks-flow-local-job");
    expect(local.activities[0]?.engine).toBe("local");
    const localPrefix = await currentPrefix(target);
    expect(localPrefix).not.toBe(remotePrefix);
    const localDir = path.join(process.env.SOUS_TEST_STACK_DATA_DIR ?? "", "storage", localPrefix);
    const localRows = await queryLocalDuckDb(`SELECT * FROM read_parquet('${localDir}/*.parquet') ${order}`);

    expect(remoteRows.length).toBeGreaterThan(10);
    expect(remoteRows).toEqual(localRows);

    // Neither page shows the token; no page crashed.
    await a.page.reload();
    expect(await a.page.content()).not.toContain(TOKEN);
    expect(await u.page.content()).not.toContain(TOKEN);
    expect([...a.errors, ...u.errors]).toEqual([]);
  });
});
