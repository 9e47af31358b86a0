import { seededRandom } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { call, hasStudio, studioUrl, waitForJob } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// A deployed model on the Flow as an analyst sees it: the saved model's diamond linked from its
// training dataset; clicking it shows its versions and a link to the Lab; "Score a dataset" opens
// a score recipe on another dataset, whose preview has the prediction and probability columns;
// once saved and run, the model links to the recipe on the canvas.

function customers(n: number, seed: number, withTarget: boolean): string {
  const colours = ["red", "green", "blue", "black"];
  const lines = [withTarget ? "id,age,visits,colour,churned" : "id,age,visits,colour"];
  const r = seededRandom(seed);
  for (let i = 0; i < n; i++) {
    const age = Math.round(18 + r() * 60);
    const visits = Math.round(r() * 40);
    const colour = colours[i % 4]!;
    const churned = (age - 48) / 10 - (visits - 20) / 8 + (r() * 2 - 1) * 3 > 0;
    lines.push(`${i + 1},${age},${visits},${colour}${withTarget ? `,${churned ? "yes" : "no"}` : ""}`);
  }
  return `${lines.join("\n")}\n`;
}

describe.skipIf(!hasStudio)("saved models on the Flow", () => {
  const studio = useStudio();

  it("shows a deployed model as a node, and scores another dataset with it from its panel", {
    timeout: 240_000,
  }, async () => {
    const post = (p: string, json: unknown) => call(p, { method: "POST", json, as: studio.key });
    const {
      projectId,
      datasets: { customers: datasetId },
    } = await studio.project(
      "Churn scoring",
      { customers: customers(400, 7, true), prospects: customers(50, 8, false) },
      "SCOREE",
    );
    const analysis = (await post(`/projects/${projectId}/ml/analyses`, { datasetId, target: "churned" }))
      .data;
    await call(`/projects/${projectId}/ml/analyses/${analysis.id}`, {
      method: "PUT",
      json: {
        design: { ...analysis.design, algorithms: [{ algorithm: "logistic", C: 1, maxIter: 500 }] },
        version: analysis.version,
      },
      as: studio.key,
    });
    const t = (await post(`/projects/${projectId}/ml/analyses/${analysis.id}/trainings`, {})).data;
    expect((await waitForJob(projectId, t.jobId, studio.key, 180_000)).state).toBe("SUCCEEDED");
    const deployed = await post(`/projects/${projectId}/ml/trainings/${t.id}/deploy`, {
      modelIndex: 0,
      name: "churn_model",
    });
    expect(deployed.status).toBe(201);

    const { page, errors } = await studio.page();

    // The saved model is a node of its own kind, after its training dataset.
    await page.goto(`${studioUrl}/projects/${projectId}`);
    const node = page.getByTestId("node-churn_model");
    await node.waitFor();
    await expect(node.getAttribute("data-kind")).resolves.toBe("savedModel");
    await expect(page.getByTestId("node-version-churn_model").textContent()).resolves.toBe(" v1");
    const box = async (id: string) => (await page.getByTestId(id).boundingBox())!;
    expect((await box("node-churn_model")).x).toBeGreaterThan((await box("node-customers")).x);
    await node.click();
    const panel = page.getByTestId("saved-model-panel");
    await panel.waitFor();
    await expect(panel.getByTestId("saved-model-version-1").textContent()).resolves.toMatch(
      /v1 · Logistic regression · active/,
    );
    await expect(panel.getByTestId("saved-model-lab").getAttribute("href")).resolves.toBe(
      `/projects/${projectId}/lab`,
    );
    await screenshot(page, "flow-saved-model");

    // Score a dataset: a new score recipe on the picked dataset, the model already chosen.
    const prospects = await panel
      .getByTestId("saved-model-score-input")
      .locator("option", { hasText: "prospects" })
      .getAttribute("value");
    await panel.getByTestId("saved-model-score-input").selectOption(prospects!);
    await panel.getByTestId("saved-model-score").click();
    await page.waitForURL(/\/recipes\/new\?kind=score/);
    await page.getByTestId("recipe-editor").waitFor();
    // The form loads the project's saved models, then picks the one the Flow named.
    await expect.poll(() => page.getByTestId("score-model").inputValue()).toBe(deployed.data.id);
    await expect(page.getByTestId("score-active-version").textContent()).resolves.toMatch(/Active version 1/);
    // The preview scores the sample: yes/no is read as a boolean, so the classes are false/true.
    await page.getByRole("columnheader", { name: /proba_true/ }).waitFor({ timeout: 30_000 });
    await screenshot(page, "score-recipe-editor");
    await page.getByTestId("save-recipe").click();
    await page.waitForURL(/\/recipes\/[^/?]+$/, { timeout: 30_000 });
    await page.getByTestId("run-recipe").click();
    const status = page.getByTestId("job-status");
    await expect.poll(() => status.getAttribute("data-state"), { timeout: 60_000 }).toBe("SUCCEEDED");

    // Back on the Flow: customers -> churn_model -> the score recipe -> prospects_scored.
    await page.goto(`${studioUrl}/projects/${projectId}`);
    await page.getByTestId("node-prospects_scored").waitFor();
    const flow = (await call(`/projects/${projectId}/flow`, { as: studio.key })).data;
    const recipe = flow.nodes.find((n: { type: string; kind?: string }) => n.kind === "score");
    expect(flow.edges).toEqual(
      expect.arrayContaining([
        { source: datasetId, target: deployed.data.id },
        { source: deployed.data.id, target: recipe.id },
      ]),
    );
    await screenshot(page, "flow-saved-model-scored");
    expect(errors).toEqual([]);
  });
});
