import { seededRandom } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { hasStudio, studioUrl } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// The Lab as an analyst uses it: from a dataset, "Create a model" on a two-class column; the
// suggested design leaves out the identifier with its reason; train three algorithms locally;
// compare them, open the ROC curve and the confusion matrix and move the threshold; deploy the best.

function customers(n: number): string {
  const colours = ["red", "green", "blue", "black"];
  const lines = ["customer_id,age,visits,colour,churned"];
  const r = seededRandom(7);
  for (let i = 0; i < n; i++) {
    const age = Math.round(18 + r() * 60);
    const visits = Math.round(r() * 40);
    const colour = colours[i % 4]!;
    // Noisy on purpose: no model separates the classes perfectly.
    const churned =
      (age - 48) / 10 - (visits - 20) / 8 + (colour === "red" ? 1.5 : 0) + (r() * 2 - 1) * 3 > 0;
    lines.push(`C${1000 + i},${age},${visits},${colour},${churned ? "yes" : "no"}`);
  }
  return `${lines.join("\n")}\n`;
}

describe.skipIf(!hasStudio)("the Lab in the browser", () => {
  const studio = useStudio();

  it("creates a model from a dataset, trains three algorithms, reads their results and deploys the best", {
    timeout: 240_000,
  }, async () => {
    const {
      projectId,
      datasets: { customers: datasetId },
    } = await studio.project("Churn lab", { customers: customers(1200) }, "LABE");

    const { page, errors } = await studio.page();

    // From the dataset page to the Lab, the dataset already chosen.
    await page.goto(`${studioUrl}/projects/${projectId}/datasets/${datasetId}`);
    await page.getByTestId("create-model-link").click();
    await page.waitForURL(/\/lab\?dataset=/);
    await expect(page.getByTestId("create-model-dataset").inputValue()).resolves.toBe(datasetId);
    await page.getByTestId("create-model-target").selectOption("churned");
    await page.getByTestId("create-model-submit").click();
    await page.waitForURL(/\/lab\/[a-z0-9]+$/);
    await expect(page.getByTestId("analysis-name").textContent()).resolves.toBe("churned on customers");

    // The identifier is suggested out, with why; the three classifiers are chosen.
    const idRow = page.locator('[data-testid="feature-row"][data-name="customer_id"]');
    await expect(idRow.locator('input[type="checkbox"]').isChecked()).resolves.toBe(false);
    await expect(idRow.getByTestId("feature-reason").textContent()).resolves.toMatch(/identifier/);
    await page.getByTestId("algorithm-decisionTree").check();
    await expect(page.getByTestId("save-design").textContent()).resolves.toBe("Save");
    await screenshot(page, "lab-design");

    await page.getByTestId("train").click();
    await page.locator('[data-testid="training"][data-state="SUCCEEDED"]').waitFor({ timeout: 180_000 });
    await expect(page.getByTestId("training-model").count()).resolves.toBe(3);
    // The best model's results open by themselves, with the ROC curve and the confusion matrix.
    await page.getByTestId("roc-chart").waitFor();
    await page.getByTestId("confusion-matrix").waitFor();
    const cells = async () =>
      Promise.all(
        ["0-0", "0-1", "1-0", "1-1"].map(async (c) =>
          Number(await page.getByTestId("confusion-matrix").locator(`[data-cell="${c}"]`).textContent()),
        ),
      );
    const at50 = await cells();
    expect(at50.reduce((a, b) => a + b)).toBe(240);
    // A threshold of 0 calls every row positive: the first column empties.
    await page.getByTestId("threshold-slider").fill("0");
    await expect(page.getByTestId("threshold-value").textContent()).resolves.toBe("0.00");
    const at0 = await cells();
    expect(at0[0]).toBe(0);
    expect(at0[2]).toBe(0);
    expect(at0[1]! + at0[3]!).toBe(240);
    await expect(
      page.getByTestId("threshold-metrics").locator('[data-metric="recall"]').textContent(),
    ).resolves.toBe("1.0000");
    await page.getByTestId("threshold-slider").fill("50");
    await page.getByTestId("importances").waitFor();
    await screenshot(page, "lab-results");

    await page.getByTestId("deploy-model").click();
    await page.getByTestId("deploy-name").fill("churn_model");
    await page.getByTestId("deploy-submit").click();
    await page.getByText(/churn_model version 1 is deployed and active/).waitFor();

    // The Lab's home compares every model and lists the saved model.
    await page.goto(`${studioUrl}/projects/${projectId}/lab`);
    await page.getByTestId("model-row").first().waitFor();
    await expect(page.getByTestId("model-row").count()).resolves.toBe(3);
    await page.getByTestId("sort-auc").click();
    const firstAuc = await page.getByTestId("model-row").first().locator("td").nth(2).textContent();
    const aucs = await page
      .getByTestId("model-row")
      .evaluateAll((rows) => rows.map((r) => Number(r.querySelectorAll("td")[2]?.textContent)));
    expect(Number(firstAuc)).toBe(Math.max(...aucs));
    await expect(page.getByTestId("saved-model").textContent()).resolves.toMatch(/churn_model.*1 version/);
    await screenshot(page, "lab-home");
    expect(errors).toEqual([]);
  });
});
