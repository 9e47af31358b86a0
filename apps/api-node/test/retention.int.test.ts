import { mlLocalAvailability } from "@sous/ml-local";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pruneApiHistory } from "../src/retention.ts";
import { type ApiNode, startApiNode } from "../src/server.ts";
import {
  apiNodeAdminToken,
  createService,
  createTestDatabase,
  saveModels,
  seedSql,
  type TestDb,
  tempStorage,
  train,
} from "./fixture.ts";

// The API node's history does not grow without end: sampled request-log rows older than the
// request-log retention and minute rows older than the metrics retention are deleted, for every
// endpoint, in batches (12,000 old rows of one endpoint take three), and newer rows stay. The
// node runs it on a timer of its own.
const baseUrl = process.env.SOUS_TEST_DATABASE_URL ?? "";
const available = mlLocalAvailability();
const DAY = 24 * 60 * 60 * 1000;

describe.skipIf(!baseUrl || !available.ok)("API node history retention", { timeout: 120_000 }, () => {
  let t: TestDb;
  let store: ReturnType<typeof tempStorage>;
  let sql: pg.Client;
  const endpoints: string[] = [];
  let versionId: string;

  /** `n` request-log rows and one minute row per endpoint, `daysAgo` old. */
  const seed = async (endpointId: string, n: number, daysAgo: number, processId: string) => {
    const at = new Date(Date.now() - daysAgo * DAY).toISOString();
    await sql.query(
      `INSERT INTO "ApiRequestLog" ("endpointId", "savedModelVersionId", "features", "prediction", "latencyMs", "at")
       SELECT $1, $2, '{"x1": 1}', '{"prediction": "1"}', 0.5, $3::timestamp(3) FROM generate_series(1, $4)`,
      [endpointId, versionId, at, n],
    );
    await sql.query(
      `INSERT INTO "ApiEndpointMinute" ("endpointId", "minute", "processId", "requests", "predictions",
         "clientErrors", "serverErrors", "byVersion", "p50Ms", "p95Ms", "p99Ms", "maxMs")
       VALUES ($1, date_trunc('minute', $2::timestamp(3)), $3, 1, 1, 0, 0, '{}', 1, 1, 1, 1)`,
      [endpointId, at, processId],
    );
  };
  const counts = async (endpointId: string) => {
    const r = await sql.query(
      `SELECT (SELECT count(*)::int FROM "ApiRequestLog" WHERE "endpointId" = $1) AS log,
              (SELECT count(*)::int FROM "ApiEndpointMinute" WHERE "endpointId" = $1) AS minutes,
              (SELECT min("at") FROM "ApiRequestLog" WHERE "endpointId" = $1) AS oldest`,
      [endpointId],
    );
    return r.rows[0] as { log: number; minutes: number; oldest: Date | null };
  };

  beforeAll(async () => {
    t = await createTestDatabase(baseUrl, "apiretention");
    store = tempStorage();
    sql = new pg.Client({ connectionString: t.url });
    await sql.connect();
    const trained = await train(store.dataDir, seedSql(200), {
      task: "binary",
      target: "label",
      metric: "auc",
      features: [{ name: "x1", type: "numeric", impute: { method: "mean" }, rescale: "standard" }],
      sampleRows: 0,
      algorithms: [{ algorithm: "logistic", C: 1, maxIter: 200 }],
    });
    versionId = (await saveModels(t.db, store.storage, trained, { name: "kept" })).versionIds[0]!;
    const project = await t.db.savedModelVersion.findUniqueOrThrow({
      where: { id: versionId },
      select: { savedModel: { select: { projectId: true } } },
    });
    for (const name of ["first", "second"]) {
      const s = await createService(t.db, {
        projectId: project.savedModel.projectId,
        name,
        endpoint: "score",
        deployments: [{ versionId, weight: 1 }],
      });
      endpoints.push(s.endpointId);
    }
  });

  afterAll(async () => {
    await sql?.end();
    await t?.drop();
    store?.remove();
  });

  it("deletes each endpoint's rows past their retention, in batches, and keeps the newer ones", async () => {
    const [first, second] = endpoints as [string, string];
    await seed(first, 12_000, 40, "old"); // past 30 days (log) but not 90 (minutes)
    await seed(first, 7, 2, "new");
    await seed(second, 3, 100, "older"); // past both
    await seed(second, 5, 29, "recent");
    const execute = async (q: string, params: unknown[]) => (await sql.query(q, params)).rowCount ?? 0;
    const query = async <R>(q: string, params: unknown[]) => (await sql.query(q, params)).rows as R[];
    const r = await pruneApiHistory(query, execute, { requestLogDays: 30, metricsDays: 90 });
    expect(r).toEqual({ requests: 12_003, minutes: 1 });
    const a = await counts(first);
    expect(a).toMatchObject({ log: 7, minutes: 2 });
    expect(Date.now() - a.oldest!.getTime()).toBeLessThan(3 * DAY);
    expect(await counts(second)).toMatchObject({ log: 5, minutes: 1 });
    // Nothing left to delete: a second run deletes nothing.
    expect(await pruneApiHistory(query, execute, { requestLogDays: 30, metricsDays: 90 })).toEqual({
      requests: 0,
      minutes: 0,
    });
  });

  it("runs on the node's own timer with its configured retention", async () => {
    const [first, second] = endpoints as [string, string];
    let node: ApiNode | null = null;
    const lines: string[] = [];
    try {
      node = await startApiNode({
        db: t.db,
        storage: store.storage,
        databaseUrl: t.url,
        adminToken: apiNodeAdminToken(Buffer.alloc(32, 7).toString("base64")),
        port: 0,
        host: "127.0.0.1",
        maxBodyBytes: 64 * 1024,
        maxItems: 100,
        reloadEveryMs: 60_000,
        retention: { requestLogDays: 1, metricsDays: 1, everyMs: 100 },
        log: (l) => lines.push(l),
      });
      // One run deletes endpoint after endpoint, then logs: wait for its line.
      for (let i = 0; i < 200 && !lines.some((l) => l.startsWith("retention: deleted")); i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(await counts(first)).toMatchObject({ log: 0, minutes: 0 });
      expect(await counts(second)).toMatchObject({ log: 0, minutes: 0 });
      // What the first test kept (7 + 5 rows, 2 + 1 minutes), all older than a day.
      expect(lines).toContain("retention: deleted 12 request-log rows and 3 minute rows");
    } finally {
      await node?.close();
    }
  });
});
