import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { createDb, type Db } from "@sous/db";
import { MlDesignSchema } from "@sous/ml";
import { createLocalStorage, localStorageRoot } from "@sous/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminKey,
  type Caller,
  call,
  createProject,
  hasStudio,
  loginAs,
  uniqueKey,
  withApiKey,
} from "./api-client.ts";

// API services through the studio's REST API, served by the stack's real API node: create a service
// from a saved model version, key it, call it, split traffic, make it public, revoke, read the
// counters, delete. The saved model versions are written as the Lab writes them (rows + portable
// JSON in the stack's storage), with small hand-made logistic models whose answers are known.
const nodeUrl = process.env.SOUS_TEST_API_NODE_URL ?? "";
const databaseUrl = process.env.SOUS_TEST_DATABASE_URL ?? "";
const dataDir = process.env.SOUS_TEST_STACK_DATA_DIR ?? "";

/** A logistic model on x (numeric) and colour (red/blue/others): P(true) = sigmoid(sign * x). */
const portable = (sign: number) => ({
  format: "sous-portable-model",
  version: 1,
  task: "binary",
  classes: [false, true],
  features: [
    { name: "x", type: "numeric", impute: 0, rescale: { kind: "none" } },
    { name: "colour", type: "categorical", impute: "red", levels: ["red", "blue"], others: true },
  ],
  model: { kind: "linear", link: "logistic", coefficients: [[sign, 0, 0, 0]], intercepts: [0] },
});

