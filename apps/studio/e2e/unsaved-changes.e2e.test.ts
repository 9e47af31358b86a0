import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { hasStudio, studioUrl, uniqueKey } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";
import { SALES } from "./recipes-data.ts";
import { apiCall, projectWith } from "./recipes-helpers.ts";

// The studio's friction list in the browser: unsaved recipe edits ask before the back arrow, an
// in-app link, the browser's Back and closing the tab; a job started elsewhere shows in the
// editor; the Jobs page is one click from the Flow; deleting a workspace names its users first.

const databaseUrl = process.env.SOUS_TEST_DATABASE_URL ?? "";

describe.skipIf(!hasStudio)("unsaved changes and the studio's navigation", () => {
  const studio = useStudio();

  it("asks before unsaved edits are lost: back arrow, in-app link, browser Back, closing the tab", async () => {
    const s = await projectWith(studio, { sales: SALES });
    const { page } = s;
    const recipe = await apiCall(page, "POST", `/projects/${s.projectId}/recipes`, {
      name: "copy",
      inputs: [s.datasets.sales],
      output: { name: "sales_copy" },
      spec: { kind: "sync", version: 1, params: {} },
    });
    const editorUrl = `${studioUrl}/projects/${s.projectId}/recipes/${recipe.id}`;
    // From the Flow, so Back has somewhere to go.
    await page.goto(editorUrl);
    await page.getByTestId("recipe-editor").waitFor();
    const dirty = () => page.getByTestId("save-state").getAttribute("data-dirty");

    // Unchanged: the back arrow leaves at once.
    await page.getByTestId("back-to-flow").click();
    await page.waitForURL(`${studioUrl}/projects/${s.projectId}`);
    await page.goBack();
    await page.getByTestId("recipe-editor").waitFor();

    await page.getByTestId("sync-keep-day").uncheck();
    await expect.poll(dirty).toBe("true");

    // The back arrow asks; Stay keeps the page and the edit.
    await page.getByTestId("back-to-flow").click();
    const dialog = page.getByTestId("leave-dialog");
    await dialog.waitFor();
    await screenshot(page, "unsaved-changes-prompt");
    await page.getByTestId("leave-stay").click();
    await dialog.waitFor({ state: "detached" });
    expect(page.url()).toBe(editorUrl);
    expect(await dirty()).toBe("true");

    // An in-app link (the output's chip) asks too.
    await page.getByTestId("recipe-outputs").locator("a").first().click();
    await dialog.waitFor();
    await page.getByTestId("leave-stay").click();
    await dialog.waitFor({ state: "detached" });
    expect(page.url()).toBe(editorUrl);

    // The browser's Back: asks, Stay stays (and asks again next time), Leave goes back.
    await page.evaluate(() => window.history.back());
    await dialog.waitFor();
    expect(page.url()).toBe(editorUrl);
    await page.getByTestId("leave-stay").click();
    await dialog.waitFor({ state: "detached" });
    await page.waitForTimeout(300);
    expect(page.url()).toBe(editorUrl);
    expect(await dirty()).toBe("true");
    await page.evaluate(() => window.history.back());
    await dialog.waitFor();
    await page.getByTestId("leave-confirm").click();
    await page.waitForURL(`${studioUrl}/projects/${s.projectId}`);

    // Saved edits leave without a word.
    await page.goto(editorUrl);
    await page.getByTestId("sync-keep-day").uncheck();
    await expect.poll(dirty).toBe("true");
    await page.getByTestId("save-recipe").click();
    await expect.poll(dirty).toBe("false");
    // Back after saving takes one press, not two (the guard's history entry is skipped).
    await page.evaluate(() => window.history.back());
    await page.waitForURL(`${studioUrl}/projects/${s.projectId}`);
    await page.getByTestId("node-sales").waitFor();
    expect(await dialog.count()).toBe(0);

    // A job started from elsewhere (here: the API) shows in the editor, followed to its end.
    await page.goto(editorUrl);
    await page.getByTestId("recipe-editor").waitFor();
    const job = await apiCall(page, "POST", `/projects/${s.projectId}/jobs`, {
      targets: recipe.outputs,
      mode: "build-only-this",
    });
    const status = page.getByTestId("job-status");
    await expect.poll(() => status.getAttribute("data-state"), { timeout: 60_000 }).toBe("SUCCEEDED");
    expect(await page.getByTestId("open-job").getAttribute("href")).toContain(job.id);
    expect(await status.textContent()).toMatch(/Done: 5 rows written/);
    await screenshot(page, "unsaved-changes-job-from-elsewhere");

    // Re-import is offered on the imported dataset only, not on the recipe's output.
    await page.goto(`${studioUrl}/projects/${s.projectId}/datasets/${recipe.outputs[0]}`);
    await page.getByTestId("dataset-name").waitFor();
    expect(await page.getByTestId("reimport").count()).toBe(0);
    await page.goto(`${studioUrl}/projects/${s.projectId}/datasets/${s.datasets.sales}`);
    await page.getByTestId("reimport").waitFor();

    // Reloading or closing the tab with unsaved edits: the browser's own prompt.
    await page.goto(editorUrl);
    await page.getByTestId("sync-keep-product").uncheck();
    await expect.poll(dirty).toBe("true");
    // (Dispatched by hand: headless Chromium closes without showing the prompt it would ask.)
    const asks = () =>
      page.evaluate(() => {
        const e = new Event("beforeunload", { cancelable: true });
        window.dispatchEvent(e);
        return e.defaultPrevented;
      });
    expect(await asks()).toBe(true);
    expect(s.errors).toEqual([]);
  });

  it.skipIf(!databaseUrl)(
    "links the Jobs page from the Flow, and names a workspace's users before deleting it",
    async () => {
      const s = await projectWith(studio, { sales: SALES });
      const { page } = s;
      const recipe = await apiCall(page, "POST", `/projects/${s.projectId}/recipes`, {
        name: "copy",
        inputs: [s.datasets.sales],
        output: { name: "sales_copy" },
        spec: { kind: "sync", version: 1, params: {} },
      });
      const job = await apiCall(page, "POST", `/projects/${s.projectId}/jobs`, {
        targets: recipe.outputs,
        mode: "build-only-this",
      });
      await expect
        .poll(async () => (await apiCall(page, "GET", `/projects/${s.projectId}/jobs/${job.id}`)).state, {
          timeout: 60_000,
        })
        .toBe("SUCCEEDED");
      const db = new pg.Client({ connectionString: databaseUrl });
      await db.connect();
      // What the worker stores for a Databricks run, so the page shows the cluster and timings.
      await db.query(`UPDATE "JobActivity" SET remote = $1 WHERE "jobId" = $2`, [
        JSON.stringify({
          connectionId: "dbxremote0000000000001",
          profileId: "profremote000000000001",
          clusterId: "0101-123456-abcdef12",
          sparkUiUrl:
            "https://adb-1.7.azuredatabricks.net/?o=1#setting/clusters/0101-123456-abcdef12/sparkUi",
          statements: 3,
          timings: { clusterStartMs: 41_200, statementMs: 3_400, totalMs: 45_100 },
        }),
        job.id,
      ]);

      await page.reload();
      await page.getByTestId("node-sales_copy").waitFor();
      await screenshot(page, "flow-toolbar-jobs-link");
      await page.getByTestId("project-jobs-link").click();
      await page.waitForURL(`${studioUrl}/projects/${s.projectId}/jobs`);
      const row = page.getByTestId(`job-row-${job.id}`);
      expect(await row.getByTestId("job-engine").textContent()).toBe("Local");
      expect(await row.getByTestId("job-activities").textContent()).toBe("1 built");
      await screenshot(page, "jobs-page-from-flow");
      await row.locator("a").first().click();
      await page.getByTestId("job-page").waitFor();
      await page.getByTestId("activity-0").locator("button").first().click();
      expect(await page.getByTestId("activity-cluster").textContent()).toBe("0101-123456-abcdef12");
      expect(await page.getByTestId("activity-timings").textContent()).toContain("Cluster start 41.2 s");
      await screenshot(page, "job-page-remote-facts");

      const ws = await apiCall(page, "POST", "/admin/databricks/connections", {
        name: `ws ${uniqueKey("E")}`,
        workspaceUrl: "https://adb-1234567890123456.7.azuredatabricks.net",
        token: `dapi${randomBytes(16).toString("hex")}`,
        storagePrefix: "dbfs:/mnt/sous",
        storage: { kind: "installation" },
      });
      const profileId = `prof${randomBytes(8).toString("hex")}`;
      try {
        await db.query(
          `INSERT INTO "ComputeProfile" (id, "connectionId", name, spec, "updatedAt") VALUES ($1, $2, 'small', $3, now())`,
          [
            profileId,
            ws.id,
            JSON.stringify({
              spark_version: "15.4.x-scala2.12",
              node_type_id: "Standard_DS3_v2",
              num_workers: 1,
            }),
          ],
        );
      } finally {
        await db.end();
      }
      await apiCall(page, "PUT", `/projects/${s.projectId}/engine`, {
        engine: { kind: "databricks", connectionId: ws.id, profileId },
      });

      await page.goto(`${studioUrl}/admin/databricks`);
      await page.getByTestId(`dbx-connection-${ws.name}`).getByTestId("dbx-delete").click();
      const dialog = page.getByTestId("dbx-delete-dialog");
      await dialog.getByTestId("dbx-delete-projects").waitFor();
      expect(await dialog.getByTestId("dbx-delete-projects").textContent()).toContain("Recipes e2e");
      await screenshot(page, "databricks-delete-confirm");
      await dialog.getByTestId("dbx-delete-confirm").click();
      await dialog.waitFor({ state: "detached" });
      expect(await page.getByTestId(`dbx-connection-${ws.name}`).count()).toBe(0);

      await page.goto(`${studioUrl}/projects/${s.projectId}`);
      await page.getByTestId("node-sales").waitFor();
      expect(await page.getByTestId("project-engine-kind").textContent()).toBe("local");
      await screenshot(page, "databricks-deleted-project-engine");
      expect(s.errors).toEqual([]);
    },
  );
});
