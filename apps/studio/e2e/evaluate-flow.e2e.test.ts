import { describe, expect, it } from "vitest";
import { call, hasStudio, studioUrl, waitForJob } from "../test/api-client.ts";
import { churnRows } from "../test/churn-rows.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// The evaluate recipe's metrics as an analyst sees them (the metrics dataset's table: one row
// with the model version, rows and the binary metrics), and the saved model's panel on the Flow
// with "Retrain" and its "activate" checkbox, on by default.

describe.skipIf(!hasStudio)("evaluate recipe and retrain on the Flow", () => {
  const studio = useStudio();

  it("shows the metrics of an evaluation, and Retrain on the saved model's panel", {
    timeout: 300_000,
  }, async () => {
    const post = (p: string, json: unknown) => call(p, { method: "POST", json, as: studio.key });
    const {
      projectId,
      datasets: { customers: datasetId, labelled: labelledId },
    } = await studio.project(
      "Churn evaluation",
      { customers: churnRows(400, 7), labelled: churnRows(200, 8) },
      "EVALE",
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
    const recipe = await post(`/projects/${projectId}/recipes`, {
      name: "evaluate_labelled",
      inputs: [labelledId],
      outputs: [{ name: "labelled_evaluated" }, { name: "churn_metrics" }],
      spec: {
        kind: "evaluate",
        version: 1,
        params: { savedModelId: deployed.data.id, labelColumn: "churned" },
      },
    });
    expect(recipe.status, JSON.stringify(recipe.data)).toBe(201);
    const [, metricsId] = recipe.data.outputs as string[];
    const job = await post(`/projects/${projectId}/jobs`, { targets: recipe.data.outputs });
    expect((await waitForJob(projectId, job.data.id, studio.key, 180_000)).state).toBe("SUCCEEDED");

    const { page, errors } = await studio.page();
    await page.goto(`${studioUrl}/projects/${projectId}/datasets/${metricsId}`);
    const table = page.getByTestId("dataset-table");
    await table.waitFor();
    for (const name of ["model_version", "auc", "accuracy", "f1", "log_loss"])
      await page
        .getByRole("columnheader", { name: new RegExp(name) })
        .first()
        .waitFor();
    await expect(table.textContent()).resolves.toContain("churn_model");
    await screenshot(page, "evaluate-metrics");

    await page.goto(`${studioUrl}/projects/${projectId}`);
    const node = page.getByTestId("node-churn_model");
    await node.waitFor();
    await node.click();
    const panel = page.getByTestId("saved-model-panel");
    await panel.getByTestId("saved-model-retrain").waitFor();
    await expect(panel.getByTestId("saved-model-retrain-activate").isChecked()).resolves.toBe(true);
    await screenshot(page, "saved-model-retrain");
    expect(errors).toEqual([]);
  });
});
