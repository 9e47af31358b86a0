import type { Db } from "@sous/db";
import { type BuildQueue, enqueueBuild } from "@sous/queue";
import { ACTIVE_JOB_STATES } from "@sous/server-domain";
import { type AttemptTiming, hasLiveAttempt } from "./jobs/build/job-attempt.ts";
import { jobLog } from "./jobs/build/job-log.ts";
import { defaultAttemptTiming } from "./jobs/build/settings.ts";

/**
 * Postgres is the truth, Redis only carries work: a job whose row is pending but which Redis no
 * longer has (Redis restarted without its data, or flushed) is enqueued again. The BullMQ job id
 * is the row id, so a job Redis still has is never duplicated. Returns the ids re-enqueued.
 */
export async function reconcileLostJobs(opts: {
  db: Db;
  queue: BuildQueue;
  /** This worker's queue prefix: only jobs sent to it are its business (databases may be shared). */
  prefix: string;
  /** Rows younger than this are skipped: the studio may be enqueuing them right now. */
  graceMs: number;
  attempt?: AttemptTiming;
}): Promise<string[]> {
  const pending = await opts.db.job.findMany({
    where: {
      queuePrefix: opts.prefix,
      state: { in: ACTIVE_JOB_STATES },
      queuedAt: { lt: new Date(Date.now() - opts.graceMs) },
    },
    select: { id: true },
    take: 500,
  });
  const requeued: string[] = [];
  for (const { id } of pending) {
    // A job an attempt is running (its heartbeat is fresh) is not lost, whatever Redis says.
    if (await hasLiveAttempt(opts.db, id, opts.attempt ?? defaultAttemptTiming)) continue;
    const held = await opts.queue.getJob(id);
    if (held) {
      // Redis still has it waiting or running: not lost; failed: the worker's failed handler
      // ends the row. Completed while the row is pending means its delivery returned without
      // ending the job (a duplicate that waited on an attempt which then died): run it again.
      if ((await held.getState()) !== "completed") continue;
      await held.remove();
    }
    await enqueueBuild(opts.queue, { jobId: id });
    await jobLog(
      opts.db,
      id,
      "warn",
      "The job queue had lost this job (Redis restarted without its data); enqueued it again.",
    );
    requeued.push(id);
  }
  return requeued;
}

/** Runs the reconciliation every `everyMs`; errors (Redis still down) wait for the next round. */
export function startReconciler(opts: {
  db: Db;
  queue: BuildQueue;
  prefix: string;
  everyMs: number;
}): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    try {
      const ids = await reconcileLostJobs({
        db: opts.db,
        queue: opts.queue,
        prefix: opts.prefix,
        graceMs: opts.everyMs,
      });
      if (ids.length) console.log(`[worker] re-enqueued ${ids.length} job(s) Redis had lost`);
    } catch (e) {
      console.error("[worker] reconcile failed:", (e as Error).message);
    }
    if (!stopped) timer = setTimeout(tick, opts.everyMs);
  };
  timer = setTimeout(tick, opts.everyMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
