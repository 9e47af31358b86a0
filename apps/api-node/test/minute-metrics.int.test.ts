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
  tempStorage,
  train,
} from "./fixture.ts";

// Minute aggregates in Postgres: two API node processes serve the same endpoint, each writes its
// own ApiEndpointMinute rows, and their sums are exactly the requests sent to both; a process
// writes nothing until its flush (recording is in memory), and a restarted process adds rows of
// its own while the rows written before the restart stay.
const baseUrl = process.env.SOUS_TEST_DATABASE_URL ?? "";
const available = mlLocalAvailability();
const ADMIN = apiNodeAdminToken(Buffer.alloc(32, 7).toString("base64"));

describe.skipIf(!baseUrl || !available.ok)("API node minute aggregates", { timeout: 120_000 }, () => {
  let t: TestDb;
  let store: ReturnType<typeof tempStorage>;
  let versions: string[];
  let service: Awaited<ReturnType<typeof createService>>;
  const nodes: ApiNode[] = [];

  const start = (processId: string, flushEveryMs: number) =>
    startApiNode({
      db: t.db,
      storage: store.storage,
      databaseUrl: t.url,
      adminToken: ADMIN,
      port: 0,
      host: "127.0.0.1",
      maxBodyBytes: 64 * 1024,
      maxItems: 100,
      reloadEveryMs: 60_000,
      metrics: { processId, flushEveryMs },
      log: () => {},
    }).then((n) => {
      nodes.push(n);
      return n;
    });
  const stop = async (node: ApiNode) => {
    nodes.splice(nodes.indexOf(node), 1);
    await node.close();
  };
  const post = async (node: ApiNode, path: string, body: unknown) => {
    const r = await fetch(`${node.url}/public/api/v1/minutes/score/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${service.key}` },
      body: JSON.stringify(body),
    });
    await r.arrayBuffer();
    return r.status;
  };
  /** Sends `ok` single predictions, one predict-multi of `multi` rows and `bad` wrongly typed ones. */
  const traffic = async (node: ApiNode, ok: number, multi: number, bad: number) => {
    for (let i = 0; i < ok; i++)
      expect(await post(node, "predict", { features: { x1: i - 5, x2: 40, colour: "red" } })).toBe(200);
    const items = Array.from({ length: multi }, (_, i) => ({ features: { x1: i, colour: "blue" } }));
    expect(await post(node, "predict-multi", { items })).toBe(200);
    for (let i = 0; i < bad; i++) expect(await post(node, "predict", { features: { x1: "many" } })).toBe(400);
  };
  const rows = () =>
    t.db.apiEndpointMinute.findMany({
      where: { endpointId: service.endpointId },
      orderBy: { minute: "asc" },
    });
  const sums = async () => {
    const all = await rows();
    const byVersion: Record<string, number> = {};
    for (const r of all)
      for (const [v, n] of Object.entries(r.byVersion as Record<string, number>))
        byVersion[v] = (byVersion[v] ?? 0) + n;
    return {
      processes: [...new Set(all.map((r) => r.processId))].sort(),
      requests: all.reduce((a, r) => a + r.requests, 0),
      predictions: all.reduce((a, r) => a + r.predictions, 0),
      clientErrors: all.reduce((a, r) => a + r.clientErrors, 0),
      serverErrors: all.reduce((a, r) => a + r.serverErrors, 0),
      byVersion,
    };
  };
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await check()).toBe(true);
  };

  beforeAll(async () => {
    t = await createTestDatabase(baseUrl, "apiminutes");
    store = tempStorage();
    const trained = await train(store.dataDir, seedSql(400), {
      task: "binary",
      target: "label",
      metric: "auc",
      features: [
        { name: "x1", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
        { name: "x2", type: "numeric", impute: { method: "median" }, rescale: "none" },
        { name: "colour", type: "categorical", impute: { method: "most_frequent" }, maxLevels: 4 },
      ],
      sampleRows: 10,
      algorithms: [{ algorithm: "logistic", C: 1, maxIter: 500 }],
    });
    versions = (await saveModels(t.db, store.storage, trained, { name: "minutes" })).versionIds;
    const project = await t.db.savedModelVersion.findUniqueOrThrow({
      where: { id: versions[0]! },
      select: { savedModel: { select: { projectId: true } } },
    });
    service = await createService(t.db, {
      projectId: project.savedModel.projectId,
      name: "minutes",
      endpoint: "score",
      deployments: [{ versionId: versions[0]!, weight: 1 }],
    });
  });

  afterAll(async () => {
    for (const n of nodes) await n.close().catch(() => {});
    await t?.drop();
    store?.remove();
  });

  it("sums two processes' minute rows, writes nothing before a flush, and keeps them over a restart", async () => {
    const a = await start("node-a#1", 200);
    // B flushes only when it closes: its requests must not reach Postgres before.
    const b = await start("node-b#1", 3_600_000);
    await Promise.all([traffic(a, 30, 7, 3), traffic(b, 20, 5, 2)]);
    await until(async () => (await sums()).requests === 34);
    expect(await sums()).toEqual({
      processes: ["node-a#1"],
      requests: 34,
      predictions: 37,
      clientErrors: 3,
      serverErrors: 0,
      byVersion: { [versions[0]!]: 31 },
    });
    expect(b.metrics.minutesWritten).toBe(0);

    // B stops (a graceful close writes what it holds); A restarts under a new process id.
    await stop(b);
    await stop(a);
    const before = await sums();
    expect(before).toEqual({
      processes: ["node-a#1", "node-b#1"],
      requests: 34 + 23,
      predictions: 37 + 25,
      clientErrors: 5,
      serverErrors: 0,
      byVersion: { [versions[0]!]: 31 + 21 },
    });
    const a2 = await start("node-a#2", 200);
    await traffic(a2, 10, 4, 1);
    await until(async () => (await sums()).requests === 57 + 12);
    const after = await sums();
    expect(after).toEqual({
      processes: ["node-a#1", "node-a#2", "node-b#1"],
      requests: 57 + 12,
      predictions: 62 + 14,
      clientErrors: 6,
      serverErrors: 0,
      byVersion: { [versions[0]!]: 52 + 11 },
    });
    // Every row's latencies are ordered and plausible for a loopback call of a logistic model.
    for (const r of await rows()) {
      expect(r.minute.getTime() % 60_000).toBe(0);
      expect(r.p50Ms).toBeGreaterThan(0);
      expect(r.p50Ms).toBeLessThanOrEqual(r.p95Ms);
      expect(r.p95Ms).toBeLessThanOrEqual(r.p99Ms);
      expect(r.p99Ms).toBeLessThanOrEqual(r.maxMs);
      expect(r.maxMs).toBeLessThan(5000);
    }
    // Flushing again without new traffic writes nothing (only changed minutes are upserted).
    const written = a2.metrics.minutesWritten;
    await a2.metrics.flush();
    expect(a2.metrics.minutesWritten).toBe(written);
  });

  it("skips the rows of an endpoint deleted meanwhile instead of failing the flush", async () => {
    const other = await createService(t.db, {
      projectId: (await t.db.apiService.findUniqueOrThrow({ where: { id: service.service.id } })).projectId,
      name: "gone",
      endpoint: "score",
      deployments: [{ versionId: versions[0]!, weight: 1 }],
    });
    const n = await start("node-c#1", 3_600_000);
    const r = await fetch(`${n.url}/public/api/v1/gone/score/predict`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${other.key}` },
      body: JSON.stringify({ features: { x1: 1 } }),
    });
    expect(r.status).toBe(200);
    await t.db.apiService.delete({ where: { id: other.service.id } });
    await n.metrics.flush();
    expect(n.metrics.flushErrors).toBe(0);
    expect(await t.db.apiEndpointMinute.count({ where: { processId: "node-c#1" } })).toBe(0);
  });
});
