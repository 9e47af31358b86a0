import { describe, expect, it } from "vitest";
import { hasStudio } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";
import { SALES } from "./recipes-data.ts";
import {
  apiCall,
  datasetRows,
  newRecipeFrom,
  previewReady,
  previewRows,
  projectWith,
  type Session,
  sortRows,
} from "./recipes-helpers.ts";

/** Creates the recipe shown in the editor, runs it and waits for the job to succeed. */
async function createAndRunSplit(s: Session, shot: string): Promise<void> {
  const { page } = s;
  await previewReady(page);
  await screenshot(page, `${shot}-editor`);
  await page.getByTestId("save-recipe").click();
  await page.waitForURL(/\/recipes\/[^/?]+$/, { timeout: 30_000 });
  await page.getByTestId("run-recipe").click();
  const status = page.getByTestId("job-status");
  await expect.poll(() => status.getAttribute("data-state"), { timeout: 90_000 }).toBe("SUCCEEDED");
  await screenshot(page, `${shot}-after-run`);
}

describe.skipIf(!hasStudio)("Split recipe editor", () => {
  const studio = useStudio();

  it("splits by rules into named outputs and the other rows, each built and previewed", async () => {
    const s = await projectWith(studio, { sales: SALES });
    const { page } = s;
    await newRecipeFrom(s, "sales", "split");
    expect(await page.getByTestId("split-mode").inputValue()).toBe("rules");
    // Two rule sets on the first column (region) and the other rows, named after the input.
    expect(await page.getByTestId("split-output-name-0").inputValue()).toBe("sales_1");
    expect(await page.getByTestId("split-output-name-2").inputValue()).toBe("sales_other");
    await page.getByTestId("out-0-rule-column-0").selectOption("region");
    await page.getByTestId("out-0-rule-value-0").fill("north");
    await page.getByTestId("out-1-rule-column-0").selectOption("region");
    await page.getByTestId("out-1-rule-value-0").fill("south");
    await page.getByTestId("split-output-name-0").fill("north_sales");
    await page.getByTestId("split-output-name-1").fill("south_sales");
    await page.getByTestId("split-output-name-2").fill("rest_sales");

    // The preview shows one output at a time.
    expect((await previewRows(page)).map((r) => r[0])).toEqual(["north", "north"]);
    await page.getByTestId("split-preview-1").click();
    await expect.poll(async () => (await previewRows(page)).map((r) => r[0])).toEqual(["south", "south"]);
    await page.getByTestId("split-preview-2").click();
    await expect.poll(async () => (await previewRows(page)).map((r) => r[0])).toEqual(["east"]);
    await page.getByTestId("step-engines-params.outputs.0.rules.0").waitFor();
    expect(await page.getByTestId("engine-badge-spark").getAttribute("data-level")).toBe("full");

    await createAndRunSplit(s, "recipes-split-rules");
    // The saved recipe lists its three outputs.
    expect(await page.getByTestId("recipe-outputs").locator(".io-chip").allTextContents()).toEqual([
      "north_sales",
      "south_sales",
      "rest_sales",
    ]);
    const north = await datasetRows(s, "north_sales");
    expect(north.columns).toEqual(["region", "product", "amount", "day"]);
    expect(sortRows(north.rows)).toEqual([
      ["north", "apple", 10, "2024-01-01"],
      ["north", "pear", 2.5, "2024-01-03"],
    ]);
    expect(sortRows((await datasetRows(s, "south_sales")).rows)).toEqual([
      ["south", "apple", 5, "2024-01-05"],
      ["south", "pear", 5, "2024-01-02"],
    ]);
    expect((await datasetRows(s, "rest_sales")).rows).toEqual([["east", "apple", 1, "2024-01-04"]]);

    // On the saved split: a third rule output, before the other rows, writes a new dataset.
    await page.getByTestId("split-add-output").click();
    // The existing outputs show their datasets' names; the new one gets a name field.
    expect(await page.getByTestId("split-output-name-0").textContent()).toBe("north_sales");
    expect(await page.getByTestId("split-output-name-3").textContent()).toBe("rest_sales");
    expect(await page.getByTestId("split-output-name-2").inputValue()).toBe("sales_3");
    await page.getByTestId("split-output-name-2").fill("east_sales");
    await page.getByTestId("out-2-rule-column-0").selectOption("region");
    await page.getByTestId("out-2-rule-value-0").fill("east");
    await page.getByTestId("split-preview-2").click();
    await expect.poll(async () => (await previewRows(page)).map((r) => r[0])).toEqual(["east"]);
    await screenshot(page, "recipes-split-add-output");
    await page.getByTestId("save-recipe").click();
    await expect
      .poll(() => page.getByTestId("recipe-outputs").locator(".io-chip").allTextContents(), {
        timeout: 30_000,
      })
      .toEqual(["north_sales", "south_sales", "east_sales", "rest_sales"]);
    expect(await page.getByTestId("save-state").getAttribute("data-dirty")).toBe("false");
    expect(await page.getByTestId("split-output-name-2").textContent()).toBe("east_sales");
    await page.getByTestId("run-recipe").click();
    const status = page.getByTestId("job-status");
    await expect.poll(() => status.getAttribute("data-state"), { timeout: 90_000 }).toBe("SUCCEEDED");
    await screenshot(page, "recipes-split-add-output-after-run");
    expect((await datasetRows(s, "east_sales")).rows).toEqual([["east", "apple", 1, "2024-01-04"]]);
    expect((await datasetRows(s, "rest_sales")).rows).toEqual([]);

    // The Flow shows the new dataset, built.
    const recipeUrl = page.url();
    await page.getByTestId("back-to-flow").click();
    await page.getByTestId("node-east_sales").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("node-east_sales").getAttribute("data-state")).toBe("built");
    await screenshot(page, "recipes-split-add-output-flow");

    // Removing an output unlinks its dataset, which stays (with its rows) on the Flow.
    await page.goto(recipeUrl);
    await page.getByTestId("split-remove-1").click();
    expect(await page.getByTestId("split-dropped").textContent()).toContain("south_sales");
    await screenshot(page, "recipes-split-remove-output");
    await page.getByTestId("save-recipe").click();
    await expect
      .poll(() => page.getByTestId("recipe-outputs").locator(".io-chip").allTextContents(), {
        timeout: 30_000,
      })
      .toEqual(["north_sales", "east_sales", "rest_sales"]);
    expect(await page.getByTestId("split-dropped").count()).toBe(0);
    expect(sortRows((await datasetRows(s, "south_sales")).rows)).toHaveLength(2);
    await page.getByTestId("back-to-flow").click();
    await page.getByTestId("node-south_sales").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("node-south_sales").getAttribute("data-state")).toBe("built");
    await screenshot(page, "recipes-split-remove-output-flow");
    expect(s.errors).toEqual([]);
  });

  it("splits at random with a seed: the outputs are disjoint and cover every row", async () => {
    const s = await projectWith(studio, { sales: SALES });
    const { page } = s;
    await newRecipeFrom(s, "sales", "split");
    // By column values first: output 1 takes the listed regions (the preview shows it).
    await page.getByTestId("split-mode").selectOption("values");
    await page.getByTestId("split-column").selectOption("region");
    await page.getByTestId("split-values-0").fill("north, east");
    await page.getByTestId("split-values-1").fill("south");
    await expect
      .poll(async () => (await previewRows(page)).map((r) => r[0]).sort())
      .toEqual(["east", "north", "north"]);
    await screenshot(page, "recipes-split-values");
    await page.getByTestId("split-mode").selectOption("random");
    // Two ratio outputs (33% each) then the other rows: drop one output, set 50%.
    await page.getByTestId("split-remove-1").click();
    await page.getByTestId("split-ratio-0").fill("50");
    await page.getByTestId("split-seed").fill("7");
    await page.getByTestId("split-output-name-0").fill("half_a");
    await page.getByTestId("split-output-name-1").fill("half_b");
    await createAndRunSplit(s, "recipes-split-random");
    const a = (await datasetRows(s, "half_a")).rows;
    const b = (await datasetRows(s, "half_b")).rows;
    expect(sortRows([...a, ...b])).toEqual(sortRows((await datasetRows(s, "sales")).rows));
    expect(a.length + b.length).toBe(5);
    // Saved as a seeded random split with one ratio and the other rows.
    const recipes: { kind: string; spec: { params: unknown }; outputs: string[] }[] = await apiCall(
      page,
      "GET",
      `/projects/${s.projectId}/recipes`,
    );
    const split = recipes.find((r) => r.kind === "split");
    expect(split?.spec.params).toEqual({ mode: "random", ratios: [0.5], seed: 7, otherRows: true });
    expect(split?.outputs).toHaveLength(2);
  });

  it("refuses through the API a split whose outputs do not match its rules", async () => {
    const s = await projectWith(studio, { sales: SALES });
    const body = {
      name: "bad_split",
      inputs: [s.datasets.sales],
      outputs: [{ name: "only_one" }],
      spec: {
        kind: "split",
        version: 1,
        params: { mode: "values", column: "region", outputs: [{ values: ["north"] }], otherRows: true },
      },
    };
    await expect(apiCall(s.page, "POST", `/projects/${s.projectId}/recipes`, body)).rejects.toThrow(
      /400.*this split writes 2 datasets/,
    );
  });
});
