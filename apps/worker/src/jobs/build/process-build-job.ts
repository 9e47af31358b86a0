import { BuildJobPayloadSchema } from "@sous/contracts";
import type { JobActivityModel } from "@sous/db";
import { downstreamOf, nextRunnable } from "@sous/flow";
import { ACTIVE_JOB_STATES, endJob, type JobMove, moveActivities } from "@sous/server-domain";
import type { Job } from "bullmq";
import { z } from "zod";
import type { WorkerContext } from "../../context.ts";
import { runTraining } from "../train/run-training.ts";
import { isCancelled, permanentFailureMessage } from "./activity-error.ts";
import { BuildTimings } from "./build-timings.ts";
import { cancelTiming, watchCancel } from "./cancel-watch.ts";
import {
  datasetLeaseHolder,
  releaseDatasetLease,
  renewDatasetLease,
  tryAcquireDatasetLease,
} from "./dataset-lease.ts";
import {
  type AttemptTiming,
  assertOwner,
  attemptStillAlive,
  claimJob,
  endOwnedJob,
  type JobAttempt,
  keepAlive,
  LostOwnershipError,
  releaseJob,
  type StartedJob,
} from "./job-attempt.ts";
import { jobLog } from "./job-log.ts";
import { readActivityFlow, runActivities } from "./run-activity.ts";
import { type BuildSettings, defaultAttemptTiming } from "./settings.ts";

const positions = z.array(z.number().int());
type Activity = JobActivityModel & { deps: number[] };
type Outcome =
  | { kind: "ok" }
  | { kind: "failed"; message: string }
  | { kind: "cancelled" }
  | { kind: "transient"; error: unknown };

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/**
 * The build processor. The payload is only the job id; the Job row is the state. Activities run
 * in dependency order, independent ones side by side (up to `parallelism`); a failure skips what
 * depends on it and lets the rest finish. Idempotent: a retried or redelivered job keeps the
 * activities that succeeded, and reruns the one a dead worker left RUNNING (its files were never
 * published, and are deleted).
 */
export async function processBuildJob(
  ctx: WorkerContext,
  settings: BuildSettings,
  bull: Job,
  signal?: AbortSignal,
): Promise<void> {
  const { jobId } = BuildJobPayloadSchema.parse(bull.data);
  const { db } = ctx;
  const timings = new BuildTimings();
  timings.add("queue", Math.max(0, Date.now() - bull.timestamp));
  // Only one attempt runs a job: another delivery of it waits while that one is alive. The claim
  // also moves the job to RUNNING and reads what this needs of the row; the activities are read
  // alongside (a training has none; read again when the claim waited for another attempt).
  const timing = settings.attempt ?? defaultAttemptTiming;
  const [claimed, read] = await Promise.all([
    claimJob(db, jobId, timing, signal, (owner) =>
      jobLog(
        db,
        jobId,
        "info",
        `The job queue delivered this job again while attempt ${owner} is running it; this delivery waits instead of running it twice.`,
      ),
    ),
    db.jobActivity.findMany({ where: { jobId }, orderBy: { position: "asc" } }),
  ]);
  // Finished meanwhile (or cancelled while queued, or never existed): a duplicate delivery, nothing to do.
  if (!claimed) return;
  const { attempt, job } = claimed;
  const activities = claimed.waited
    ? await db.jobActivity.findMany({ where: { jobId }, orderBy: { position: "asc" } })
    : read;
  // Lab trainings share the queue, the attempt fencing and the cancel path of builds.
  if (job.mode === "train") {
    try {
      await runTraining(ctx, settings, attempt, signal);
    } finally {
      await releaseJob(db, attempt).catch(() => {});
    }
    return;
  }
  try {
    await runAttempt(ctx, settings, attempt, job, activities, timings, signal);
  } finally {
    // After the job's end (it costs the job nothing); a reader of the log sees it soon after.
    const summary = timings.summary();
    // The job's end is recorded: its finished sandboxes' DuckDB instances are closed now, which
    // holds this thread while DuckDB frees their memory (LocalEngine.closeRetired).
    ctx.engine.closeRetired();
    await Promise.all([
      releaseJob(db, attempt).catch(() => {}),
      jobLog(db, jobId, "info", summary).catch(() => {}),
    ]);
  }
}

