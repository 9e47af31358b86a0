import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, hasStudio, studioUrl, waitForJob } from "../test/api-client.ts";
import { churnRows } from "../test/churn-rows.ts";
import { type EmulatedWorkspace, emulatedWorkspace } from "../test/emulated-workspace.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// The Lab on Databricks as an analyst uses it (issue #15's last steps): on a design's page, "Train
// on" a compute profile of a workspace (the emulator, on real local Spark); the models trained by
// Spark MLlib show their results as local ones do; the best one deploys to the Flow; a score recipe
// made from its panel runs locally, then, switched to the workspace in the recipe editor, on Spark.
// Both runs give every row the same prediction and probabilities (1e-9).

type Cell = string | number | boolean | null;

describe.skipIf(!hasStudio || !process.env.SOUS_TEST_STACK_DATA_DIR)(
  "the Lab on Databricks (browser)",
  () => {
    const studio = useStudio();
    let workspace: EmulatedWorkspace;
    beforeAll(async () => {
      workspace = await emulatedWorkspace(studio.session, "Lab e2e");
    });
    afterAll(async () => {
      await workspace?.close();
    });

    it("trains with MLlib on the emulator, deploys the best model, and scores locally and on Spark alike", {
      timeout: 600_000,
    }, async () => {
      const post = async (p: string, json: unknown) => {
        const r = await call(p, { method: "POST", json, as: studio.session });
        expect(r.status, `${p}: ${JSON.stringify(r.data)}`).toBe(201);
        return r.data;
      };
      const { connectionId, profileId } = workspace;
      const {
        projectId,
        datasets: { customers: datasetId, prospects: prospectsId },
      } = await studio.project(
        "Churn on Spark",
        { customers: churnRows(500, 41), prospects: churnRows(120, 42) },
        "LABDBX",
      );
      // Creating the analysis from a dataset page is lab.e2e's; here it starts from its design.
      const analysis = await post(`/projects/${projectId}/ml/analyses`, { datasetId, target: "churned" });

      const { page, errors } = await studio.page();
      await page.goto(`${studioUrl}/projects/${projectId}/lab/${analysis.id}`);
      await page.getByTestId("design-engine").selectOption(`${connectionId}/${profileId}`);
      await page.getByTestId("train").click();
      const training = page.getByTestId("training").first();
      await page
        .locator(
          '[data-testid="training"][data-state="SUCCEEDED"], [data-testid="training"][data-state="FAILED"]',
        )
        .first()
        .waitFor({ timeout: 480_000 });
      await expect(training.getAttribute("data-state")).resolves.toBe("SUCCEEDED");
      await expect(training.getByTestId("training-engine").textContent()).resolves.toBe(
        "Spark MLlib on Databricks",
      );
      // The suggested binary design's two algorithms, with MLlib's results drawn as local ones are.
      await expect(page.getByTestId("training-model").count()).resolves.toBe(2);
      await page.getByTestId("roc-chart").waitFor();
      await page.getByTestId("confusion-matrix").waitFor();
      await screenshot(page, "lab-databricks-results");

      await page.getByTestId("deploy-model").click();
      await page.getByTestId("deploy-name").fill("churn_spark");
      await page.getByTestId("deploy-submit").click();
      await page.getByText(/churn_spark version 1 is deployed and active/).waitFor();

      // From the saved model's panel on the Flow: a score recipe on prospects, run locally.
      await page.goto(`${studioUrl}/projects/${projectId}`);
      await page.getByTestId("node-churn_spark").click();
      const panel = page.getByTestId("saved-model-panel");
      await panel.getByTestId("saved-model-score-input").selectOption(prospectsId);
      await panel.getByTestId("saved-model-score").click();
      await page.waitForURL(/\/recipes\/new\?kind=score/);
      await page.getByRole("columnheader", { name: /proba_true/ }).waitFor({ timeout: 60_000 });
      await page.getByTestId("save-recipe").click();
      await page.waitForURL(/\/recipes\/[^/?]+$/, { timeout: 30_000 });
      const recipeId = page.url().split("/").pop() ?? "";
      const flow = (await call(`/projects/${projectId}/flow`, { as: studio.key })).data;
      const outputId: string = flow.edges.find((e: { source: string }) => e.source === recipeId).target;

      /** Runs the recipe from its editor; the job's engine and the output's rows by id. */
      const run = async () => {
        await page.getByTestId("run-recipe").click();
        await expect
          .poll(() => page.getByTestId("job-status").getAttribute("data-state"), { timeout: 300_000 })
          .toMatch(/SUCCEEDED|FAILED/);
        const jobs = (await call(`/projects/${projectId}/jobs`, { as: studio.key })).data;
        const job = await waitForJob(projectId, jobs[0].id, studio.key, 60_000);
        expect(job.state, job.error).toBe("SUCCEEDED");
        const p = (
          await call(`/projects/${projectId}/datasets/${outputId}/preview?limit=1000`, { as: studio.key })
        ).data;
        const names: string[] = p.columns.map((c: { name: string }) => c.name);
        const rows = new Map<number, Record<string, Cell>>();
        for (const r of p.rows as Cell[][])
          rows.set(Number(r[0]), Object.fromEntries(names.map((n, i) => [n, r[i] ?? null])));
        return { engine: job.activities[0].engine as string, names, rows };
      };
      const local = await run();
      expect(local.engine.startsWith("databricks:")).toBe(false);
      expect(local.rows.size).toBe(120);
      await screenshot(page, "lab-databricks-score-local");

      // The same recipe on the workspace: picked in the editor's engine menu, run again.
      await page.getByTestId("engine-select").click();
      await page.getByTestId(`engine-option-dbx:${connectionId}:${profileId}`).click();
      await expect
        .poll(() => page.getByTestId("engine-current").textContent())
        .toMatch(/^Databricks · Lab e2e \S+ \/ small$/);
      const spark = await run();
      expect(spark.engine).toBe(`databricks:${connectionId}:${profileId}`);
      expect(spark.names).toEqual(local.names);
      expect(spark.names).toEqual(expect.arrayContaining(["prediction", "proba_false", "proba_true"]));
      expect(spark.rows.size).toBe(120);
      let maxDiff = 0;
      for (const [id, l] of local.rows) {
        const s = spark.rows.get(id);
        expect(s?.prediction, `row ${id}`).toBe(l.prediction);
        for (const c of ["proba_false", "proba_true"])
          maxDiff = Math.max(maxDiff, Math.abs(Number(s?.[c]) - Number(l[c])));
      }
      expect(maxDiff).toBeLessThan(1e-9);
      // Not a constant model: both classes are predicted.
      expect(new Set([...local.rows.values()].map((r) => r.prediction)).size).toBe(2);
      await screenshot(page, "lab-databricks-score-spark");
      expect(errors).toEqual([]);
    });
  },
);
