import { seededRandom } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { hasStudio, studioUrl } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// The Lab's validation and hyperparameter search in the browser: k-fold cross-validation with
// balanced class weights and a list of depths to try for a decision tree; the trained model shows
// its metrics as mean ± std over the folds and the grid's results table with the kept combination.
// The time-ordered split's date column is chosen from the dataset's columns.

function orders(n: number): string {
  const lines = ["order_id,day,amount,visits,returned"];
  const r = seededRandom(11);
  for (let i = 0; i < n; i++) {
    const amount = Math.round(r() * 200);
    const visits = Math.round(r() * 30);
    const day = new Date(Date.UTC(2024, 0, 1) + Math.floor(r() * 365) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    // An interaction (high amount and few visits, or the reverse) and noise: depth matters.
    const returned = (amount > 100 !== visits > 15) !== r() < 0.1;
    lines.push(`O${1000 + i},${day},${amount},${visits},${returned ? "yes" : "no"}`);
  }
  return `${lines.join("\n")}\n`;
}

describe.skipIf(!hasStudio)("the Lab's validation and search in the browser", () => {
  const studio = useStudio();

  it("cross-validates a grid of depths with class weights and shows the grid's results", {
    timeout: 300_000,
  }, async () => {
    const {
      projectId,
      datasets: { orders: datasetId },
    } = await studio.project("Returns lab", { orders: orders(600) }, "LABS");
    const { page, errors } = await studio.page();

    await page.goto(`${studioUrl}/projects/${projectId}/lab?dataset=${datasetId}`);
    await page.getByTestId("create-model-target").selectOption("returned");
    await page.getByTestId("create-model-submit").click();
    await page.waitForURL(/\/lab\/[a-z0-9]+$/);

    // A time-ordered split offers the dataset's columns; then k-fold with 4 folds.
    await page.getByTestId("design-validation").selectOption("time_split");
    await page.getByTestId("design-time-column").selectOption("day");
    await expect(page.getByTestId("design-time-column").inputValue()).resolves.toBe("day");
    await page.getByTestId("design-validation").selectOption("kfold");
    await page.getByTestId("design-folds").fill("4");
    await page.getByTestId("design-class-weights").selectOption("balanced");

    // Only the decision tree, with three depths to try.
    for (const a of ["logistic", "randomForest", "gbt"]) {
      const box = page.getByTestId(`algorithm-${a}`);
      if (await box.isChecked()) await box.uncheck();
    }
    await page.getByTestId("algorithm-decisionTree").check();
    await page.getByTestId("grid-decisionTree-maxDepth").fill("1, 3, 8");
    await expect(page.getByTestId("combinations-decisionTree").textContent()).resolves.toBe("3 combinations");
    // A value out of range is marked and not taken.
    await page.getByTestId("grid-decisionTree-minSamplesLeaf").fill("0");
    await expect(
      page.getByTestId("grid-decisionTree-minSamplesLeaf").getAttribute("aria-invalid"),
    ).resolves.toBe("true");
    await page.getByTestId("grid-decisionTree-minSamplesLeaf").fill("2, 20");
    await expect(page.getByTestId("combinations-decisionTree").textContent()).resolves.toBe("6 combinations");
    // A random search with a budget of 4 tries 4 of them.
    await page.getByTestId("design-search").selectOption("random");
    await page.getByTestId("design-search-budget").fill("4");
    await expect(page.getByTestId("combinations-decisionTree").textContent()).resolves.toBe(
      "4 of 6 combinations",
    );
    await page.getByTestId("design-search").selectOption("grid");
    await page.getByTestId("save-design").click();
    await page.locator('[data-testid="save-design"]:has-text("Saved")').waitFor();
    await page.getByTestId("algorithms").scrollIntoViewIfNeeded();
    await screenshot(page, "lab-design-search");

    // Reloaded, the design keeps its validation, weights and grid.
    await page.reload();
    await expect(page.getByTestId("design-validation").inputValue()).resolves.toBe("kfold");
    await expect(page.getByTestId("design-folds").inputValue()).resolves.toBe("4");
    await expect(page.getByTestId("design-class-weights").inputValue()).resolves.toBe("balanced");
    await expect(page.getByTestId("grid-decisionTree-maxDepth").inputValue()).resolves.toBe("1, 3, 8");

    await page.getByTestId("train").click();
    await page.locator('[data-testid="training"][data-state="SUCCEEDED"]').waitFor({ timeout: 240_000 });
    await page.getByTestId("grid-results").waitFor();
    await expect(page.getByTestId("grid-row").count()).resolves.toBe(6);
    // Best first, and the kept combination is the first row.
    const first = page.getByTestId("grid-row").first();
    await expect(first.getAttribute("data-best")).resolves.toBe("true");
    await expect(first.locator("td").first().textContent()).resolves.not.toBe("1");
    await expect(page.getByTestId("model-validation").textContent()).resolves.toMatch(
      /mean ± standard deviation over 4 folds of 600 rows/,
    );
    await expect(page.getByTestId("metric-std").count()).resolves.toBeGreaterThan(0);
    await page.getByTestId("grid-results").scrollIntoViewIfNeeded();
    await screenshot(page, "lab-grid-results");
    expect(errors).toEqual([]);
  });
});
