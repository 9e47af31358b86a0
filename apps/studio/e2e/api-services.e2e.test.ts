import { describe, expect, it } from "vitest";
import { call, hasStudio, studioUrl, uniqueKey, waitForJob } from "../test/api-client.ts";
import { churnRows } from "../test/churn-rows.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// A model trained in the Lab, served from the API services page: through the studio's REST API a
// Lab analysis on a seeded dataset trains a logistic regression and a random forest (the worker,
// the venv's scikit-learn) and both are deployed as versions 1 and 2 of one saved model. An editor
// then creates the service from the page with version 1, creates a key (shown once), and a client
// calls the API node as curl would (predict and predict-multi on the Lab's held-out sample rows:
// the answers are scikit-learn's own predictions and probabilities, to 1e-9), version 2 joins a
// 1:3 split and each answer matches the model of the version it names, and the page shows the
// counters and the latency and traffic charts read from the API nodes' minute rows in Postgres.
const nodeUrl = process.env.SOUS_TEST_API_NODE_URL ?? "";

type Cell = string | number | boolean | null;
type Sample = Record<string, Cell>;
interface TrainedModel {
  algorithm: { algorithm: string };
  sample: { prediction: Cell[]; probabilities?: number[][] };
}

describe.skipIf(!hasStudio || !nodeUrl)("API services page", { timeout: 300_000 }, () => {
  const studio = useStudio();

  it("serves Lab models through the API node: curl-style calls, a weighted split, counters and charts", async () => {
    const as = studio.key;
    const made = await studio.project("Churn API", { customers: churnRows(600, 23) }, "APIE2E");
    const { projectId } = made;
    const datasetId = made.datasets.customers;
    const api = async (path: string, json?: unknown, method = json === undefined ? "GET" : "POST") => {
      const r = await call(`/projects/${projectId}${path}`, { method, json, as });
      expect(r.status < 300, `${method} ${path}: ${JSON.stringify(r.data)}`).toBe(true);
      return r.data;
    };

    // The Lab: an analysis on the dataset, two algorithms, trained by the worker.
    const analysis = await api("/ml/analyses", { datasetId, target: "churned" });
    await api(
      `/ml/analyses/${analysis.id}`,
      {
        design: {
          ...analysis.design,
          algorithms: [
            { algorithm: "logistic", C: 1, maxIter: 500 },
            { algorithm: "randomForest", nTrees: 30, maxDepth: 6, minSamplesLeaf: 2 },
          ],
        },
        version: analysis.version,
      },
      "PUT",
    );
    const training = await api(`/ml/analyses/${analysis.id}/trainings`, {});
    const job = await waitForJob(projectId, training.jobId, as, 180_000);
    expect(job.state, job.error).toBe("SUCCEEDED");
    const trained = (await api(`/ml/analyses/${analysis.id}`)).trainings[0];
    const result = trained.result as { models: TrainedModel[]; sample: Sample[]; classes: Cell[] };
    expect(result.models.map((m) => m.algorithm.algorithm)).toEqual(["logistic", "randomForest"]);
    expect(result.sample.length).toBeGreaterThanOrEqual(5);
    // Version 1: the logistic regression; version 2: the forest.
    const v1 = await api(`/ml/trainings/${trained.id}/deploy`, { modelIndex: 0, name: "churn" });
    const v2 = await api(`/ml/trainings/${trained.id}/deploy`, { modelIndex: 1, savedModelId: v1.id });
    const versionIds = [
      v1.versions[0].id as string,
      (v2.versions as { id: string; number: number }[])[0]!.id,
    ];
    expect(v2.versions.map((v: { number: number }) => v.number)).toEqual([2, 1]);
    const modelOf = new Map(versionIds.map((id, i) => [id, result.models[i]!]));

    // The page: create the service with version 1, and a key.
    const { page, errors } = await studio.page();
    await page.goto(`${studioUrl}/projects/${projectId}`);
    expect(await page.getByTestId("project-api-services-link").getAttribute("href")).toBe(
      `/projects/${projectId}/api-services`,
    );
    await page.goto(`${studioUrl}/projects/${projectId}/api-services`);
    await page.getByTestId("api-services-empty").waitFor();
    const name = uniqueKey("churn").toLowerCase();
    await page.getByTestId("api-service-name").fill(name);
    await page.getByTestId("api-endpoint-name").fill("score");
    await page.getByTestId("api-version").selectOption(versionIds[0]!);
    await page.getByTestId("create-api-service-submit").click();
    const card = page.getByTestId(`api-service-${name}`);
    await card.waitFor();
    expect(await card.getByTestId("api-endpoint-url").textContent()).toContain(
      `/public/api/v1/${name}/score/predict`,
    );
    await card.getByTestId("api-key-name").fill("crm");
    await card.getByTestId("create-api-key").click();
    const shown = (await card.getByTestId("api-key-created").textContent()) ?? "";
    const key = /sapi_[A-Za-z0-9_-]+/.exec(shown)?.[0] ?? "";
    expect(key).not.toBe("");

    // A client, curl-style (curl -u KEY: -H 'content-type: application/json' -d @body URL).
    const post = async (path: string, body: unknown, authorization = `Basic ${btoa(`${key}:`)}`) => {
      const r = await fetch(`${nodeUrl}/public/api/v1/${name}/score/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization },
        body: JSON.stringify(body),
      });
      return {
        status: r.status,
        body: (await r.json()) as {
          result?: { prediction: Cell; probas?: Record<string, number>; ignored: boolean };
          results?: { prediction: Cell; probas?: Record<string, number>; ignored: boolean }[];
          version?: { id: string };
          timing?: Record<string, number>;
        },
      };
    };
    // The Lab's held-out sample rows, features only (an empty cell is left out: imputed).
    const rows = result.sample.map((s) =>
      Object.fromEntries(Object.entries(s).filter(([k, v]) => k !== "churned" && k !== "id" && v !== null)),
    );
    /** The answer for sample row r must be scikit-learn's for the model that answered. */
    const expectLab = (
      model: TrainedModel,
      r: number,
      got: { prediction: Cell; probas?: Record<string, number> },
    ) => {
      expect(String(got.prediction), `row ${r}`).toBe(String(model.sample.prediction[r]));
      const probs = model.sample.probabilities?.[r];
      if (probs)
        result.classes.forEach((c, i) => {
          expect(Math.abs(got.probas![String(c)]! - probs[i]!), `row ${r} class ${c}`).toBeLessThan(1e-9);
        });
    };
    expect((await post("predict", { features: rows[0] }, "")).status).toBe(401);
    // Until the node has loaded the new key, a call is refused: each such answer is counted too.
    const early: number[] = [];
    let single = await post("predict", { features: rows[0] });
    for (let i = 0; i < 100 && single.status !== 200; i++) {
      early.push(single.status);
      await new Promise((r) => setTimeout(r, 50));
      single = await post("predict", { features: rows[0] });
    }
    expect(single.status).toBe(200);
    expect(single.body.result?.ignored).toBe(false);
    expect(single.body.version?.id).toBe(versionIds[0]);
    expect(single.body.timing).toBeDefined();
    expectLab(result.models[0]!, 0, single.body.result!);
    // Bearer works as well as Basic.
    const bearer = await post("predict", { features: rows[1] }, `Bearer ${key}`);
    expect(bearer.status).toBe(200);
    expectLab(result.models[0]!, 1, bearer.body.result!);
    const multi = await post("predict-multi", { items: rows.map((features) => ({ features })) });
    expect(multi.status).toBe(200);
    expect(multi.body.results).toHaveLength(rows.length);
    for (const [i, r] of multi.body.results!.entries()) expectLab(result.models[0]!, i, r);
    expect((await post("predict", { features: { x1: "ten" } })).status).toBe(400);

    // Version 2 joins the split with weight 3 (75%); each answer names its version, and matches it.
    await card.getByTestId("api-split-add").selectOption(versionIds[1]!);
    const weights = card.locator('[data-testid="api-split"] input[type="number"]');
    await weights.nth(0).fill("1");
    await weights.nth(1).fill("3");
    await expect.poll(async () => await card.getByTestId("api-split").textContent()).toContain("75%");
    await card.getByTestId("save-split").click();
    await card.getByTestId("save-split").waitFor({ state: "detached" });
    const answered = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      const r = i % rows.length;
      const a = await post("predict", { features: rows[r] });
      expect(a.status).toBe(200);
      const v = a.body.version!.id;
      answered.set(v, (answered.get(v) ?? 0) + 1);
      expectLab(modelOf.get(v)!, r, a.body.result!);
    }
    // 200 draws at 25% / 75%: outside 25..75 for version 1 is about a 1-in-10^5 event.
    expect(answered.get(versionIds[0]!)).toBeGreaterThan(25);
    expect(answered.get(versionIds[0]!)).toBeLessThan(75);
    expect(answered.get(versionIds[1]!)).toBeGreaterThan(125);

    // The page's test form with a training row, through the studio.
    await card.getByTestId("api-test-training-row").click();
    await expect
      .poll(() => card.getByTestId("api-test-features").inputValue(), { timeout: 30_000 })
      .toContain("colour");
    await card.getByTestId("api-test-send").click();
    await card.getByTestId("api-test-answer").filter({ hasText: "HTTP 200" }).waitFor();
    expect(await card.getByTestId("api-test-answer").textContent()).toContain('"probas"');
    await screenshot(page, "api-services-test");

    // A second minute of traffic, so the latency chart draws a line between two minutes.
    await new Promise((r) => setTimeout(r, Math.ceil(Date.now() / 60_000) * 60_000 - Date.now() + 300));
    for (let i = 0; i < 30; i++)
      expect((await post("predict", { features: rows[i % rows.length] })).status).toBe(200);

    // Counters and charts come from the minute rows the API node writes every ~10 s. Requests:
    // 1 (401) + the refused early calls + 1 + 1 + 1 multi + 1 (400) + 200 + the test form's 1 + 30.
    // (A 404, the node not knowing the service yet, is counted nowhere.)
    const counted = early.filter((s) => s !== 404);
    const total = 1 + counted.length + 3 + 1 + 200 + 1 + 30;
    const clientErrors = 2 + counted.filter((s) => s < 500).length;
    const serverErrors = counted.filter((s) => s >= 500).length;
    const predictions = 2 + rows.length + 200 + 1 + 30;
    await page.reload();
    const traffic = page.getByTestId(`api-service-${name}`).getByTestId("api-traffic-score");
    await expect
      .poll(async () => await traffic.getByTestId("api-count-requests").locator("b").textContent(), {
        timeout: 40_000,
        interval: 1000,
      })
      .toBe(String(total));
    expect(await traffic.getByTestId("api-count-predictions").locator("b").textContent()).toBe(
      String(predictions),
    );
    const counters = (await traffic.textContent()) ?? "";
    expect(counters).toContain(`${clientErrors} / ${serverErrors}`); // the 401, the 400 and early refusals
    const chart = traffic.getByTestId("api-latency-chart");
    await chart.waitFor();
    // Two consecutive minutes: one segment (M then L) per percentile, and two bars.
    expect(await chart.locator("path.p50").getAttribute("d")).toMatch(/^M[\d.]+,[\d.]+L[\d.]+,[\d.]+$/);
    expect(await chart.locator("path.p99").getAttribute("d")).toMatch(/^M[\d.]+,[\d.]+L[\d.]+,[\d.]+$/);
    expect(await traffic.getByTestId("api-requests-chart").locator("rect.bar:not(.errors)").count()).toBe(2);
    await traffic.scrollIntoViewIfNeeded();
    await screenshot(page, "api-services");

    // The REST figures the page draws: summed over the node's processes, per version too.
    const m = await api(
      `/api-services/${(await api("/api-services")).find((s: { name: string }) => s.name === name).id}/metrics`,
    );
    const e = m.endpoints[0];
    expect(e.requests).toBe(total);
    expect(e.byVersion[versionIds[0]!] + e.byVersion[versionIds[1]!]).toBe(
      total - clientErrors - serverErrors,
    );
    expect(e.latencyMs.p50).toBeLessThanOrEqual(e.latencyMs.p99);
    expect(e.minutes.map((x: { requests: number }) => x.requests)).toEqual([total - 30, 30]);

    // The sampled request log (10% by default: some 24 of the calls above) as a monitoring dataset.
    const exporter = page.getByTestId(`api-service-${name}`).getByTestId("request-log-export");
    expect(await exporter.getByRole("textbox").inputValue()).toBe(`${name}_score_requests`);
    await exporter.getByTestId("save-request-log").click();
    const link = exporter.getByTestId("request-log-dataset");
    await link.waitFor({ timeout: 60_000 });
    expect(await link.textContent()).toMatch(new RegExp(`^${name}_score_requests v1 · \\d+ rows?$`));
    await exporter.scrollIntoViewIfNeeded();
    await screenshot(page, "api-services-request-log");
    expect(errors).toEqual([]);
  });
});