describe.skipIf(!hasStudio || !nodeUrl || !databaseUrl || !dataDir)(
  "API services (studio + API node)",
  () => {
    let as: Caller;
    let db: Db;
    let projectId = "";
    const versions: string[] = [];
    let serviceId = "";
    let endpointId = "";
    let key = "";
    const name = uniqueKey("svc").toLowerCase();
    const base = () => `/projects/${projectId}/api-services`;
    const predict = (features: unknown, headers: Record<string, string> = {}) =>
      fetch(`${nodeUrl}/public/api/v1/${name}/score/predict`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ features }),
        // biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed JSON and assert on it
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, any> }));
    /** The node reloads on NOTIFY: wait (5 s at most) for a call to answer `status`. */
    const eventually = async (status: number, headers: Record<string, string> = {}) => {
      let last = 0;
      for (let i = 0; i < 100; i++) {
        last = (await predict({ x: 2 }, headers)).status;
        if (last === status) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(last).toBe(status);
    };

    beforeAll(async () => {
      as = await adminKey();
      projectId = (await createProject(as, "api services", "AS")).id;
      db = createDb({ databaseUrl });
      const storage = createLocalStorage({ root: localStorageRoot(dataDir) });
      // The training dataset, uploaded as a user would: the test form takes rows from it.
      const upload = await call(`/projects/${projectId}/datasets?name=rows`, {
        method: "POST",
        body: "x,colour,label\n2.5,red,true\n-3,blue,false\n",
        headers: { "content-type": "text/csv" },
        as,
      });
      expect(upload.status).toBe(201);
      const dataset = { id: upload.data.id as string };
      const saved = await db.savedModel.create({ data: { projectId, name: "sign", datasetId: dataset.id } });
      for (const [i, sign] of [1, -1].entries()) {
        const portableKey = `projects/${projectId}/ml/trainings/t${randomBytes(4).toString("hex")}/model-${i}.json`;
        await storage.putStream(portableKey, Readable.from([JSON.stringify(portable(sign))]));
        const v = await db.savedModelVersion.create({
          data: {
            savedModelId: saved.id,
            number: i + 1,
            modelIndex: i,
            task: "binary",
            algorithm: { algorithm: "logistic", C: 1, maxIter: 100 },
            metrics: {},
            classes: [false, true],
            portableKey,
            artifactKey: `${portableKey}.pkl`,
          },
        });
        versions.push(v.id);
      }
    });
    afterAll(async () => {
      if (projectId) await call(`/projects/${projectId}`, { method: "DELETE", as }).catch(() => {});
      await db?.project.deleteMany({ where: { id: projectId } });
    });

    it("lists the project's saved model versions an endpoint can serve", async () => {
      const r = await call(`${base()}/model-versions`, { as });
      expect(r.status).toBe(200);
      expect(r.data.map((v: { number: number; servable: boolean }) => [v.number, v.servable])).toEqual([
        [2, true],
        [1, true],
      ]);
    });

    it("creates a service from a version; names are unique, versions must be the project's", async () => {
      const r = await call(base(), {
        method: "POST",
        json: { name, endpoint: { name: "score", savedModelVersionId: versions[0] } },
        as,
      });
      expect(r.status).toBe(201);
      serviceId = r.data.id;
      endpointId = r.data.endpoints[0].id;
      expect(r.data).toMatchObject({
        name,
        public: false,
        url: expect.stringMatching(new RegExp(`/public/api/v1/${name}$`)),
        keys: [],
        endpoints: [
          {
            name: "score",
            deployments: [{ weight: 100, version: { id: versions[0], number: 1, savedModelName: "sign" } }],
            features: [
              { name: "x", type: "numeric", example: 0 },
              { name: "colour", type: "categorical", example: "red" },
            ],
          },
        ],
      });
      const again = await call(base(), {
        method: "POST",
        json: { name, endpoint: { name: "score", savedModelVersionId: versions[0] } },
        as,
      });
      expect(again.status).toBe(409);
      const foreign = await call(base(), {
        method: "POST",
        json: {
          name: `${name}x`,
          endpoint: { name: "score", savedModelVersionId: "cnotaversion000000000000" },
        },
        as,
      });
      expect(foreign.status).toBe(404);
      const bad = await call(base(), {
        method: "POST",
        json: { name: "has space", endpoint: { name: "score", savedModelVersionId: versions[0] } },
        as,
      });
      expect(bad.status).toBe(400);
    });

    it("creates a key shown once; the API node then answers with it, and 401 without", async () => {
      const r = await call(`${base()}/${serviceId}/keys`, { method: "POST", json: { name: "crm" }, as });
      expect(r.status).toBe(201);
      key = r.data.key;
      expect(key).toMatch(/^sapi_/);
      const list = await call(base(), { as });
      expect(JSON.stringify(list.data)).not.toContain(key);
      expect(list.data[0].keys).toEqual([
        { id: r.data.id, name: "crm", prefix: key.slice(0, 11), createdAt: expect.any(String) },
      ]);
      await eventually(200, { authorization: `Bearer ${key}` });
      const ok = await predict({ x: 2 }, { authorization: `Bearer ${key}` });
      expect(ok.body.result.prediction).toBe(true);
      expect(ok.body.result.probas.true).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
      expect(ok.body.version).toEqual({ id: versions[0], number: 1, savedModel: "sign" });
      expect((await predict({ x: 2 })).status).toBe(401);
    });

    it("splits traffic between two versions, each answer naming its version", async () => {
      const r = await call(`${base()}/${serviceId}/endpoints/${endpointId}/deployments`, {
        method: "PUT",
        json: {
          deployments: [
            { savedModelVersionId: versions[0], weight: 1 },
            { savedModelVersionId: versions[1], weight: 1 },
          ],
        },
        as,
      });
      expect(r.status).toBe(200);
      const seen = new Map<string, boolean>();
      for (let i = 0; i < 200 && seen.size < 2; i++) {
        const a = await predict({ x: 2 }, { authorization: `Bearer ${key}` });
        seen.set(a.body.version.id, a.body.result.prediction);
        await new Promise((res) => setTimeout(res, 10));
      }
      // Version 1 says sigmoid(x), version 2 sigmoid(-x): each answer is its version's.
      expect(Object.fromEntries(seen)).toEqual({ [versions[0]!]: true, [versions[1]!]: false });
      const dup = await call(`${base()}/${serviceId}/endpoints/${endpointId}/deployments`, {
        method: "PUT",
        json: {
          deployments: [versions[0], versions[0]].map((id) => ({ savedModelVersionId: id, weight: 1 })),
        },
        as,
      });
      expect(dup.status).toBe(400);
    });

    it("gives the test form a row of the training data, with the model's features only", async () => {
      const r = await call(`${base()}/${serviceId}/training-row?endpoint=score&index=1`, { as });
      expect(r.status).toBe(200);
      expect(r.data).toEqual({ features: { x: -3, colour: "blue" }, row: 1, rows: 2 });
      const none = await call(`${base()}/${serviceId}/training-row?endpoint=nope`, { as });
      expect(none.status).toBe(404);
    });

    it("lists every input column of a model once: ordinal, per-class target and date features, and a pickle's design", async () => {
      const storage = createLocalStorage({ root: localStorageRoot(dataDir) });
      const prefix = `projects/${projectId}/ml/trainings/t${randomBytes(4).toString("hex")}/`;
      // A multiclass model's portable form: a target-encoded column repeats once per class.
      const wide = {
        ...portable(1),
        task: "multiclass",
        classes: ["a", "b", "c"],
        features: [
          { name: "x", type: "numeric", impute: 0.5, rescale: { kind: "none" } },
          { name: "size", type: "ordinal", impute: "M", levels: ["S", "M"], codes: [0, 1], unseen: -1 },
          ...["a", "b"].map((c) => ({ name: "shop", type: "target", impute: "north", forClass: c })),
          { name: "day", type: "date", parts: [{ part: "month", impute: 6, rescale: { kind: "none" } }] },
        ],
      };
      await storage.putStream(`${prefix}wide.json`, Readable.from([JSON.stringify(wide)]));
      // A model without a portable form (the node scores its pickle): the training's design names its columns.
      const design = MlDesignSchema.parse({
        task: "binary",
        target: "label",
        features: [
          { name: "x", type: "numeric", impute: { method: "mean" }, rescale: "standard", include: true },
          { name: "id", type: "numeric", impute: { method: "mean" }, rescale: "none", include: false },
          { name: "note", type: "text", method: "tfidf", maxFeatures: 100, include: true },
          {
            name: "colour",
            type: "categorical",
            impute: { method: "most_frequent" },
            maxLevels: 8,
            include: true,
          },
        ],
        validation: { kind: "random_split", testRatio: 0.2, seed: 1 },
        algorithms: [{ algorithm: "logistic", C: 1, maxIter: 100 }],
        metric: "auc",
        engine: { kind: "local" },
      });
      const dataset = (await db.dataset.findFirstOrThrow({ where: { projectId, name: "rows" } })).id;
      const job = await db.job.create({
        data: { projectId, mode: "train", targets: [], state: "SUCCEEDED" },
      });
      const analysis = await db.mlAnalysis.create({
        data: { projectId, datasetId: dataset, name: "wide", design },
      });
      const training = await db.mlTraining.create({
        data: { analysisId: analysis.id, jobId: job.id, number: 1, design, artifactsPrefix: prefix },
      });
      const saved = await db.savedModel.create({ data: { projectId, name: "wide", datasetId: dataset } });
      const version = (number: number, portableKey: string | null) =>
        db.savedModelVersion.create({
          data: {
            savedModelId: saved.id,
            trainingId: training.id,
            number,
            modelIndex: number - 1,
            task: number === 1 ? "multiclass" : "binary",
            algorithm: { algorithm: "logistic", C: 1, maxIter: 100 },
            metrics: {},
            portableKey,
            artifactKey: `${prefix}model-${number}.pkl`,
          },
        });
      const [portableVersion, pickleVersion] = [
        await version(1, `${prefix}wide.json`),
        await version(2, null),
      ];
      const featuresOf = async (savedModelVersionId: string) => {
        const r = await call(base(), {
          method: "POST",
          json: { name: uniqueKey("wide").toLowerCase(), endpoint: { name: "score", savedModelVersionId } },
          as,
        });
        expect(r.status).toBe(201);
        await call(`${base()}/${r.data.id}`, { method: "DELETE", as });
        return r.data.endpoints[0].features;
      };
      expect(await featuresOf(portableVersion.id)).toEqual([
        { name: "x", type: "numeric", example: 0.5 },
        { name: "size", type: "categorical", example: "M" },
        { name: "shop", type: "categorical", example: "north" },
        { name: "day", type: "date", example: null },
      ]);
      expect(await featuresOf(pickleVersion.id)).toEqual([
        { name: "x", type: "numeric", example: null },
        { name: "note", type: "text", example: null },
        { name: "colour", type: "categorical", example: null },
      ]);
    });

    it("calls the service from the test form and reads the node's counters", async () => {
      const t = await call(`${base()}/${serviceId}/test`, {
        method: "POST",
        json: { endpoint: "score", features: { x: "no" } },
        as,
      });
      expect(t.data).toEqual({
        status: 400,
        body: { error: { code: "invalid_input", message: expect.stringContaining("feature x is numeric") } },
      });
      // The figures are the API node's minute rows in Postgres, written every ~10 s.
      let m = await call(`${base()}/${serviceId}/metrics`, { as });
      for (let i = 0; i < 60 && !(m.data.endpoints[0]?.clientErrors >= 2); i++) {
        await new Promise((r) => setTimeout(r, 500));
        m = await call(`${base()}/${serviceId}/metrics`, { as });
      }
      expect(m.status).toBe(200);
      const e = m.data.endpoints[0];
      expect(e.endpoint).toBe("score");
      expect(e.requests).toBeGreaterThan(2);
      expect(e.clientErrors).toBeGreaterThanOrEqual(2); // the 401 and the test form's 400
      expect(Object.keys(e.byVersion).sort()).toEqual([...versions].sort());
      expect(e.latencyMs.p99).toBeGreaterThanOrEqual(e.latencyMs.p50);
    });

    it("writes an endpoint's request log as a dataset, a new version on each run; an empty log is a 409", async () => {
      const add = (endpoint: string) =>
        call(`${base()}/${serviceId}/endpoints`, {
          method: "POST",
          json: { name: endpoint, savedModelVersionId: versions[0] },
          as,
        }).then((r) => r.data.endpoints.find((e: { name: string }) => e.name === endpoint).id as string);
      const monitor = await add("monitor");
      const quiet = await add("quiet");
      const t0 = Date.parse("2026-03-01T10:00:00.000Z");
      // As the API node logs them; a feature named like a fixed column ("prediction") is prefixed.
      await db.apiRequestLog.createMany({
        data: [
          { x: 2, colour: "red", prediction: 1, p: [0.1, 0.9], pred: true, v: 0 },
          { x: -1.5, colour: "blue", prediction: 2, p: [0.8, 0.2], pred: false, v: 1 },
          { x: 0.5, colour: null, prediction: 3, p: [0.4, 0.6], pred: true, v: 1 },
        ].map((r, i) => ({
          endpointId: monitor,
          savedModelVersionId: versions[r.v]!,
          features: { x: r.x, colour: r.colour, prediction: r.prediction },
          prediction: { prediction: r.pred, probas: { false: r.p[0], true: r.p[1] } },
          latencyMs: 1.25 + i,
          at: new Date(t0 + i * 60_000),
        })),
      });
      const route = (endpoint: string) => `${base()}/${serviceId}/endpoints/${endpoint}/request-log/dataset`;
      const dsName = `${name}_monitor_requests`;
      const first = await call(route(monitor), { method: "POST", json: { name: dsName }, as });
      expect(first.status).toBe(201);
      expect(first.data.name).toBe(dsName);
      expect(first.data.currentVersion).toMatchObject({ number: 1, rowCount: 3 });
      expect(first.data.schema).toEqual([
        { name: "at", type: "timestamp" },
        { name: "model_version", type: "bigint" },
        { name: "latency_ms", type: "double" },
        { name: "prediction", type: "boolean" },
        { name: "proba_false", type: "double" },
        { name: "proba_true", type: "double" },
        { name: "colour", type: "string" },
        { name: "feature_prediction", type: "bigint" },
        { name: "x", type: "double" },
      ]);
      const preview = await call(`/projects/${projectId}/datasets/${first.data.id}/preview?limit=10`, { as });
      expect(preview.status).toBe(200);
      // Newest first.
      expect(preview.data.rows.map((r: unknown[]) => r.slice(1))).toEqual([
        [2, 3.25, true, 0.4, 0.6, null, 3, 0.5],
        [2, 2.25, false, 0.8, 0.2, "blue", 2, -1.5],
        [1, 1.25, true, 0.1, 0.9, "red", 1, 2],
      ]);
      expect(String(preview.data.rows[0][0])).toMatch(/^2026-03-01[ T]10:02:00/);

      // Re-running refreshes the monitoring data: the next version of the same dataset.
      await db.apiRequestLog.create({
        data: {
          endpointId: monitor,
          savedModelVersionId: versions[0]!,
          features: { x: 1, colour: "red", prediction: 4 },
          prediction: { prediction: true, probas: { false: 0.3, true: 0.7 } },
          latencyMs: 0.5,
          at: new Date(t0 + 10 * 60_000),
        },
      });
      const second = await call(route(monitor), { method: "POST", json: { name: dsName }, as });
      expect(second.status).toBe(201);
      expect(second.data.id).toBe(first.data.id);
      expect(second.data.currentVersion).toMatchObject({ number: 2, rowCount: 4 });
      const newest = await call(route(monitor), { method: "POST", json: { name: dsName, rows: 2 }, as });
      expect(newest.data.currentVersion).toMatchObject({ number: 3, rowCount: 2 });
      const noRows = await call(route(monitor), { method: "POST", json: { name: dsName, rows: 0 }, as });
      expect(noRows.status).toBe(400);

      const empty = await call(route(quiet), { method: "POST", json: { name: `${name}_quiet` }, as });
      expect(empty.status).toBe(409);
      expect(empty.data.error.message).toContain("no logged requests");
      const foreign = await call(route("cnotanendpoint0000000000"), {
        method: "POST",
        json: { name: "x" },
        as,
      });
      expect(foreign.status).toBe(404);
    });

    it("makes a service public (administrators only), revokes keys, and deletes", async () => {
      const email = `${uniqueKey("as").toLowerCase()}@example.com`;
      await call("/admin/users", {
        method: "POST",
        json: { email, name: "Editor", password: "a-long-password" },
        as,
      });
      await call(`/projects/${projectId}/members`, { method: "PUT", json: { email, role: "EDITOR" }, as });
      const editor = await withApiKey(await loginAs(email, "a-long-password"));
      const byEditor = await call(`${base()}/${serviceId}`, {
        method: "PATCH",
        json: { public: true },
        as: editor,
      });
      expect(byEditor.status).toBe(403);
      const byAdmin = await call(`${base()}/${serviceId}`, { method: "PATCH", json: { public: true }, as });
      expect(byAdmin.data.public).toBe(true);
      await eventually(200);
      await call(`${base()}/${serviceId}`, { method: "PATCH", json: { public: false }, as });
      const keyId = (await call(base(), { as })).data[0].keys[0].id;
      expect((await call(`${base()}/${serviceId}/keys/${keyId}`, { method: "DELETE", as })).status).toBe(204);
      await eventually(401, { authorization: `Bearer ${key}` });
      expect((await call(`${base()}/${serviceId}`, { method: "DELETE", as })).status).toBe(204);
      await eventually(404, { authorization: `Bearer ${key}` });
    });
  },
);
