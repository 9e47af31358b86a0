import { seededRandom } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { hasStudio, studioUrl } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// Clustering in the Lab as an analyst uses it: from the Lab home, "Create a clustering" on a
// dataset; the identifier is left out of the features; k-means with k searched by silhouette and
// a Gaussian mixture train locally; the page shows each model's sizes and cluster profiles; one
// deploys to the Flow, where Retrain on its panel trains it again as an active v2.

function shoppers(n: number): string {
  const lines = ["shopper_id,age,basket,channel"];
  const r = seededRandom(3);
  const groups = [
    { age: 25, basket: 20, channel: "app" },
    { age: 45, basket: 90, channel: "web" },
    { age: 68, basket: 45, channel: "store" },
  ];
  for (let i = 0; i < n; i++) {
    const g = groups[i % 3]!;
    const age = Math.round(g.age + (r() * 2 - 1) * 6);
    const basket = (g.basket + (r() * 2 - 1) * 12).toFixed(2);
    const channel = r() < 0.8 ? g.channel : ["app", "web", "store"][Math.floor(r() * 3)];
    lines.push(`S${1000 + i},${i % 23 === 0 ? "" : age},${basket},${channel}`);
  }
  return `${lines.join("\n")}\n`;
}

describe.skipIf(!hasStudio)("clustering in the Lab (browser)", () => {
  const studio = useStudio();

  it("creates a clustering, trains k-means and a Gaussian mixture, shows sizes and profiles, deploys one and retrains it from the Flow", {
    timeout: 420_000,
  }, async () => {
    const { projectId } = await studio.project("Shopper segments", { shoppers: shoppers(600) }, "CLUE");
    const { page, errors } = await studio.page();
    await page.goto(`${studioUrl}/projects/${projectId}/lab`);
    await page
      .getByTestId("create-clustering-form")
      .getByRole("button", { name: "Create a clustering" })
      .click();
    await page.waitForURL(/\/lab\/clusters\/[a-z0-9]+$/);
    await expect(page.getByTestId("analysis-name").textContent()).resolves.toBe("Clusters of shoppers");
    // The identifier is left out; the other columns are features.
    await expect(page.getByTestId("cluster-feature-shopper_id").isChecked()).resolves.toBe(false);
    await expect(page.getByTestId("cluster-feature-age").isChecked()).resolves.toBe(true);
    // Where the algorithm runs is said before training.
    await expect(page.getByTestId("cluster-engine-note").first().textContent()).resolves.toMatch(
      /scikit-learn KMeans/,
    );
    await page.getByTestId("cluster-kgrid").first().fill("2, 3, 4");
    await page.getByTestId("cluster-add-algorithm").click();
    await expect(page.getByTestId("cluster-engine-note").nth(1).textContent()).resolves.toMatch(
      /GaussianMixture.*not SQL/,
    );
    await page.getByTestId("cluster-train").click();
    await page.getByText("SUCCEEDED").waitFor({ timeout: 180_000 });
    await expect(page.getByTestId("cluster-model").count()).resolves.toBe(2);
    const sizes = await page.getByTestId("cluster-sizes").first().textContent();
    expect(sizes).toMatch(/Cluster 0/);
    const profiles = page.getByTestId("cluster-profiles").first();
    await expect(profiles.textContent()).resolves.toMatch(/age.*\(mean\).*basket.*channel.*\(top level\)/s);
    await expect(page.getByTestId("cluster-models").textContent()).resolves.toMatch(
      /in SQL \(nearest centroid\)/,
    );
    await screenshot(page, "lab-clustering-profiles");
    // Deployed to the Flow from the comparison table (best silhouette first): a saved model the
    // Lab home lists with its active version's algorithm.
    await page.getByTestId("deploy-cluster-model").first().click();
    await page.getByTestId("deploy-name").fill("shopper_segments");
    await page.getByTestId("deploy-submit").click();
    await page.getByTestId("deploy-dialog").waitFor({ state: "detached" });
    await page.goto(`${studioUrl}/projects/${projectId}/lab`);
    const deployed = await page.getByTestId("saved-model").first().textContent();
    expect(deployed).toMatch(/shopper_segments.*active: v1 \((k-means|Gaussian mixture)\)/);
    const algorithm = /active: v1 \(([^)]+)\)/.exec(deployed ?? "")?.[1];

    // Retrain from the Flow: the saved model's panel trains the active version's design again on
    // the dataset's current data and deploys the result as v2, active.
    await page.goto(`${studioUrl}/projects/${projectId}`);
    const node = page.getByTestId("node-shopper_segments");
    await node.waitFor();
    await node.click();
    const panel = page.getByTestId("saved-model-panel");
    await expect(panel.getByTestId("saved-model-retrain-activate").isChecked()).resolves.toBe(true);
    await panel.getByTestId("saved-model-retrain").click();
    const v2 = panel.getByTestId("saved-model-version-2");
    await v2.waitFor({ timeout: 180_000 });
    await expect(v2.getAttribute("data-active")).resolves.toBe("true");
    // Named as the Lab names it, not by its identifier.
    await expect(v2.textContent()).resolves.toBe(`v2 · ${algorithm} · active`);
    await expect(panel.getByTestId("saved-model-version-1").getAttribute("data-active")).resolves.toBe(
      "false",
    );
    await expect(panel.getByTestId("saved-model-retrain-state").textContent()).resolves.toMatch(/succeeded/);
    await screenshot(page, "lab-clustering-retrained");
    await page.goto(`${studioUrl}/projects/${projectId}/lab`);
    await expect(page.getByTestId("saved-model").first().textContent()).resolves.toContain(
      `active: v2 (${algorithm})`,
    );
    expect(errors).toEqual([]);
  });
});
