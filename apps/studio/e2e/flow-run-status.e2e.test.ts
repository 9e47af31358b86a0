import { describe, expect, it } from "vitest";
import { hasStudio } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";
import { SALES } from "./recipes-data.ts";
import { apiCall, projectWith } from "./recipes-helpers.ts";

// A run started from the Flow's side panel says what it did, in the recipe editor's words
// (job-summary.ts): rows written with their plural, and a smart run that found the output up to
// date says so instead of "Done: 5 rows" (it wrote nothing).

describe.skipIf(!hasStudio)("a run's status on the Flow", () => {
  const studio = useStudio();

  it("says how many rows a run wrote, and that a second smart run was already up to date", async () => {
    const s = await projectWith(studio, { sales: SALES });
    const { page } = s;
    await apiCall(page, "POST", `/projects/${s.projectId}/recipes`, {
      name: "keep_one",
      inputs: [s.datasets.sales],
      output: { name: "one_sale" },
      spec: {
        kind: "topN",
        version: 1,
        params: { orderBy: [{ column: "amount", direction: "desc" }], n: 1 },
      },
    });
    await page.reload();
    await page.getByTestId("node-keep_one").click();
    await page.getByTestId("recipe-panel").waitFor();
    await page.getByTestId("run-mode").selectOption("smart");
    const status = page.getByTestId("job-status");

    await page.getByTestId("run-recipe").click();
    await expect.poll(() => status.getAttribute("data-state"), { timeout: 90_000 }).toBe("SUCCEEDED");
    expect(await status.textContent()).toMatch(/^Done: 1 row written\b/);

    await page.getByTestId("run-recipe").click();
    await expect.poll(() => status.textContent(), { timeout: 90_000 }).toMatch(/already up to date/);
    expect(await status.textContent()).not.toMatch(/Done|rows/);
    await screenshot(page, "flow-run-up-to-date");
    expect(s.errors).toEqual([]);
  }, 180_000);
});
