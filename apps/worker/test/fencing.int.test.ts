// One job, one run, one version, whatever the queue does: a 40 s Redis outage (longer than the
// 30 s lock, so BullMQ hands the job out again) and a FLUSHALL (so the reconciler sees a running
// job Redis no longer has) while the job runs. Real worker process, real redis-server of its own.
import { randomBytes } from "node:crypto";
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
  submitBuild,
  syncAll,
  waitFor,
  waitForJobRow,
} from "./fixture.ts";

describe.skipIf(!hasServices)("job attempts are fenced (real worker, real Redis outage)", () => {
  let ctx: WorkerContext & { dataDir: string };
  const procs: Proc[] = [];

  beforeAll(async () => {
    ctx = await createTestContext("fencing");
  });
  afterAll(async () => {
    for (const p of procs) {
      try {
        p.child.kill("SIGCONT");
      } catch {}
      await stop(p, "SIGKILL");
    }
    await closeTestContext(ctx);
  });

  it("a 40 s Redis outage then a FLUSHALL mid-build: exactly one run and one published version", async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const redis = await startRedis(port, path.join(ctx.dataDir, "redis"));
    procs.push(redis);
    const prefix = `sous-fence-${randomBytes(4).toString("hex")}`;
    const projectId = await createProject(ctx.db, "FEN");
    const src = await addSource(ctx, projectId, "src", "i AS id", 1000);
    const r = await addRecipe(ctx.db, projectId, {
      name: "copy",
      spec: syncAll,
      inputs: [src],
      output: "out",
    });
    // Another job "builds" the output: the activity waits on this lease, alive, for as long as
    // the test needs it to be mid-build.
    await ctx.db.datasetBuildLock.create({
      data: { datasetId: r.outputId, jobId: "someone-else", expiresAt: new Date(Date.now() + 600_000) },
    });
    const conn = createRedisConnection(url);
    conn.on("error", () => {});
    const queue = createBuildQueue({ connection: conn, prefix });
    queue.on("error", () => {});
    try {
      const worker = await spawnWorker({
        DATABASE_URL: databaseUrl,
        REDIS_URL: url,
        SOUS_QUEUE_PREFIX: prefix,
        SOUS_DATA_DIR: ctx.dataDir,
        // Room for a second delivery of the same job in the same worker.
        SOUS_WORKER_CONCURRENCY: "2",
        SOUS_WORKER_LOCK_MS: "30000",
        SOUS_WORKER_STALLED_INTERVAL_MS: "1000",
        SOUS_RECONCILE_INTERVAL_MS: "1000",
      });
      procs.push(worker);
      const { jobId } = await submitBuild(ctx.db, queue, projectId, [r.outputId], "build-only-this");
      const logs = async () => (await ctx.db.jobLog.findMany({ where: { jobId } })).map((l) => l.message);
      await waitFor("the activity to wait on the lease", async () =>
        (await logs()).some((m) => /Waiting: job someone-else/.test(m)),
      );

      // 40 s without Redis (the process frozen: connections stay open, nothing answers).
      redis.child.kill("SIGSTOP");
      await new Promise((res) => setTimeout(res, 40_000));
      redis.child.kill("SIGCONT");
      // BullMQ finds the lock expired and delivers the job again: that delivery waits.
      await waitFor(
        "the job to be delivered again",
        async () => {
          const l = await logs();
          // This code waits (and says so); code without fencing would start a second run.
          return (
            l.some((m) => /delivered this job again/.test(m)) ||
            l.filter((m) => /^Job started/.test(m)).length > 1
          );
        },
        30_000,
      );
      // Redis loses everything: the reconciler must not enqueue a job an attempt is running.
      await conn.flushall();
      await new Promise((res) => setTimeout(res, 3_000));
      expect(await queue.getJob(jobId)).toBeUndefined();

      await ctx.db.datasetBuildLock.deleteMany({ where: { datasetId: r.outputId, jobId: "someone-else" } });
      const job = await waitForJobRow(ctx.db, jobId, 60_000);
      expect(job.state).toBe("SUCCEEDED");
      expect(job.activities[0]?.attempts).toBe(1);
      const versions = await ctx.db.datasetVersion.findMany({ where: { datasetId: r.outputId } });
      expect(versions).toHaveLength(1);
      expect(Number(versions[0]?.rowCount)).toBe(1000);
      const all = await logs();
      expect(all.filter((m) => /^Job started/.test(m))).toEqual(["Job started (attempt 1)"]);
      expect(all.filter((m) => /enqueued it again/.test(m))).toEqual([]);
      // The worker was alive all along: no message says it stopped responding.
      expect(all.some((m) => /stopped responding/.test(m))).toBe(false);
      await stop(worker);
    } finally {
      await queue.close().catch(() => {});
    }
  }, 180_000);
});
