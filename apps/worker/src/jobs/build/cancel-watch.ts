import type { Db, JobCancelListener } from "@sous/db";

export interface CancelWatchTiming {
  /** How often to read the row while notifications are not delivered (no listener, or it is down). */
  pollMs: number;
  /** How often to read the row anyway while the listener is up (see below). */
  safetyPollMs: number;
}

export const cancelTiming = (s: {
  cancelPollMs: number;
  cancelSafetyPollMs?: number;
}): CancelWatchTiming => ({
  pollMs: s.cancelPollMs,
  safetyPollMs: s.cancelSafetyPollMs ?? 10_000,
});

/**
 * Calls `onCancel` once when a cancel of the job is requested. The studio only writes the row
 * (any studio can cancel any worker's job); a trigger sends the job id on NOTIFY at commit
 * (migration job_cancel_notify), which `cancels` delivers here within milliseconds.
 *
 * The row is still read: once right after subscribing (a cancel committed between the processor's
 * read and the LISTEN would otherwise be missed), after every reconnect of the listener (it says
 * so with a null: notifications sent while it was down are lost), every `pollMs` while it is not
 * listening (down, or a database that does not deliver notifications such as PGlite), and every
 * `safetyPollMs` while it is. That slow safety poll stays because a notification can be lost
 * without a reconnect to tell: a connection that died silently (a NAT or firewall dropping the
 * flow, no FIN or RST reaching us) looks alive until TCP keepalive gives up on it, and a NOTIFY
 * sent meanwhile never arrives. Returns a stop function.
 */
export function watchCancel(
  db: Db,
  cancels: JobCancelListener | undefined,
  jobId: string,
  timing: CancelWatchTiming,
  onCancel: () => void,
): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastRead = 0;
  const fire = () => {
    if (stopped) return;
    stop();
    onCancel();
  };
  const read = async () => {
    lastRead = Date.now();
    try {
      // Raw: read on every job's path, at a third of Prisma's CPU (see jobLog).
      const [j] = await db.$queryRaw<{ requested: boolean }[]>`
        SELECT "cancelRequestedAt" IS NOT NULL AS "requested" FROM "Job" WHERE "id" = ${jobId}::text`;
      if (j?.requested) fire();
    } catch {
      // A database blip: the next tick reads again.
      lastRead = 0;
    }
  };
  const unsubscribe = cancels?.subscribe(jobId, (id) => {
    if (id === jobId) fire();
    else void read(); // reconnected: whatever was sent while it was down is lost
  });
  // Ticks every pollMs; while the listener listens, only every safetyPollMs of them read (within a
  // tick's tolerance: a timer may fire a millisecond early by the wall clock).
  const tick = async () => {
    if (!cancels?.listening || Date.now() - lastRead >= timing.safetyPollMs - timing.pollMs / 2) await read();
    if (!stopped) timer = setTimeout(tick, timing.pollMs);
  };
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    unsubscribe?.();
  };
  if (cancels) {
    void read().then(() => {
      if (!stopped) timer = setTimeout(tick, timing.pollMs);
    });
  } else {
    // Polling only: the processor read the row just before, so the first look can wait a period.
    lastRead = Date.now();
    timer = setTimeout(tick, timing.pollMs);
  }
  return stop;
}
