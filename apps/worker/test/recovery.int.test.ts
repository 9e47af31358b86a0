// Recovery with real processes: a worker SIGKILLed mid-activity, and Redis restarted mid-build.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { createBuildQueue, createRedisConnection } from "@sous/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../scripts/lib/net.ts";
import { type Proc, spawnWorker, startRedis, stop } from "../../../scripts/lib/test-processes.ts";
import type { WorkerContext } from "../src/context.ts";
import {
  addRecipe,
  addSource,
  closeTestContext,
  createProject,
  createTestContext,
  databaseUrl,
  hasServices,
  redisUrl,
  selfCross,
  submitBuild,
  waitFor,
  waitForJobRow,
} from "./fixture.ts";

describe.skipIf(!hasServices)("recovery (real worker processes)", () => {
  let ctx: WorkerContext & { dataDir: string };
  const procs: Proc[] = [];

  beforeAll(async () => {
    ctx = await createTestContext("recovery");
  });
  afterAll(async () => {
    for (const p of procs) await stop(p, "SIGKILL");
    await closeTestContext(ctx);
  });

  const workerEnv = (redis: string, prefix: string, extra: Record<string, string> = {}) => ({
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis,
    SOUS_QUEUE_PREFIX: prefix,
    SOUS_DATA_DIR: ctx.dataDir,
    SOUS_WORKER_CONCURRENCY: "1",
    // Short locks so a dead worker is noticed in seconds, not the default 30 s.
    SOUS_WORKER_LOCK_MS: "2000",
    SOUS_WORKER_STALLED_INTERVAL_MS: "1000",
    SOUS_DATASET_LEASE_MS: "2000",
    SOUS_RECONCILE_INTERVAL_MS: "1000",
    ...extra,
  });

  async function slowProject(rows: number) {
    const projectId = await createProject(ctx.db, "REC");
    const big = await addSource(ctx, projectId, "big", "i AS id, i * 2 AS v", rows);
    const slow = await addRecipe(ctx.db, projectId, {
      name: "slow",
      spec: selfCross,
      inputs: [big, big],
      output: "slow_out",
    });
    return { projectId, slow };
  }
  const published = (datasetId: string) => ctx.db.datasetVersion.findMany({ where: { datasetId } });

  it("a worker SIGKILLed mid-activity: stalled, nothing half-written published, a new worker finishes it", async () => {
    const prefix = `sous-rec-${randomBytes(4).toString("hex")}`;
    const { projectId, slow } = await slowProject(4000);
    const queue = createBuildQueue({ connection: createRedisConnection(redisUrl), prefix });
    try {
      const a = await spawnWorker(workerEnv(redisUrl, prefix));
      procs.push(a);
      const { jobId } = await submitBuild(ctx.db, queue, projectId, [slow.outputId], "build-only-this");
      const writing = await waitFor("worker A to start writing", () =>
        ctx.db.jobActivity.findFirst({ where: { jobId, stagingPrefix: { not: null } } }),
      );
      await new Promise((r) => setTimeout(r, 300));
      await stop(a, "SIGKILL");
      // Dead mid-write: the row says RUNNING and nothing is published.
      expect((await ctx.db.job.findUniqueOrThrow({ where: { id: jobId } })).state).toBe("RUNNING");
      expect(await published(slow.outputId)).toEqual([]);

      const b = await spawnWorker(workerEnv(redisUrl, prefix));
      procs.push(b);
      const job = await waitForJobRow(ctx.db, jobId, 90_000);
      expect(job.state).toBe("SUCCEEDED");
      expect(job.activities[0]?.attempts).toBe(2);
      const versions = await published(slow.outputId);
      expect(versions).toHaveLength(1);
      expect(Number(versions[0]?.rowCount)).toBe(4000 * 4000);
      // The dead worker's files were deleted, never published.
      expect(versions[0]?.prefix).not.toBe(writing.stagingPrefix);
      expect(existsSync(path.join(ctx.dataDir, "storage", writing.stagingPrefix!))).toBe(false);
      const logs = (await ctx.db.jobLog.findMany({ where: { jobId } })).map((l) => l.message).join("\n");
      // Either BullMQ's stall check or worker B's fenced re-delivery notices first; both say so.
      expect(logs).toMatch(/stopped responding|waits instead of running it twice/);
      expect(logs).toMatch(/worker lost/);
      await stop(b);
    } finally {
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
    }
  }, 150_000); // its waits allow 90 s per job row: a loaded CI box needs more than the 60 s default

  it("a job whose workers keep dying fails with a clear message and publishes nothing", async () => {
    const prefix = `sous-rec-${randomBytes(4).toString("hex")}`;
    const { projectId, slow } = await slowProject(5000);
    const queue = createBuildQueue({ connection: createRedisConnection(redisUrl), prefix });
    const env = workerEnv(redisUrl, prefix, { SOUS_WORKER_MAX_STALLED: "1" });
    try {
      const { jobId } = await submitBuild(ctx.db, queue, projectId, [slow.outputId], "build-only-this");
      for (let attempt = 1; attempt <= 2; attempt++) {
        const w = await spawnWorker(env);
        procs.push(w);
        await waitFor(`worker ${attempt} to write`, () =>
          ctx.db.jobActivity.findFirst({ where: { jobId, stagingPrefix: { not: null }, attempts: attempt } }),
        );
        await stop(w, "SIGKILL");
      }
      const last = await spawnWorker(env);
      procs.push(last);
      const job = await waitForJobRow(ctx.db, jobId, 60_000);
      expect(job.state).toBe("FAILED");
      expect(job.errorCode).toBe("worker_lost");
      expect(job.error).toMatch(/stopped \(killed or out of memory\).*nothing it was writing was published/);
      expect(await published(slow.outputId)).toEqual([]);
      expect(await ctx.db.datasetBuildLock.count({ where: { jobId } })).toBe(0);
      await stop(last);
    } finally {
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
    }
  }, 150_000); // three cold worker starts and two stall detections: 74 s on a loaded 2-core box

  it("Redis restarted mid-build (losing its data): no job is lost, every build completes", async () => {
    const port = await freePort();
    const dir = path.join(ctx.dataDir, "redis");
    const url = `redis://127.0.0.1:${port}`;
    let redis = await startRedis(port, dir);
    procs.push(redis);
    const prefix = `sous-rec-${randomBytes(4).toString("hex")}`;
    const { projectId, slow } = await slowProject(4000);
    const other = await slowProject(1000);
    const conn = createRedisConnection(url);
    conn.on("error", () => {}); // refused while Redis is down: expected here
    const queue = createBuildQueue({ connection: conn, prefix });
    queue.on("error", () => {});
    try {
      const w = await spawnWorker(workerEnv(url, prefix));
      procs.push(w);
      // One running, one waiting behind it (concurrency 1): Redis holds the second only.
      const running = await submitBuild(ctx.db, queue, projectId, [slow.outputId], "build-only-this");
      await waitFor("the first build to run", () =>
        ctx.db.jobActivity.findFirst({ where: { jobId: running.jobId, stagingPrefix: { not: null } } }),
      );
      const waiting = await submitBuild(
        ctx.db,
        queue,
        other.projectId,
        [other.slow.outputId],
        "build-only-this",
      );
      await stop(redis, "SIGKILL");
      await new Promise((r) => setTimeout(r, 1500));
      redis = await startRedis(port, dir);
      procs.push(redis);
      const [a, b] = await Promise.all([
        waitForJobRow(ctx.db, running.jobId, 90_000),
        waitForJobRow(ctx.db, waiting.jobId, 90_000),
      ]);
      expect(a.state).toBe("SUCCEEDED");
      expect(b.state).toBe("SUCCEEDED");
      expect(await published(slow.outputId)).toHaveLength(1);
      expect(await published(other.slow.outputId)).toHaveLength(1);
      const logs = (await ctx.db.jobLog.findMany({ where: { jobId: waiting.jobId } })).map((l) => l.message);
      expect(logs.join("\n")).toMatch(/enqueued it again/);
      await stop(w);
    } finally {
      await queue.close().catch(() => {});
      await stop(redis);
    }
  }, 150_000); // its waits allow 90 s per job row: a loaded CI box needs more than the 60 s default
});
