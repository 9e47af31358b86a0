import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hasStudio, uniqueKey } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// The foundation's vertical slice, as a user does it in the browser: sign in, create a project,
// upload a CSV, draw a Group recipe on the Flow, run it, and read the output dataset.
const CSV = "region,amount\nnorth,10\nsouth,5\nnorth,2.5\neast,1\nsouth,5\n";

describe.skipIf(!hasStudio)("group recipe slice in the browser", () => {
  const studio = useStudio();

  it("uploads a CSV, creates and runs a Group recipe, and shows the output rows", async () => {
    // From the home page: sent to /login, signed in through the form, back home.
    const { page, errors } = await studio.signIn();

    const key = uniqueKey("E2E");
    await page.getByTestId("project-name").fill("Sales e2e");
    await page.getByTestId("project-key").fill(key);
    await page.getByTestId("create-project").click();
    await page.waitForURL(/\/projects\/[^/]+$/);

    const file = path.join(mkdtempSync(path.join(tmpdir(), "sous-e2e-")), "sales.csv");
    writeFileSync(file, CSV);
    await page.getByTestId("upload-input").setInputFiles(file);
    await page.getByTestId("import-submit").click(); // the import dialog, with the detected options
    const datasetNode = page.getByTestId("node-sales");
    await datasetNode.waitFor({ timeout: 30_000 });
    await datasetNode.click();

    // "New recipe" on the dataset lists the kinds; Group opens the full-page editor.
    await page.getByTestId("new-recipe").click();
    await page.getByTestId("new-recipe-group").click();
    await page.getByTestId("recipe-editor").waitFor();
    if ((await page.getByTestId("group-keys-chip-region").count()) === 0)
      await page.getByTestId("group-keys-add").selectOption("region");
    await page.getByTestId("agg-column-0").selectOption("amount");
    await page.getByTestId("agg-fn-0").selectOption("sum");
    await page.getByTestId("agg-as-0").fill("total");
    await page.getByTestId("output-name").fill("sales_by_region");
    await page.getByTestId("save-recipe").click();
    await page.waitForURL(/\/recipes\/[^/?]+$/, { timeout: 30_000 });
    await screenshot(page, "flow-before-run");

    await page.getByTestId("run-recipe").click();
    const status = page.getByTestId("job-status");
    await expect.poll(() => status.getAttribute("data-state"), { timeout: 60_000 }).toBe("SUCCEEDED");
    expect(await status.textContent()).toMatch(/Done: 3 rows/);
    await screenshot(page, "flow-after-run");

    await page.getByTestId("open-output").click();
    await page.getByTestId("dataset-name").waitFor();
    expect(await page.getByTestId("dataset-name").textContent()).toBe("sales_by_region");
    const table = page.getByTestId("dataset-table");
    await table.waitFor();
    const rows = await table
      .locator("tbody tr")
      .evaluateAll((trs) =>
        trs.map((tr) => Array.from(tr.querySelectorAll("td"), (td) => td.textContent?.trim() ?? "")),
      );
    const byRegion = Object.fromEntries(rows.map((r) => [r[0], r.slice(1)]));
    // count(*) and sum(amount) per region, as Spark computes them
    expect(byRegion).toEqual({ north: ["2", "12.5"], south: ["2", "10"], east: ["1", "1"] });
    await screenshot(page, "output-dataset");
    expect(errors).toEqual([]);
  });
});
