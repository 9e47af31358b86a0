// "Retrain" on a saved model through the REST API of the studio + worker that `npm test` starts:
// a model trained and deployed from the Lab, new rows appended to its training dataset, then
// POST .../retrain: a training job (on the Jobs list) on the dataset's current version that, when
// it succeeds, deploys the same model index as version 2, active; the score recipe fed by the
// saved model is outdated. With activate false the new version is kept inactive.
import { beforeAll, describe, expect, it } from "vitest";
import {
  admin,
  type Caller,
  call,
  hasStudio,
  loginAs,
  uniqueKey,
  uploadCsv,
  waitForJob,
  withApiKey,
} from "./api-client.ts";
import { churnRows } from "./churn-rows.ts";

describe.skipIf(!hasStudio)("retrain a saved model from the Flow", { timeout: 400_000 }, () => {
  let key: Caller;
  let projectId: string;
  let datasetId: string;
  let savedModelId: string;

  const post = (p: string, json?: unknown) => call(p, { method: "POST", json: json ?? {}, as: key });
  const get = (p: string) => call(p, { as: key });

  beforeAll(async () => {
    const session = await loginAs(admin.email, admin.password);
    key = await withApiKey(session);
    projectId = (await post("/projects", { key: uniqueKey("RETRAIN"), name: "Retrain" })).data.id;
    datasetId = await uploadCsv(key, projectId, "customers", churnRows(400, 5));
    const created = await post(`/projects/${projectId}/ml/analyses`, { datasetId, target: "churned" });
    expect(created.status, JSON.stringify(created.data)).toBe(201);
    const saved = await call(`/projects/${projectId}/ml/analyses/${created.data.id}`, {
      method: "PUT",
      as: key,
      json: {
        design: {
          ...created.data.design,
          algorithms: [
            { algorithm: "logistic", C: 1, maxIter: 500 },
            { algorithm: "decisionTree", maxDepth: 4, minSamplesLeaf: 5 },
          ],
        },
        version: created.data.version,
      },
    });
    expect(saved.status, JSON.stringify(saved.data)).toBe(200);
    const t = await post(`/projects/${projectId}/ml/analyses/${created.data.id}/trainings`);
    expect(t.status, JSON.stringify(t.data)).toBe(201);
    expect((await waitForJob(projectId, t.data.jobId, key, 240_000)).state).toBe("SUCCEEDED");
    const deployed = await post(`/projects/${projectId}/ml/trainings/${t.data.id}/deploy`, {
      modelIndex: 1,
      name: "churn",
    });
    expect(deployed.status, JSON.stringify(deployed.data)).toBe(201);
    savedModelId = deployed.data.id;
  });

  it("trains again on the current data and deploys the same model as a new active version", async () => {
    const scoreRecipe = await post(`/projects/${projectId}/recipes`, {
      name: "score_customers",
      inputs: [datasetId],
      output: { name: "customers_scored" },
      spec: { kind: "score", version: 1, params: { savedModelId } },
    });
    expect(scoreRecipe.status, JSON.stringify(scoreRecipe.data)).toBe(201);
    const scoredId = scoreRecipe.data.outputs[0] as string;
    const built = await post(`/projects/${projectId}/jobs`, { targets: [scoredId] });
    expect((await waitForJob(projectId, built.data.id, key, 240_000)).state).toBe("SUCCEEDED");

    // New data: a second version of the training dataset (more rows).
    const v2 = await call(`/projects/${projectId}/datasets/${datasetId}/versions`, {
      method: "POST",
      body: churnRows(700, 6),
      headers: { "content-type": "text/csv" },
      as: key,
    });
    expect(v2.status, JSON.stringify(v2.data)).toBe(201);

    const bad = await post(`/projects/${projectId}/saved-models/${savedModelId}/retrain`, {
      activate: "yes",
    });
    expect(bad.status).toBe(400);
    const r = await post(`/projects/${projectId}/saved-models/${savedModelId}/retrain`, {});
    expect(r.status, JSON.stringify(r.data)).toBe(201);
    const jobs = (await get(`/projects/${projectId}/jobs`)).data;
    const listed = (Array.isArray(jobs) ? jobs : jobs.items).find(
      (j: { id: string }) => j.id === r.data.jobId,
    );
    expect(listed?.mode).toBe("train");
    const job = await waitForJob(projectId, r.data.jobId, key, 240_000);
    expect(job.state, job.error).toBe("SUCCEEDED");
    const logs = (await get(`/projects/${projectId}/jobs/${r.data.jobId}/logs`)).data as {
      message: string;
    }[];
    expect(logs.map((l) => l.message)).toContain("Deployed as version 2 of saved model churn (now active).");

    const m = (await get(`/projects/${projectId}/saved-models/${savedModelId}`)).data;
    expect(m.versions.map((v: { number: number; active: boolean }) => [v.number, v.active])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(m.versions[0].algorithm.algorithm).toBe("decisionTree");
    expect(m.versions[0].modelIndex).toBe(1);
    expect(m.versions[0].trainingId).toBe(r.data.trainingId);
    // It trained on the dataset's current version: the 700 new rows, not the 400 of version 1.
    const analyses = (await get(`/projects/${projectId}/ml/analyses`)).data as { id: string }[];
    const analysis = (await get(`/projects/${projectId}/ml/analyses/${analyses[0]!.id}`)).data;
    const retrained = analysis.trainings.find((x: { id: string }) => x.id === r.data.trainingId);
    expect(retrained.result.rows.read).toBe(700);
    expect(analysis.trainings.find((x: { id: string }) => x.id !== r.data.trainingId).result.rows.read).toBe(
      400,
    );
    const flow = (await get(`/projects/${projectId}/flow`)).data;
    expect(flow.nodes.find((n: { id: string }) => n.id === scoredId).outdated).toBe(true);

    // activate: false keeps version 2 active and adds version 3 beside it.
    const quiet = await post(`/projects/${projectId}/saved-models/${savedModelId}/retrain`, {
      activate: false,
    });
    expect(quiet.status).toBe(201);
    expect((await waitForJob(projectId, quiet.data.jobId, key, 240_000)).state).toBe("SUCCEEDED");
    const m3 = (await get(`/projects/${projectId}/saved-models/${savedModelId}`)).data;
    expect(m3.versions.map((v: { number: number; active: boolean }) => [v.number, v.active])).toEqual([
      [3, false],
      [2, true],
      [1, false],
    ]);
  });
});
