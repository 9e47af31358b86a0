import type { Db } from "@sous/db";

/**
 * Polls the job row for a cancel request (the API only writes the row: any studio can cancel any
 * worker's job, with no channel between them). Calls `onCancel` once. Returns a stop function.
 */
export function watchCancel(db: Db, jobId: string, everyMs: number, onCancel: () => void): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    try {
      const j = await db.job.findUnique({ where: { id: jobId }, select: { cancelRequestedAt: true } });
      if (!stopped && j?.cancelRequestedAt) {
        stopped = true;
        onCancel();
        return;
      }
    } catch {
      // A database blip: look again next tick.
    }
    if (!stopped) timer = setTimeout(tick, everyMs);
  };
  // The processor read the row just before: the first look can wait a full period.
  timer = setTimeout(tick, everyMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
