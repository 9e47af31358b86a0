import { Readable } from "node:stream";
import { createDb, type Db } from "@sous/db";
import { createLocalStorage, localStorageRoot } from "@sous/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminKey, type Caller, call, createProject, hasStudio, uniqueKey } from "./api-client.ts";

// Deleting what models depend on, through the studio's REST API: a training dataset takes its Lab
// analyses and saved models with it (the database cascades), so that is refused with a 409 naming
// them unless force=true, and refused even with force while an API endpoint serves one of those
// models; a saved model is refused while an endpoint serves it, and while score recipes use it
// unless force=true. The saved model version is written as the Lab writes one (row + portable JSON).
const databaseUrl = process.env.SOUS_TEST_DATABASE_URL ?? "";
const dataDir = process.env.SOUS_TEST_STACK_DATA_DIR ?? "";

describe.skipIf(!hasStudio || !databaseUrl || !dataDir)("deleting training data and saved models", () => {
  let as: Caller;
  let db: Db;
  let projectId = "";
  let datasetId = "";
  let savedModelId = "";
  let analysisId = "";
  let serviceId = "";

  beforeAll(async () => {
    as = await adminKey();
    projectId = (await createProject(as, "ml delete guards", "MD")).id;
    db = createDb({ databaseUrl });
    const upload = await call(`/projects/${projectId}/datasets?name=customers`, {
      method: "POST",
      body: "x,colour,label\n2.5,red,true\n-3,blue,false\n1,red,true\n-1,blue,false\n",
      headers: { "content-type": "text/csv" },
      as,
    });
    expect(upload.status).toBe(201);
    datasetId = upload.data.id;
    const analysis = await call(`/projects/${projectId}/ml/analyses`, {
      method: "POST",
      json: { datasetId, target: "label" },
      as,
    });
    expect(analysis.status, JSON.stringify(analysis.data)).toBe(201);
    analysisId = analysis.data.id;
    const storage = createLocalStorage({ root: localStorageRoot(dataDir) });
    const saved = await db.savedModel.create({ data: { projectId, name: "churn", datasetId, analysisId } });
    savedModelId = saved.id;
    const portableKey = `projects/${projectId}/ml/trainings/tguard/model-0.json`;
    await storage.putStream(
      portableKey,
      Readable.from([
        JSON.stringify({
          format: "sous-portable-model",
          version: 1,
          task: "binary",
          classes: [false, true],
          features: [{ name: "x", type: "numeric", impute: 0, rescale: { kind: "none" } }],
          model: { kind: "linear", link: "logistic", coefficients: [[1]], intercepts: [0] },
        }),
      ]),
    );
    const version = await db.savedModelVersion.create({
      data: {
        savedModelId,
        number: 1,
        modelIndex: 0,
        task: "binary",
        algorithm: { algorithm: "logistic", C: 1, maxIter: 100 },
        metrics: {},
        classes: [false, true],
        portableKey,
        artifactKey: `${portableKey}.pkl`,
      },
    });
    await db.savedModel.update({ where: { id: savedModelId }, data: { activeVersionId: version.id } });
    const service = await call(`/projects/${projectId}/api-services`, {
      method: "POST",
      json: {
        name: uniqueKey("guard").toLowerCase(),
        endpoint: { name: "score", savedModelVersionId: version.id },
      },
      as,
    });
    expect(service.status, JSON.stringify(service.data)).toBe(201);
    serviceId = service.data.id;
  });
  afterAll(async () => {
    if (projectId) await call(`/projects/${projectId}`, { method: "DELETE", as }).catch(() => {});
    await db?.project.deleteMany({ where: { id: projectId } });
    await db?.$disconnect();
  });

  const del = (path: string) => call(path, { method: "DELETE", as });
  const stillThere = async () => ({
    dataset: (await call(`/projects/${projectId}/datasets/${datasetId}`, { as })).status,
    savedModel: (await call(`/projects/${projectId}/saved-models/${savedModelId}`, { as })).status,
    analysis: (await call(`/projects/${projectId}/ml/analyses/${analysisId}`, { as })).status,
  });

  it("refuses, even with force, while an API endpoint serves a model trained on it", async () => {
    for (const path of [
      `/projects/${projectId}/datasets/${datasetId}?force=true`,
      `/projects/${projectId}/saved-models/${savedModelId}?force=true`,
    ]) {
      const r = await del(path);
      expect(r.status, path).toBe(409);
      expect(r.data.error.message).toMatch(
        /serves API endpoint guard[a-z0-9_-]*\/score: deploy another model/,
      );
    }
    expect(await stillThere()).toEqual({ dataset: 200, savedModel: 200, analysis: 200 });
  });

  it("names the saved model, its analysis and the recipes using it; force deletes them", async () => {
    expect((await del(`/projects/${projectId}/api-services/${serviceId}`)).status).toBe(204);
    const other = await call(`/projects/${projectId}/datasets?name=new_rows`, {
      method: "POST",
      body: "x\n1\n2\n",
      headers: { "content-type": "text/csv" },
      as,
    });
    const score = await call(`/projects/${projectId}/recipes`, {
      method: "POST",
      json: {
        name: "score_new",
        inputs: [other.data.id],
        output: { name: "new_scored" },
        spec: { kind: "score", version: 1, params: { savedModelId } },
      },
      as,
    });
    expect(score.status, JSON.stringify(score.data)).toBe(201);

    const dataset = await del(`/projects/${projectId}/datasets/${datasetId}`);
    expect(dataset.status).toBe(409);
    expect(dataset.data.error.message).toMatch(
      /customers is the training data of saved model churn and Lab analysis .+\. Delete them first, or delete with force=true/,
    );
    const model = await del(`/projects/${projectId}/saved-models/${savedModelId}`);
    expect(model.status).toBe(409);
    expect(model.data.error.message).toMatch(/Saved model churn is used by recipe score_new\./);
    expect(await stillThere()).toEqual({ dataset: 200, savedModel: 200, analysis: 200 });

    const forced = await del(`/projects/${projectId}/datasets/${datasetId}?force=true`);
    expect(forced.status, JSON.stringify(forced.data)).toBe(200);
    expect(forced.data.savedModels).toEqual([{ id: savedModelId, name: "churn" }]);
    expect(forced.data.analyses.map((a: { id: string }) => a.id)).toEqual([analysisId]);
    expect(await stillThere()).toEqual({ dataset: 404, savedModel: 404, analysis: 404 });
    // The score recipe stays (it reads another dataset) and says at its build what is missing.
    expect((await call(`/projects/${projectId}/recipes/${score.data.id}`, { as })).status).toBe(200);
  });
});
