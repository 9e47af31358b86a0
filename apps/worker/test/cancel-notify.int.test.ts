// A cancel reaches the running build through Postgres NOTIFY (migration job_cancel_notify and the
// worker's JobCancelListener), not by polling the row: the polls here are set to a minute, longer
// than any wait in this file, so only a notification (or the re-read after a reconnect) can stop
// the build in time.
import { randomBytes } from "node:crypto";
import { createJobCancelListener, type JobCancelListener } from "@sous/db";
import type { BuildQueue } from "@sous/queue";
import { requestJobCancel } from "@sous/server-domain";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerContext } from "../src/context.ts";
import { watchCancel } from "../src/jobs/build/cancel-watch.ts";
import {
  addRecipe,
  addSource,
  closeTestContext,
  createProject,
  createTestContext,
  databaseUrl,
  hasServices,
  selfCross,
  startTestWorkers,
  submitBuild,
  type TestWorkers,
  waitFor,
  waitForJobRow,
} from "./fixture.ts";

const MINUTE = 60_000;

describe.skipIf(!hasServices)("cancel by notification (worker, real services)", () => {
  let ctx: WorkerContext & { dataDir: string; cancels: JobCancelListener };
  let queue: BuildQueue;
  let workers: TestWorkers | undefined;
  const prefix = `sous-ctest-${randomBytes(4).toString("hex")}`;
  const appName = `sous-cancel-test-${randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    const base = await createTestContext("cancel");
    // Reconnects after 1 s: long enough for a cancel to land while it is down.
    const cancels = createJobCancelListener({ databaseUrl, applicationName: appName, reconnectMs: 1000 });
    // The listener connects on its first subscriber (a running job's watch); this one keeps it
    // up between the tests, so each can wait for it to listen before starting a build.
    cancels.subscribe("-", () => {});
    ctx = { ...base, cancels };
    workers = startTestWorkers(ctx, {
      prefix,
      concurrency: 2,
      build: { activityTimeoutMs: 60_000, cancelPollMs: MINUTE, cancelSafetyPollMs: MINUTE },
    });
    queue = workers.queue;
  });

  afterAll(async () => {
    await workers?.close();
    await ctx?.cancels.close();
    await closeTestContext(ctx);
  });

  /** A build whose one activity is a self cross join, running: resolves once it writes. */
  async function runningBuild(tag: string) {
    const projectId = await createProject(ctx.db, tag);
    const big = await addSource(ctx, projectId, "big", "i AS id, i * 2 AS v", 8000);
    const slow = await addRecipe(ctx.db, projectId, {
      name: "slow",
      spec: selfCross,
      inputs: [big, big],
      output: "slow_out",
    });
    const j = await submitBuild(ctx.db, queue, projectId, [slow.outputId], "build-only-this");
    await waitFor("the slow activity to write", () =>
      ctx.db.jobActivity.findFirst({ where: { jobId: j.jobId, stagingPrefix: { not: null } } }),
    );
    return { ...j, outputId: slow.outputId };
  }

  const listening = () => waitFor("the cancel listener to listen", async () => ctx.cancels.listening, 15_000);

  it("a cancel request stops a running build without any poll", async () => {
    await listening();
    const j = await runningBuild("CNA");
    const t0 = Date.now();
    expect(await requestJobCancel(ctx.db, j.jobId)).toEqual({ outcome: "requested" });
    const job = await waitForJobRow(ctx.db, j.jobId, 30_000);
    expect(job.state).toBe("CANCELLED");
    expect(job.activities.map((a) => a.state)).toEqual(["CANCELLED"]);
    expect(await ctx.db.datasetVersion.count({ where: { datasetId: j.outputId } })).toBe(0);
    console.log(`[cancel-notify] cancel request to CANCELLED: ${Date.now() - t0} ms`);
  });

  it("a job cancelled while the listener reconnects still ends CANCELLED", async () => {
    await listening();
    const j = await runningBuild("CNR");
    // Kill the listener's connection from the server side; the NOTIFY of the cancel below is
    // sent while nobody listens, and is lost.
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      const r = await admin.query(
        "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1",
        [appName],
      );
      expect(r.rows.length).toBe(1);
    } finally {
      await admin.end();
    }
    await waitFor("the listener to notice the drop", async () => !ctx.cancels.listening, 10_000);
    expect(await requestJobCancel(ctx.db, j.jobId)).toEqual({ outcome: "requested" });
    const job = await waitForJobRow(ctx.db, j.jobId, 30_000);
    expect(job.state).toBe("CANCELLED");
    expect(job.activities.map((a) => a.state)).toEqual(["CANCELLED"]);
    expect(ctx.cancels.listening).toBe(true); // the re-read after the reconnect found it
  });

  it("a cancel committed before the watch subscribed is found by the first read", async () => {
    await listening();
    const projectId = await createProject(ctx.db, "CNB");
    const job = await ctx.db.job.create({
      data: { projectId, targets: [], mode: "smart", state: "RUNNING", cancelRequestedAt: new Date() },
    });
    let fired = 0;
    const stop = watchCancel(ctx.db, ctx.cancels, job.id, { pollMs: MINUTE, safetyPollMs: MINUTE }, () => {
      fired++;
    });
    try {
      await waitFor("the watch to see the cancel", async () => fired > 0, 10_000);
      // Once only, whatever arrives later.
      await ctx.db.job.update({ where: { id: job.id }, data: { cancelRequestedAt: null } });
      await ctx.db.job.update({ where: { id: job.id }, data: { cancelRequestedAt: new Date() } });
      await new Promise((r) => setTimeout(r, 300));
      expect(fired).toBe(1);
    } finally {
      stop();
    }
  });
});
