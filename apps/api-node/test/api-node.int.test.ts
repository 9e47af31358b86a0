import { mlLocalAvailability } from "@sous/ml-local";
import { apiNodeAdminToken } from "@sous/server-domain/api-services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiNode, startApiNode } from "../src/server.ts";
import {
  createService,
  createTestDatabase,
  saveModels,
  seedSql,
  type TestDb,
  type Trained,
  tempStorage,
  train,
} from "./fixture.ts";

// The API node's contract against the real thing: a migrated Postgres of its own, models fitted
// by the venv's scikit-learn, the portable JSON read from storage, requests over HTTP. Predictions
// are compared with scikit-learn's own on the trainer's held-out sample rows.
const baseUrl = process.env.SOUS_TEST_DATABASE_URL ?? "";
const available = mlLocalAvailability();
const ADMIN = apiNodeAdminToken(Buffer.alloc(32, 9).toString("base64"));
const MAX_BODY = 256 * 1024;

type Body = Record<string, unknown>;

describe.skipIf(!baseUrl || !available.ok)("API node", { timeout: 120_000 }, () => {
  let t: TestDb;
  let store: ReturnType<typeof tempStorage>;
  let node: ApiNode;
  let binary: Trained;
  let regression: Trained;
  let versions: string[];
  let regVersions: string[];
  let churn: Awaited<ReturnType<typeof createService>>;
  let projectId: string;

  const call = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(node.url + path, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Body, headers: r.headers };
  };
  const auth = () => ({ authorization: `Bearer ${churn.key}` });
  /** Waits (5 s at most) until the node's routes, reloaded on NOTIFY only, pass `check`. */
  const loaded = async (check: (routes: NonNullable<ApiNode["registry"]["routes"]>) => boolean) => {
    for (let i = 0; i < 200 && !check(node.registry.routes!); i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(check(node.registry.routes!)).toBe(true);
  };
  const deployed = (routes: NonNullable<ApiNode["registry"]["routes"]>, ids: string[]) =>
    routes.services
      .get("churn")
      ?.endpoints.get("label")
      ?.versions.map((v) => `${v.versionId}:${v.weight}`)
      .sort()
      .join() === [...ids].sort().join();
  /** Deploys `ids` (weight:id) on churn/label in one transaction and waits for the node to serve them. */
  const deploy = async (split: { versionId: string; weight: number }[]) => {
    await t.db.$transaction([
      t.db.apiDeployment.deleteMany({ where: { endpointId: churn.endpointId } }),
      t.db.apiDeployment.createMany({
        data: split.map((d) => ({
          endpointId: churn.endpointId,
          savedModelVersionId: d.versionId,
          weight: d.weight,
        })),
      }),
    ]);
    await loaded((r) =>
      deployed(
        r,
        split.map((d) => `${d.versionId}:${d.weight}`),
      ),
    );
  };

  beforeAll(async () => {
    t = await createTestDatabase(baseUrl, "apinode");
    store = tempStorage();
    const features = [
      { name: "x1", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
      { name: "x2", type: "numeric", impute: { method: "median" }, rescale: "minmax" },
      { name: "colour", type: "categorical", impute: { method: "most_frequent" }, maxLevels: 4 },
    ] as const;
    const [b, r] = await Promise.all([
      train(store.dataDir, seedSql(3000), {
        task: "binary",
        target: "label",
        metric: "auc",
        features: [...features],
        sampleRows: 600,
        algorithms: [
          { algorithm: "logistic", C: 1, maxIter: 1000 },
          { algorithm: "randomForest", nTrees: 25, maxDepth: 8, minSamplesLeaf: 3 },
          { algorithm: "decisionTree", maxDepth: 5, minSamplesLeaf: 3 },
        ],
      }),
      train(store.dataDir, seedSql(3000), {
        task: "regression",
        target: "amount",
        metric: "rmse",
        features: [...features],
        sampleRows: 200,
        algorithms: [{ algorithm: "linear", alpha: 1 }],
      }),
    ]);
    binary = b;
    regression = r;
    // The decision tree stands for a model without a portable form (served by the Python pool).
    const saved = await saveModels(t.db, store.storage, binary, { name: "churn", withoutPortable: [2] });
    projectId = saved.projectId;
    versions = saved.versionIds;
    regVersions = (await saveModels(t.db, store.storage, regression, { projectId, name: "amount" }))
      .versionIds;
    churn = await createService(t.db, {
      projectId,
      name: "churn",
      endpoint: "label",
      deployments: [{ versionId: versions[0]!, weight: 1 }],
      logSampleRate: 1,
    });
    await createService(t.db, {
      projectId,
      name: "open",
      endpoint: "amount",
      public: true,
      deployments: [{ versionId: regVersions[0]!, weight: 1 }],
    });
    node = await startApiNode({
      db: t.db,
      storage: store.storage,
      databaseUrl: t.url,
      adminToken: ADMIN,
      port: 0,
      host: "127.0.0.1",
      maxBodyBytes: MAX_BODY,
      maxItems: 1000,
      // Only NOTIFY reloads during the tests: a poll would hide a missing notification.
      reloadEveryMs: 3_600_000,
      requestLog: { flushEveryMs: 100 },
      log: () => {},
    });
  }, 300_000);

  afterAll(async () => {
    await node?.close();
    await t?.drop();
    store?.remove();
  });

  /** scikit-learn's answer for sample row `r` of model `m`. */
  const expected = (trained: Trained, m: number, r: number) => ({
    prediction: trained.result.models[m]!.sample.prediction[r],
    probabilities: trained.result.models[m]!.sample.probabilities?.[r],
  });
  const maxDiff = (got: Body, trained: Trained, m: number, r: number) => {
    const want = expected(trained, m, r);
    const res = got as { prediction: unknown; probas?: Record<string, number> };
    if (typeof want.prediction === "number") return Math.abs((res.prediction as number) - want.prediction);
    expect(res.prediction, `row ${r}`).toBe(want.prediction);
    const classes = trained.result.classes!.map(String);
    return Math.max(...classes.map((c, k) => Math.abs(res.probas![c]! - want.probabilities![k]!)));
  };

  it("answers /health and /ready", async () => {
    expect(await (await fetch(`${node.url}/health`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${node.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", services: 2, listening: true });
  });

  it("predicts one row as scikit-learn does, with probas, the version and timing", async () => {
    const rows = binary.result.sample.slice(0, 40);
    let worst = 0;
    for (const [r, row] of rows.entries()) {
      const res = await call("/public/api/v1/churn/label/predict", { features: row }, auth());
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        result: { ignored: false },
        version: { id: versions[0], number: 1, savedModel: "churn" },
        timing: { scoringMs: expect.any(Number), totalMs: expect.any(Number) },
      });
      expect(Object.keys((res.body.result as Body).probas as Body)).toEqual(["false", "true"]);
      worst = Math.max(worst, maxDiff(res.body.result as Body, binary, 0, r));
    }
    expect(worst).toBeLessThan(1e-9);
  });

  it("predict-multi answers every sample row in order, equal to scikit-learn (logistic and forest)", async () => {
    const items = binary.result.sample.map((features) => ({ features }));
    for (const [m, versionId] of [versions[0]!, versions[1]!].entries()) {
      await deploy([{ versionId, weight: 1 }]);
      const res = await call("/public/api/v1/churn/label/predict-multi", { items }, auth());
      expect(res.status).toBe(200);
      expect((res.body.version as Body).id).toBe(versionId);
      const results = res.body.results as Body[];
      expect(results).toHaveLength(items.length);
      // In order: result r is row r's (a shuffled answer would differ from scikit-learn's row r).
      const worst = Math.max(...results.map((got, r) => maxDiff(got, binary, m, r)));
      expect(worst, `model ${m}`).toBeLessThan(1e-9);
    }
  });

  it("answers regression with the prediction only, and a public service needs no key", async () => {
    const items = regression.result.sample.map((features) => ({ features }));
    const res = await call("/public/api/v1/open/amount/predict-multi", { items });
    expect(res.status).toBe(200);
    const results = res.body.results as Body[];
    expect(results[0]).toEqual({ prediction: expect.any(Number), ignored: false });
    expect(Math.max(...results.map((got, r) => maxDiff(got, regression, 0, r)))).toBeLessThan(1e-9);
  });

  it("imputes missing features as the model was trained to", async () => {
    const none = await call("/public/api/v1/open/amount/predict", { features: {} });
    const nulls = await call("/public/api/v1/open/amount/predict", {
      features: { x1: null, x2: null, colour: null },
    });
    expect(none.status).toBe(200);
    expect(none.body.result).toEqual(nulls.body.result);
    const row = regression.result.sample.findIndex((r) => r.x1 === null);
    expect(row).toBeGreaterThanOrEqual(0);
    const { x1: _, ...withoutX1 } = regression.result.sample[row]!;
    const res = await call("/public/api/v1/open/amount/predict", { features: withoutX1 });
    expect(maxDiff(res.body.result as Body, regression, 0, row)).toBeLessThan(1e-9);
  });

  it("refuses a wrong type with a 400 naming the feature (and the item in predict-multi)", async () => {
    const one = await call("/public/api/v1/open/amount/predict", { features: { x1: "high", x2: 3 } });
    expect(one.status).toBe(400);
    expect(one.body.error).toEqual({
      code: "invalid_input",
      message: expect.stringContaining("feature x1 is numeric"),
    });
    const multi = await call("/public/api/v1/open/amount/predict-multi", {
      items: [{ features: { x1: 1 } }, { features: { x2: { deep: true } } }],
    });
    expect(multi.status).toBe(400);
    expect((multi.body.error as Body).message).toMatch(/^item 1: feature x2 is numeric/);
    for (const bad of ["{", "[]", JSON.stringify({ features: [1] }), JSON.stringify({})]) {
      const res = await call("/public/api/v1/open/amount/predict", bad);
      expect(res.status, bad).toBe(400);
    }
    const noItems = await call("/public/api/v1/open/amount/predict-multi", { features: {} });
    expect((noItems.body.error as Body).message).toContain('"items"');
  });

  it("needs a valid key unless the service is public: 401, then Basic (DSS) and Bearer both work", async () => {
    const path = "/public/api/v1/churn/label/predict";
    const body = { features: binary.result.sample[0] };
    const without = await call(path, body);
    expect(without.status).toBe(401);
    expect(without.headers.get("www-authenticate")).toBe('Basic realm="sous"');
    expect((await call(path, body, { authorization: "Bearer sapi_wrong" })).status).toBe(401);
    const basic = `Basic ${Buffer.from(`${churn.key}:`).toString("base64")}`;
    expect((await call(path, body, { authorization: basic })).status).toBe(200);
    expect((await call(path, body, auth())).status).toBe(200);
    // The node's admin token (what the studio's test form sends) calls any service.
    expect((await call(path, body, { authorization: `Bearer ${ADMIN}` })).status).toBe(200);
    // A key of another service is no key for this one.
    const other = await createService(t.db, {
      projectId,
      name: "other",
      endpoint: "e",
      deployments: [{ versionId: versions[0]!, weight: 1 }],
    });
    await loaded((r) => r.services.has("other"));
    expect((await call(path, body, { authorization: `Bearer ${other.key}` })).status).toBe(401);
    // Revoking takes effect without a restart.
    const keys = () => node.registry.routes!.services.get("churn")!.keyHashes.size;
    await t.db.apiServiceKey.update({ where: { id: churn.keyId }, data: { revokedAt: new Date() } });
    await loaded(() => keys() === 0);
    expect((await call(path, body, auth())).status).toBe(401);
    await t.db.apiServiceKey.update({ where: { id: churn.keyId }, data: { revokedAt: null } });
    await loaded(() => keys() === 1);
    expect((await call(path, body, auth())).status).toBe(200);
  });

  it("answers 404 for an unknown service, endpoint or action", async () => {
    const a = await call("/public/api/v1/nope/label/predict", { features: {} }, auth());
    expect(a.status).toBe(404);
    expect((a.body.error as Body).message).toBe("no API service named nope");
    const b = await call("/public/api/v1/churn/nope/predict", { features: {} }, auth());
    expect(b.status).toBe(404);
    expect((b.body.error as Body).message).toBe("API service churn has no endpoint nope");
    expect((await call("/public/api/v1/churn/label/explain", { features: {} }, auth())).status).toBe(404);
    expect((await call("/elsewhere", {})).status).toBe(404);
    // A malformed escape is an unknown route, not a server error.
    expect((await call("/public/api/v1/%E0%A4%A/label/predict", { features: {} })).status).toBe(404);
  });

  it("caps the request body at 413, declared or streamed, and predict-multi items", async () => {
    const items = Array.from({ length: 3000 }, () => ({ features: { x1: 1.5, x2: 2.5, colour: "red" } }));
    const big = await call("/public/api/v1/open/amount/predict-multi", { items });
    expect(big.status).toBe(413);
    expect((big.body.error as Body).code).toBe("payload_too_large");
    // Streamed without a content-length: cut once past the cap.
    const chunk = new TextEncoder().encode(`${" ".repeat(64 * 1024)}`);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent++ < 8) c.enqueue(chunk);
        else c.close();
      },
    });
    const r = await fetch(`${node.url}/public/api/v1/open/amount/predict`, {
      method: "POST",
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(r.status).toBe(413);
    const many = await call("/public/api/v1/open/amount/predict-multi", {
      items: Array.from({ length: 1001 }, () => ({ features: {} })),
    });
    expect(many.status).toBe(413);
    expect((many.body.error as Body).message).toBe("at most 1000 items per request, got 1001");
  });

  it("serves a model without a portable form through the Python pool, as scikit-learn predicts", async () => {
    const svc = await createService(t.db, {
      projectId,
      name: "tree",
      endpoint: "t",
      public: true,
      deployments: [{ versionId: versions[2]!, weight: 1 }],
    });
    await loaded((r) => r.services.has("tree"));
    const sample = binary.result.sample;
    const multi = await call(`/public/api/v1/${svc.service.name}/t/predict-multi`, {
      items: sample.map((features) => ({ features })),
    });
    expect(multi.status).toBe(200);
    const results = multi.body.results as Body[];
    expect(results).toHaveLength(sample.length);
    expect(Math.max(...results.map((r, i) => maxDiff(r, binary, 2, i)))).toBeLessThanOrEqual(1e-9);
    const one = await call(`/public/api/v1/${svc.service.name}/t/predict`, { features: sample[3] });
    expect(one.status).toBe(200);
    expect(maxDiff(one.body.result as Body, binary, 2, 3)).toBeLessThanOrEqual(1e-9);
    expect(one.body.version).toMatchObject({ number: 3, savedModel: "churn" });

    // Wrong types name the feature (and the item), as for portable models.
    const wrong = await call(`/public/api/v1/${svc.service.name}/t/predict`, { features: { x1: "ten" } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toEqual({
      code: "invalid_input",
      message: expect.stringMatching(/^feature x1 is numeric/),
    });
    const wrongItem = await call(`/public/api/v1/${svc.service.name}/t/predict-multi`, {
      items: [{ features: {} }, { features: { colour: { a: 1 } } }],
    });
    expect(wrongItem.status).toBe(400);
    expect(wrongItem.body.error).toMatchObject({
      message: expect.stringMatching(/^item 1: feature colour is categorical/),
    });
  });

  it("switches versions on NOTIFY while requests flow, without one error", async () => {
    await deploy([{ versionId: versions[0]!, weight: 1 }]);
    const seen: { version: string; status: number }[] = [];
    let stop = false;
    const row = binary.result.sample[5]!;
    const client = async () => {
      while (!stop) {
        const res = await call("/public/api/v1/churn/label/predict", { features: row }, auth());
        seen.push({ status: res.status, version: (res.body.version as Body | undefined)?.id as string });
      }
    };
    const clients = Array.from({ length: 8 }, client);
    await new Promise((r) => setTimeout(r, 300));
    // Three switches back and forth under load: each is a delete + insert in one transaction.
    for (const v of [versions[1]!, versions[0]!, versions[1]!]) {
      await deploy([{ versionId: v, weight: 1 }]);
      await new Promise((r) => setTimeout(r, 200));
    }
    const afterSwitch = seen.length;
    await new Promise((r) => setTimeout(r, 200));
    stop = true;
    await Promise.all(clients);
    expect(seen.length).toBeGreaterThan(100);
    expect(seen.filter((s) => s.status !== 200)).toEqual([]);
    expect(new Set(seen.map((s) => s.version))).toEqual(new Set([versions[0], versions[1]]));
    // Requests started after the last reload are all answered by the last version deployed.
    expect(new Set(seen.slice(afterSwitch + 8).map((s) => s.version))).toEqual(new Set([versions[1]]));
  });

  it("splits traffic by weight (A/B) and names the answering version, whose prediction it is", async () => {
    await deploy([
      { versionId: versions[0]!, weight: 1 },
      { versionId: versions[1]!, weight: 3 },
    ]);
    const N = 1200;
    const counts = new Map<string, number>();
    let worst = 0;
    for (let i = 0; i < N; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, k) => {
          const r = (i + k) % binary.result.sample.length;
          const res = await call(
            "/public/api/v1/churn/label/predict",
            { features: binary.result.sample[r] },
            auth(),
          );
          expect(res.status).toBe(200);
          const v = (res.body.version as Body).id as string;
          counts.set(v, (counts.get(v) ?? 0) + 1);
          worst = Math.max(worst, maxDiff(res.body.result as Body, binary, versions.indexOf(v), r));
        }),
      );
    }
    const share = (counts.get(versions[1]!) ?? 0) / N;
    // 0.75 expected; the binomial standard deviation at N = 1200 is 0.0125: 4 of them either side.
    expect(share).toBeGreaterThan(0.7);
    expect(share).toBeLessThan(0.8);
    expect(worst).toBeLessThan(1e-9);
  });

  it("counts requests and latency per endpoint, readable with the admin token only", async () => {
    const unauth = await fetch(`${node.url}/admin/api/v1/metrics`);
    expect(unauth.status).toBe(401);
    const r = await fetch(`${node.url}/admin/api/v1/metrics?service=churn`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    const m = (await r.json()) as { endpoints: Body[] };
    expect(m.endpoints).toHaveLength(1);
    const e = m.endpoints[0]!;
    expect(e).toMatchObject({ service: "churn", endpoint: "label", clientErrors: expect.any(Number) });
    expect(e.requests as number).toBeGreaterThan(1200);
    expect(e.clientErrors as number).toBeGreaterThan(0); // the 401s above
    expect(e.serverErrors).toBe(0);
    expect(Object.keys(e.byVersion as Body).sort()).toEqual([versions[0], versions[1]].sort());
    const lat = e.latencyMs as { p50: number; p99: number };
    expect(lat.p50).toBeGreaterThan(0);
    expect(lat.p99).toBeGreaterThanOrEqual(lat.p50);
  });

  it("reports its event loop's delay to the admin token, per window", async () => {
    const reset = (headers: Record<string, string> = {}) =>
      fetch(`${node.url}/admin/api/v1/event-loop/reset`, { method: "POST", headers });
    expect((await reset()).status).toBe(401);
    const admin = { authorization: `Bearer ${ADMIN}` };
    const first = (await (await reset(admin)).json()) as { eventLoopDelayMs: Body | null };
    // The node has run since it started: the first window has samples, ordered percentiles.
    const d = first.eventLoopDelayMs as { p50: number; p99: number; max: number; samples: number };
    expect(d.samples).toBeGreaterThan(0);
    expect(d.p50).toBeLessThanOrEqual(d.p99);
    expect(d.p99).toBeLessThanOrEqual(d.max);
    const m = (await (await fetch(`${node.url}/admin/api/v1/metrics`, { headers: admin })).json()) as Body;
    expect(m).toHaveProperty("eventLoopDelayMs");
    expect((await fetch(`${node.url}/admin/api/v1/event-loop/reset`, { headers: admin })).status).toBe(405);
  });

  it("writes the sampled request log in batches: features, prediction, version, latency", async () => {
    await node.requestLog.flush();
    const rows = await t.db.apiRequestLog.findMany({ where: { endpointId: churn.endpointId }, take: 5000 });
    // logSampleRate 1: every successful prediction of the endpoint is there.
    expect(rows.length).toBeGreaterThan(1200);
    const row = rows.find((r) => r.savedModelVersionId === versions[1]);
    expect(row?.features).toMatchObject({ x2: expect.any(Number) });
    expect(row?.prediction).toMatchObject({
      prediction: expect.any(Boolean),
      probas: { true: expect.any(Number) },
    });
    expect(row?.latencyMs).toBeGreaterThan(0);
    expect(node.requestLog.dropped).toBe(0);
  });

  it("publishes an OpenAPI document per service from the model's features", async () => {
    const r = await fetch(`${node.url}/public/api/v1/churn/openapi.json`, { headers: auth() });
    const doc = (await r.json()) as { paths: Record<string, Body> };
    const predict = doc.paths["/public/api/v1/churn/label/predict"] as Body;
    const schema = JSON.stringify(predict);
    for (const f of ["x1", "x2", "colour"]) expect(schema).toContain(`"${f}"`);
    expect(schema).toContain('"enum":[false,true]');
    expect(doc.paths["/public/api/v1/churn/label/predict-multi"]).toBeDefined();
    expect((await fetch(`${node.url}/public/api/v1/churn/openapi.json`)).status).toBe(401);
  });
});