async function runAttempt(
  ctx: WorkerContext,
  settings: BuildSettings,
  attempt: JobAttempt,
  job: StartedJob,
  rows: JobActivityModel[],
  timings: BuildTimings,
  signal?: AbortSignal,
): Promise<void> {
  const { db } = ctx;
  const { jobId } = attempt;
  const timing = settings.attempt ?? defaultAttemptTiming;
  const activities: Activity[] = rows.map((a) => ({
    ...a,
    deps: a.dependsOn === null ? [] : positions.parse(a.dependsOn),
  }));
  // Not waited for here: the next line of the log is written several round trips later (the
  // activity's leases and reads come first); awaited before the job ends.
  const startedLog = jobLog(db, jobId, "info", `Job started (attempt ${attempt.number})`);
  startedLog.catch(() => {}); // a failure is thrown where it is awaited
  const recovering = activities.filter((x) => x.state === "RUNNING");
  if (recovering.length) await startedLog;
  for (const a of recovering) {
    if (a.stagingPrefix) await ctx.storage.deletePrefix(a.stagingPrefix).catch(() => 0);
    await moveActivities(db, { id: a.id }, "QUEUED", { from: ["RUNNING"], data: { stagingPrefix: null } });
    a.state = "QUEUED";
    await jobLog(
      db,
      jobId,
      "warn",
      `The previous attempt stopped while building activity ${a.position + 1} (worker lost); its unpublished files were deleted and it runs again.`,
    );
  }

  // One controller for the job: a cancel request or BullMQ's own signal interrupts every query.
  const controller = new AbortController();
  let cancelled = job.cancelRequestedAt !== null;
  const onBullAbort = () => controller.abort(new Error("The worker is stopping."));
  signal?.addEventListener("abort", onBullAbort, { once: true });
  const stopWatch = watchCancel(db, ctx.cancels, jobId, cancelTiming(settings), () => {
    cancelled = true;
    controller.abort(new Error("Cancelled."));
  });
  // Another attempt took the job over (this one looked dead): stop at once and change nothing.
  let lost = false;
  const stopBeat = keepAlive(db, attempt, timing, () => {
    lost = true;
    controller.abort(new LostOwnershipError());
  });

  const view = () => activities.map((a) => ({ position: a.position, dependsOn: a.deps, state: a.state }));
  const inflight = new Map<number, Promise<void>>();
  let transient: unknown = null;
  const failures: string[] = [];

  const settle = async (a: Activity, outcome: Outcome) => {
    if (lost) return;
    if (outcome.kind === "ok") {
      a.state = "SUCCEEDED";
      return;
    }
    if (outcome.kind === "transient") {
      transient ??= outcome.error;
      a.state = "QUEUED";
      await moveActivities(db, { id: a.id }, "QUEUED", { from: ["RUNNING"], data: { stagingPrefix: null } });
      await jobLog(db, jobId, "warn", `Transient failure, will retry: ${(outcome.error as Error)?.message}`);
      return;
    }
    const message = outcome.kind === "cancelled" ? "Cancelled." : outcome.message;
    a.state = outcome.kind === "cancelled" ? "CANCELLED" : "FAILED";
    await moveActivities(db, { id: a.id }, a.state, {
      from: ["RUNNING"],
      data: { error: message, stagingPrefix: null },
    });
    if (outcome.kind === "cancelled") return;
    failures.push(message);
    await jobLog(db, jobId, "error", message);
    const skipped = downstreamOf(view(), a.position);
    for (const p of skipped) {
      const d = activities.find((x) => x.position === p)!;
      if (d.state !== "QUEUED") continue;
      d.state = "SKIPPED";
      await moveActivities(db, { id: d.id }, "SKIPPED", {
        from: ["QUEUED"],
        data: { error: `Skipped: activity ${a.position + 1} failed.` },
      });
    }
    if (skipped.length)
      await jobLog(
        db,
        jobId,
        "warn",
        `Skipped ${skipped.length} downstream activit${skipped.length === 1 ? "y" : "ies"}.`,
      );
  };

  /** Runs `group` (one activity, or a split's outputs run together: see `siblingsOf`). */
  const runOne = async (group: Activity[]): Promise<Outcome> => {
    const a = group[0]!;
    for (const x of group) x.state = "RUNNING";
    // Written while the first try for the leases runs (awaited below, before anything else).
    const running = Promise.all(
      group.map((x) =>
        moveActivities(db, { id: x.id }, "RUNNING", {
          from: ["QUEUED"],
          data: { attempts: { increment: 1 } },
        }),
      ),
    );
    running.catch(() => {}); // a failure is thrown where it is awaited
    // What the activity reads first, read beside its first try for the leases (unused if it waits).
    const flow = readActivityFlow(db, a);
    flow.catch(() => {}); // a failure is thrown where it is awaited
    const leases = group.map((x) => ({ datasetId: x.outputDatasetId, jobId, leaseMs: settings.leaseMs }));
    const held: typeof leases = [];
    let renew: ReturnType<typeof setInterval> | undefined;
    const timeout = AbortSignal.timeout(settings.activityTimeoutMs);
    const activitySignal = AbortSignal.any([controller.signal, timeout]);
    try {
      // The same dataset is never built by two jobs at once: wait for the other, then join it.
      // A group takes all its datasets or none (holding some while waiting could deadlock).
      let waited = false;
      for (;;) {
        const busy = [];
        for (const lease of leases) {
          if (await tryAcquireDatasetLease(db, lease)) held.push(lease);
          else busy.push(lease);
        }
        await running;
        if (busy.length === 0) break;
        for (const lease of held.splice(0)) await releaseDatasetLease(db, lease).catch(() => {});
        if (controller.signal.aborted)
          return cancelled ? { kind: "cancelled" } : { kind: "transient", error: controller.signal.reason };
        if (!waited) {
          waited = true;
          const holder = await datasetLeaseHolder(db, busy[0]!.datasetId);
          await jobLog(db, jobId, "info", `Waiting: job ${holder ?? "?"} is building the same dataset.`);
        }
        await sleep(200, controller.signal);
      }
      renew = setInterval(
        () => {
          for (const lease of held) void renewDatasetLease(db, lease).catch(() => {});
        },
        Math.max(100, settings.leaseMs / 3),
      );
      const skipIfUpToDate =
        job.mode === "smart" ? "hash" : job.mode === "missing-only" ? "exists" : waited ? "hash" : undefined;
      const trailing: Promise<unknown>[] = [];
      const results = await runActivities(ctx, group, {
        attempt,
        signal: activitySignal,
        skipIfUpToDate,
        versionsKept: settings.versionsKept,
        timings,
        trailing,
        // Waited: the other job may have built this activity's inputs meanwhile.
        ...(waited ? {} : { flow }),
      });
      // A written output's lease went with its publish; the others' are released while old
      // versions are pruned, before the job ends.
      const published = new Set(
        group.filter((_x, i) => results[i]?.kind === "written").map((x) => x.outputDatasetId),
      );
      await Promise.all([
        ...trailing,
        ...held
          .splice(0)
          .filter((lease) => !published.has(lease.datasetId))
          .map((lease) => releaseDatasetLease(db, lease).catch(() => {})),
      ]);
      for (const [i, r] of results.entries())
        if (r.kind === "up-to-date")
          await jobLog(db, jobId, "info", `Activity ${group[i]!.position + 1}: ${r.reason}, not rebuilt.`);
      return { kind: "ok" };
    } catch (e) {
      if (cancelled && (isCancelled(e) || controller.signal.aborted)) return { kind: "cancelled" };
      if (timeout.aborted)
        return {
          kind: "failed",
          message: `Activity ${a.position + 1} timed out after ${Math.round(settings.activityTimeoutMs / 1000)} s and was interrupted. Make the recipe lighter or raise SOUS_ACTIVITY_TIMEOUT_SECONDS.`,
        };
      const message = permanentFailureMessage(e);
      if (message !== null) return { kind: "failed", message };
      return { kind: "transient", error: e };
    } finally {
      clearInterval(renew);
      await Promise.all(held.map((lease) => releaseDatasetLease(db, lease).catch(() => {})));
    }
  };

  /**
   * The queued activities that write the other outputs of the same recipes as `a` (a split's
   * outputs, each its own activity) on the local engine: they run with it, so the split's input
   * is read once for all of them. Remote ones run apart (one statement each, as planned).
   */
  const siblingsOf = (a: Activity): Activity[] => {
    if (a.engine !== "local") return [];
    const same = (x: Activity) =>
      JSON.stringify(x.recipeIds) === JSON.stringify(a.recipeIds) &&
      JSON.stringify(x.virtualDatasetIds) === JSON.stringify(a.virtualDatasetIds) &&
      JSON.stringify([...x.deps].sort()) === JSON.stringify([...a.deps].sort());
    return activities.filter((x) => x !== a && x.state === "QUEUED" && x.engine === a.engine && same(x));
  };

  try {
    for (;;) {
      if (!cancelled && transient === null) {
        for (const a of nextRunnable(view(), settings.parallelism - inflight.size)) {
          const ref = activities.find((x) => x.position === a.position)!;
          // Taken by the group of an earlier activity of this round.
          if (ref.state !== "QUEUED") continue;
          const group = [ref, ...siblingsOf(ref)];
          for (const x of group) x.state = "RUNNING";
          const settleAll = (o: Outcome) => Promise.all(group.map((x) => settle(x, o)));
          inflight.set(
            a.position,
            runOne(group)
              .then(settleAll)
              .catch((e) => settleAll({ kind: "transient", error: e }))
              .then(() => {})
              .finally(() => inflight.delete(a.position)),
          );
        }
      }
      if (inflight.size === 0) break;
      await Promise.race(inflight.values());
    }
  } finally {
    stopWatch();
    stopBeat();
    signal?.removeEventListener("abort", onBullAbort);
    await startedLog;
  }

  if (lost) {
    await jobLog(db, jobId, "warn", `Attempt ${attempt.number} stopped: another attempt took the job over.`);
    return;
  }
  // Ending the job is the owner's alone (checked in the same transaction), and only from RUNNING.
  const owned = (move: Promise<JobMove>) =>
    move.then(
      (m) => m.moved,
      (e) => {
        if (e instanceof LostOwnershipError) return false;
        throw e;
      },
    );
  // A success's "Job succeeded" line commits with the state: a reader that sees the job ended
  // sees it. Only the owner ends the job, and only from RUNNING (one statement: endOwnedJob).
  const finish = (
    to: "SUCCEEDED" | "FAILED",
    data: { errorCode: string; error: string } | null,
    line?: string,
  ) => endOwnedJob(db, attempt, to, data ?? {}, line);

  if (cancelled) {
    await owned(
      endJob(db, jobId, "CANCELLED", {
        from: ["RUNNING"],
        errorCode: "cancelled",
        error: "Cancelled.",
        skippedError: "Skipped: the job was cancelled.",
        before: (tx) => assertOwner(tx, attempt),
        line: {
          level: "warn",
          message: "Job cancelled: the running query was interrupted and nothing was published.",
        },
      }),
    );
    return;
  }
  if (transient !== null) throw transient;
  if (failures.length) {
    const skipped = activities.filter((a) => a.state === "SKIPPED").length;
    await finish("FAILED", {
      errorCode: "activity_failed",
      error:
        failures[0]! +
        (skipped ? ` (${skipped} downstream activit${skipped === 1 ? "y" : "ies"} skipped)` : ""),
    });
    return;
  }
  await finish("SUCCEEDED", null, "Job succeeded");
}

