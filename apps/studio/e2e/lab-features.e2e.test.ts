import { seededRandom } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { hasStudio, studioUrl } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// The Lab's feature handling in the browser: a date column is suggested with its parts and a
// long text column with tf-idf, each with its reason; a category is switched to ordinal codes;
// the design trains locally.

function reviews(n: number): string {
  const words = ["great", "awful", "fine", "slow", "friendly", "broken", "fast", "late"];
  const colours = ["red", "green", "blue", "black"];
  const lines = ["signup,colour,review,visits,churned"];
  const r = seededRandom(11);
  for (let i = 0; i < n; i++) {
    const day = new Date(Date.UTC(2022, 0, 1) + Math.floor(r() * 700) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const review = Array.from({ length: 6 }, () => words[Math.floor(r() * words.length)]).join(" ");
    const visits = Math.round(r() * 40);
    const churned = (review.includes("awful") ? 2 : 0) - visits / 10 + (r() * 2 - 1) * 2 > 0;
    lines.push(`${day},${colours[i % 4]},${review} (order ${i}),${visits},${churned ? "yes" : "no"}`);
  }
  return `${lines.join("\n")}\n`;
}

describe.skipIf(!hasStudio)("the Lab's feature handling in the browser", () => {
  const studio = useStudio();

  it("suggests date parts and tf-idf with reasons, takes an ordinal encoding, and trains", {
    timeout: 240_000,
  }, async () => {
    const {
      projectId,
      datasets: { reviews: datasetId },
    } = await studio.project("Feature lab", { reviews: reviews(600) }, "LABF");
    const { page, errors } = await studio.page();
    await page.goto(`${studioUrl}/projects/${projectId}/lab?dataset=${datasetId}`);
    await page.getByTestId("create-model-target").selectOption("churned");
    await page.getByTestId("create-model-submit").click();
    await page.waitForURL(/\/lab\/[a-z0-9]+$/);

    const row = (name: string) => page.locator(`[data-testid="feature-row"][data-name="${name}"]`);
    await expect(row("signup").getByLabel("How signup is handled").inputValue()).resolves.toBe("date");
    await expect(row("signup").getByTestId("feature-reason").textContent()).resolves.toMatch(
      /a date: its parts/,
    );
    await expect(row("review").getByLabel("How review is handled").inputValue()).resolves.toBe("text");
    await expect(row("review").getByTestId("feature-reason").textContent()).resolves.toMatch(/free text/);
    await expect(row("review").getByTestId("feature-engine-note").textContent()).resolves.toMatch(
      /Local engine only/,
    );
    await row("colour").getByTestId("feature-encoding").selectOption("ordinal");
    await row("signup").getByLabel("Hour of signup").check();
    await screenshot(page, "lab-feature-handling");

    await page.getByTestId("train").click();
    await page.locator('[data-testid="training"][data-state="SUCCEEDED"]').waitFor({ timeout: 180_000 });
    await expect(page.getByTestId("training-model").count()).resolves.toBeGreaterThan(0);
    await screenshot(page, "lab-feature-handling-results");
    expect(errors).toEqual([]);
  });
});
