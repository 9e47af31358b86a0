import path from "node:path";
import { type DatabricksEmulator, startDatabricksEmulator } from "@sous/databricks-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasStudio, uniqueKey } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// An administrator configures a Databricks workspace through the settings page: the emulator
// plays the workspace and mounts the studio's own storage folder, as the demo does.
const TOKEN = "dapi-e2e-admin-secret-7b3c9d41";

describe.skipIf(!hasStudio || !process.env.SOUS_TEST_STACK_DATA_DIR)(
  "Databricks settings in the browser",
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

    it("adds a workspace, tests it, and saves a compute profile after fixing the field the editor points at", async () => {
      const { page, errors } = await studio.signIn({ viewport: { width: 1280, height: 1100 } });

      await page.getByTestId("admin-databricks-link").click();
      await page.waitForURL(/\/admin\/databricks$/);
      const name = `Emulator ${uniqueKey("E2E")}`;
      await page.getByTestId("dbx-name").fill(name);
      await page.getByTestId("dbx-url").fill(emu.url);
      await page.getByTestId("dbx-token").fill(TOKEN);
      await page.getByTestId("dbx-prefix").fill("dbfs:/mnt/sous");
      await page.getByTestId("dbx-create").click();

      const card = page.getByTestId(`dbx-connection-${name}`);
      await card.waitFor();
      expect(await card.getByTestId("dbx-token-state").textContent()).toBe(
        `set · ends with ${TOKEN.slice(-4)}`,
      );
      expect(await page.getByTestId("dbx-token").inputValue()).toBe("");

      await card.getByTestId("dbx-test").click();
      const result = card.getByTestId("dbx-test-result");
      await result.waitFor({ timeout: 30_000 });
      expect(await result.getAttribute("data-ok")).toBe("true");
      expect(await card.getByTestId("dbx-check-mount").textContent()).toMatch(
        /visible at dbfs:\/mnt\/sous\//,
      );

      await card.getByTestId("profile-load-catalog").click();
      await card.getByTestId("profile-node-type").selectOption("Standard_DS4_v2");
      const json = card.getByTestId("profile-json");
      const spec = JSON.parse(await json.inputValue()) as Record<string, unknown>;
      expect(spec.node_type_id).toBe("Standard_DS4_v2");
      await json.fill(JSON.stringify({ ...spec, autotermination_minutes: 5 }, null, 2));
      await card.getByTestId("profile-name").fill("small");
      await card.getByTestId("profile-save").click();
      const issues = card.getByTestId("profile-issues");
      await issues.waitFor();
      expect(await issues.locator("li").first().getAttribute("data-path")).toBe("autotermination_minutes");
      await screenshot(page, "databricks-settings-invalid-profile");

      await json.fill(JSON.stringify({ ...spec, autotermination_minutes: 20 }, null, 2));
      await card.getByTestId("profile-save").click();
      await card.getByTestId("dbx-profile-small").waitFor();
      expect(await card.getByTestId("dbx-profile-small").textContent()).toMatch(/Standard_DS4_v2/);
      await screenshot(page, "databricks-settings");

      await page.reload();
      await page.getByTestId(`dbx-connection-${name}`).waitFor();
      expect(await page.content()).not.toContain(TOKEN);
      expect(errors).toEqual([]);
    });
  },
);