/** Called when BullMQ gives up on a job (retries exhausted, or stalled too often): the row must not stay RUNNING. */
export async function markBuildJobFailed(
  ctx: WorkerContext,
  jobId: string,
  reason: string,
  timing: AttemptTiming = defaultAttemptTiming,
): Promise<void> {
  // BullMQ gives up on a delivery it thinks stalled. If an attempt still beats (a Redis outage
  // made it look stalled), that attempt ends the job; a dead one's heartbeat goes stale first.
  if (await attemptStillAlive(ctx.db, jobId, timing)) return;
  const stalled = /stalled/i.test(reason);
  const message = stalled
    ? "The worker running this job stopped (killed or out of memory) too many times; nothing it was writing was published. Run the build again."
    : `The worker could not run this job: ${reason}`;
  const pending = await ctx.db.job.findFirst({
    where: { id: jobId, state: { in: ACTIVE_JOB_STATES } },
    select: { id: true },
  });
  if (!pending) return;
  // Clean up first, end the row last: whoever sees FAILED sees no leftover lease or files.
  const writing = await ctx.db.jobActivity.findMany({
    where: { jobId, stagingPrefix: { not: null } },
    select: { stagingPrefix: true },
  });
  for (const r of writing) await ctx.storage.deletePrefix(r.stagingPrefix!).catch(() => 0);
  await ctx.db.datasetBuildLock.deleteMany({ where: { jobId } });
  await jobLog(ctx.db, jobId, "error", message);
  // The job and its activities end together, and only if nobody ended the job meanwhile.
  await endJob(ctx.db, jobId, "FAILED", {
    errorCode: stalled ? "worker_lost" : "worker_error",
    error: message,
    skippedError: "Skipped: the job failed.",
  });
}
