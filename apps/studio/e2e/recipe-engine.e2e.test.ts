import path from "node:path";
import { type DatabricksEmulator, startDatabricksEmulator } from "@sous/databricks-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasStudio, studioUrl, uniqueKey } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";
import { SALES } from "./recipes-data.ts";
import {
  apiCall,
  datasetRows,
  previewReady,
  projectWith,
  type Session,
  sortRows,
} from "./recipes-helpers.ts";

// The recipe editor's engine selector (local, or each Databricks connection + profile, with why
// each is or is not possible) and "Run" with a build mode, its progress and log in a panel.

const TOKEN = "dapi-e2e-engine-select-5c1e";
const VISITS =
  "user,ua\nann,Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36\n";

async function openRecipe(s: Session, recipeId: string): Promise<void> {
  await s.page.goto(`${studioUrl}/projects/${s.projectId}/recipes/${recipeId}`);
  await s.page.getByTestId("recipe-editor").waitFor();
  await previewReady(s.page);
}

describe.skipIf(!hasStudio || !process.env.SOUS_TEST_STACK_DATA_DIR)(
  "Recipe engine and runs in the editor",
  () => {
    const studio = useStudio();
    let emu: DatabricksEmulator;
    beforeAll(async () => {
      const storage = path.join(process.env.SOUS_TEST_STACK_DATA_DIR ?? "", "storage");
      emu = await startDatabricksEmulator({ token: TOKEN, mounts: { "dbfs:/mnt/sous": storage } });
    });
    afterAll(async () => {
      await emu?.stop();
    });

    it("lists the engines; a step Databricks cannot run blocks it by name; choosing one sets the override", async () => {
      const s = await projectWith(studio, { visits: VISITS, sales: SALES });
      const { page } = s;
      const conn = await apiCall(page, "POST", "/admin/databricks/connections", {
        name: `Engine e2e ${uniqueKey("W")}`,
        workspaceUrl: emu.url,
        token: TOKEN,
        storagePrefix: "dbfs:/mnt/sous",
        storage: { kind: "installation" },
      });
      const profile = await apiCall(page, "POST", `/admin/databricks/connections/${conn.id}/profiles`, {
        name: "small",
        spec: {
          spark_version: "15.4.x-scala2.12",
          node_type_id: "Standard_DS3_v2",
          num_workers: 1,
          autotermination_minutes: 10,
        },
      });
      const dbxKey = `dbx:${conn.id}:${profile.id}`;

      // A prepare recipe whose user-agent step has no SparkSQL form.
      const prepare = await apiCall(page, "POST", `/projects/${s.projectId}/recipes`, {
        name: "parse_visits",
        inputs: [s.datasets.visits],
        output: { name: "visits_parsed" },
        spec: {
          kind: "prepare",
          version: 1,
          params: {
            steps: [
              { id: "ua1", type: "UserAgentParser", name: "Parse user agent", params: { column: "ua" } },
            ],
          },
        },
      });
      // Inputs must be built for the preview: the uploads are.
      await openRecipe(s, prepare.id);
      await page.getByTestId("engine-select").click();
      const menu = page.getByTestId("engine-menu");
      await menu.waitFor();
      expect(await page.getByTestId("engine-option-local").getAttribute("data-possible")).toBe("true");
      const dbx = page.getByTestId(`engine-option-${dbxKey}`);
      expect(await dbx.getAttribute("data-possible")).toBe("false");
      expect(await dbx.isDisabled()).toBe(true);
      expect(await page.getByTestId(`engine-why-${dbxKey}`).textContent()).toMatch(
        /Blocked: Step 'Parse user agent' \(#1\)/,
      );
      expect(await dbx.textContent()).toContain(`${conn.name} / small`);
      await screenshot(page, "recipe-engine-blocked");
      // Local is picked: stored as the recipe's override.
      await page.getByTestId("engine-option-local").click();
      await expect
        .poll(
          async () =>
            (await apiCall(page, "GET", `/projects/${s.projectId}/recipes/${prepare.id}/engine`)).engine,
        )
        .toEqual({ kind: "local" });
      expect(await page.getByTestId("engine-current").textContent()).toBe("Local (DuckDB)");
      await expect.poll(() => menu.count()).toBe(0);

      // A translatable recipe may go to Databricks.
      const sync = await apiCall(page, "POST", `/projects/${s.projectId}/recipes`, {
        name: "copy_sales",
        inputs: [s.datasets.sales],
        output: { name: "sales_copy" },
        spec: { kind: "sync", version: 1, params: {} },
      });
      await openRecipe(s, sync.id);
      await page.getByTestId("engine-select").click();
      expect(await page.getByTestId(`engine-option-${dbxKey}`).getAttribute("data-possible")).toBe("true");
      await page.getByTestId(`engine-option-${dbxKey}`).click();
      await expect
        .poll(() => page.getByTestId("engine-current").textContent())
        .toBe(`Databricks · ${conn.name} / small`);
      const set = await apiCall(page, "GET", `/projects/${s.projectId}/recipes/${sync.id}/engine`);
      expect(set.engine).toEqual({ kind: "databricks", connectionId: conn.id, profileId: profile.id });
      await screenshot(page, "recipe-engine-databricks");
      expect(s.errors).toEqual([]);
    });

    it("runs with the build mode picked, showing progress, activities and the log without leaving the page", async () => {
      const s = await projectWith(studio, { sales: SALES });
      const { page } = s;
      // sales -> copy (never built) -> north: building north "smart" also builds what it needs.
      const copy = await apiCall(page, "POST", `/projects/${s.projectId}/recipes`, {
        name: "copy",
        inputs: [s.datasets.sales],
        output: { name: "sales_copy" },
        spec: { kind: "sync", version: 1, params: {} },
      });
      const north = await apiCall(page, "POST", `/projects/${s.projectId}/recipes`, {
        name: "north",
        inputs: [copy.outputs[0]],
        output: { name: "north_sales" },
        spec: {
          kind: "filter",
          version: 1,
          params: {
            filter: { combine: "and", rules: [{ column: "region", op: "equals", value: "north" }] },
            sampling: { method: "all" },
          },
        },
      });
      await page.goto(`${studioUrl}/projects/${s.projectId}/recipes/${north.id}`);
      await page.getByTestId("recipe-editor").waitFor();
      await page.getByTestId("run-mode").selectOption("smart");
      const url = page.url();
      await page.getByTestId("run-recipe").click();
      const panel = page.getByTestId("run-panel");
      await panel.waitFor();
      await expect
        .poll(() => page.getByTestId("job-status").getAttribute("data-state"), { timeout: 90_000 })
        .toBe("SUCCEEDED");
      expect(page.url()).toBe(url);
      await page.getByTestId("run-log").locator(".run-log-line").first().waitFor({ timeout: 30_000 });
      expect(await page.getByTestId("run-activities").locator("li").count()).toBeGreaterThanOrEqual(1);
      // The job succeeded: the line says what each activity did (built or found up to date).
      expect(await page.getByTestId("run-progress").textContent()).toMatch(/\b[1-9]\d* built\b/);
      await screenshot(page, "recipe-run-panel");
      const jobs: { mode: string }[] = await apiCall(page, "GET", `/projects/${s.projectId}/jobs`);
      expect(jobs[0]?.mode).toBe("smart");
      expect(sortRows((await datasetRows(s, "north_sales")).rows)).toEqual([
        ["north", "apple", 10, "2024-01-01"],
        ["north", "pear", 2.5, "2024-01-03"],
      ]);
      // The panel closes once the job ended.
      await page.getByTestId("run-panel-close").click();
      expect(await panel.count()).toBe(0);
      expect(s.errors).toEqual([]);
    });
  },
);
