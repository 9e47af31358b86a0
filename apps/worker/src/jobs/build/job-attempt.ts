import { randomBytes } from "node:crypto";
import type { Db, Prisma } from "@sous/db";
import { canMoveJob, IllegalTransitionError } from "@sous/server-domain";

// A job attempt owns its work. BullMQ may deliver the same job twice at once: after a Redis
// outage longer than its lock, or after a flush that the reconciler repairs. Postgres decides
// who runs it: the attempt holding the JobAttempt row with a fresh heartbeat. Another delivery
// waits until that attempt ends or goes silent; publishing a version, deleting staging files and
// ending the job each check the token, so an attempt that lost the job can change nothing.

/** This attempt no longer owns its job (another attempt took it over): it must stop, writing nothing. */
export class LostOwnershipError extends Error {
  constructor() {
    super("Another attempt took this job over; this one stopped without publishing.");
    this.name = "LostOwnershipError";
  }
}

export interface AttemptTiming {
  /** How often the owner proves it is alive. */
  heartbeatMs: number;
  /** Silent this long, the owner is taken for dead and another attempt may take the job. */
  staleMs: number;
}

export interface JobAttempt {
  jobId: string;
  token: string;
  number: number;
}

type Tx = Prisma.TransactionClient;

/** The job as its attempt started it: what the processor needs of the row. */
export interface StartedJob {
  mode: string;
  cancelRequestedAt: Date | null;
}

/**
 * Claims the job for a new attempt and starts it: at once when nobody owns it or the owner went
 * silent; otherwise waits while the owner is alive. Claiming and moving the job to RUNNING (its
 * first start time kept) are one statement, whose row also gives what the processor reads of the
 * job: two round trips one after the other, and a read, on every build's path before. `waited`: another attempt owned the job first (what it did meanwhile is in the
 * rows now). Returns null when the job ended meanwhile (or was never runnable): this delivery is a
 * duplicate with nothing left to do.
 */
export async function claimJob(
  db: Db,
  jobId: string,
  timing: AttemptTiming,
  signal?: AbortSignal,
  onWait?: (owner: number) => Promise<void>,
): Promise<{ attempt: JobAttempt; job: StartedJob; waited: boolean } | null> {
  if (!canMoveJob("QUEUED", "RUNNING")) throw new IllegalTransitionError("job", "QUEUED", "RUNNING");
  const token = randomBytes(12).toString("hex");
  let told = false;
  for (let tries = 0; ; tries++) {
    // One statement decides, so two deliveries racing here cannot both win; it also checks the
    // job is still runnable. The job moves only if this attempt claimed it, and only from QUEUED
    // or RUNNING: a cancel that ended a queued job meanwhile wins.
    const now = new Date();
    const rows = await db.$queryRaw<
      { number: number | null; mode: string | null; cancelRequestedAt: Date | null }[]
    >`
      WITH claimed AS (
        INSERT INTO "JobAttempt" ("jobId", "token", "number", "heartbeatAt")
        SELECT ${jobId}, ${token}, 1, now()
        WHERE EXISTS (SELECT 1 FROM "Job" WHERE "id" = ${jobId} AND "state" IN ('QUEUED', 'RUNNING'))
        ON CONFLICT ("jobId") DO UPDATE
          SET "token" = EXCLUDED."token", "number" = "JobAttempt"."number" + 1, "heartbeatAt" = now()
          WHERE "JobAttempt"."heartbeatAt" < now() - make_interval(secs => ${timing.staleMs / 1000})
        RETURNING "number"
      ), started AS (
        UPDATE "Job" SET "state" = 'RUNNING'::"JobState", "startedAt" = COALESCE("startedAt", ${now}::timestamp(3))
        WHERE "id" = ${jobId} AND "state" IN ('QUEUED', 'RUNNING') AND EXISTS (SELECT 1 FROM claimed)
        RETURNING "id", "mode", "cancelRequestedAt"
      )
      SELECT (SELECT "number" FROM claimed) AS "number", s."mode", s."cancelRequestedAt"
      FROM (SELECT 1) one LEFT JOIN started s ON true`;
    const row = rows[0];
    if (row?.number != null) {
      // Claimed, but the job ended in the same instant (a cancel while queued): nothing to run.
      if (row.mode === null) return null;
      return {
        attempt: { jobId, token, number: Number(row.number) },
        job: { mode: row.mode, cancelRequestedAt: row.cancelRequestedAt },
        waited: tries > 0,
      };
    }
    // Not claimed: the job ended (or never existed), or a live attempt owns it.
    const job = await db.job.findUnique({ where: { id: jobId }, select: { state: true } });
    if (!job || !["QUEUED", "RUNNING"].includes(job.state)) return null;
    if (!told && onWait) {
      told = true;
      const owner = await db.jobAttempt.findUnique({ where: { jobId }, select: { number: true } });
      await onWait(owner?.number ?? 0);
    }
    if (signal?.aborted) return null;
    await new Promise((r) => setTimeout(r, Math.min(1000, timing.heartbeatMs)));
  }
}

/** Renews the heartbeat; calls `onLost` once if another attempt took the job over. Returns stop(). */
export function keepAlive(
  db: Db,
  attempt: JobAttempt,
  timing: AttemptTiming,
  onLost: () => void,
): () => void {
  let lost = false;
  const timer = setInterval(() => {
    void beat(db, attempt)
      .then((count) => {
        if (count === 0 && !lost) {
          lost = true;
          onLost();
        }
      })
      .catch(() => {
        // Postgres unreachable: the next beat tries again; a long silence lets another attempt in.
      });
  }, timing.heartbeatMs);
  return () => clearInterval(timer);
}

/**
 * Inside a transaction that publishes or ends the job: locks the attempt row and throws
 * LostOwnershipError unless this attempt still owns the job.
 */
export async function assertOwner(tx: Tx, attempt: JobAttempt): Promise<void> {
  if ((await beat(tx, attempt)) !== 1) throw new LostOwnershipError();
}

// Heartbeats and staleness both use Postgres' clock: workers on other machines may disagree.
const beat = (db: Db | Tx, attempt: JobAttempt) =>
  db.$executeRaw`UPDATE "JobAttempt" SET "heartbeatAt" = now() WHERE "jobId" = ${attempt.jobId} AND "token" = ${attempt.token}`;

/**
 * Ends the job this attempt owns, from RUNNING to `to` (finishedAt stamped, `fields` set), with
 * `line` appended to its log when it moved: what `moveJob` and a log write inside a transaction
 * that asserts the owner do, as ONE statement (that transaction took five round trips at the end
 * of every build). Returns false, changing nothing, when the attempt lost the job or the job was
 * no longer RUNNING.
 */
export async function endOwnedJob(
  db: Db,
  attempt: JobAttempt,
  to: "SUCCEEDED" | "FAILED",
  fields: { errorCode?: string; error?: string },
  line?: string,
): Promise<boolean> {
  if (!canMoveJob("RUNNING", to)) throw new IllegalTransitionError("job", "RUNNING", to);
  const now = new Date();
  const rows = await db.$queryRaw<{ owned: number; moved: number }[]>`
    WITH owner AS (
      UPDATE "JobAttempt" SET "heartbeatAt" = now()
      WHERE "jobId" = ${attempt.jobId} AND "token" = ${attempt.token}
      RETURNING 1
    ), moved AS (
      UPDATE "Job" SET "state" = ${to}::"JobState", "finishedAt" = ${now}::timestamp(3),
        "errorCode" = CASE WHEN ${fields.errorCode !== undefined}::boolean THEN ${fields.errorCode ?? null}::text ELSE "errorCode" END,
        "error" = CASE WHEN ${fields.error !== undefined}::boolean THEN ${fields.error ?? null}::text ELSE "error" END
      WHERE "id" = ${attempt.jobId} AND "state" = 'RUNNING'::"JobState" AND EXISTS (SELECT 1 FROM owner)
      RETURNING "id"
    ), logged AS (
      INSERT INTO "JobLog" ("jobId", "level", "message", "at")
      SELECT "id", 'info', ${line ?? ""}::text, ${now}::timestamp(3) FROM moved WHERE ${line !== undefined}::boolean
    )
    SELECT (SELECT count(*) FROM owner)::int AS owned, (SELECT count(*) FROM moved)::int AS moved`;
  return Number(rows[0]?.moved ?? 0) === 1;
}

/** Ends this attempt's ownership: a later delivery (a retry) may claim the job at once. */
export async function releaseJob(db: Db, attempt: JobAttempt): Promise<void> {
  await db.$executeRaw`UPDATE "JobAttempt" SET "heartbeatAt" = to_timestamp(0) WHERE "jobId" = ${attempt.jobId} AND "token" = ${attempt.token}`;
}

/** Whether the job is owned by a live attempt (the reconciler must then leave it alone). */
export async function hasLiveAttempt(db: Db, jobId: string, timing: AttemptTiming): Promise<boolean> {
  const rows = await db.$queryRaw<{ live: boolean }[]>`
    SELECT "heartbeatAt" >= now() - make_interval(secs => ${timing.staleMs / 1000}) AS live
    FROM "JobAttempt" WHERE "jobId" = ${jobId}`;
  return rows[0]?.live === true;
}

/**
 * Waits to learn whether the job's attempt is alive: false as soon as its heartbeat is stale (or
 * there is none), true if it still beats after staleMs. A dead attempt's heartbeat goes stale
 * within that time, so this tells a dead worker from one that only lost Redis.
 */
export async function attemptStillAlive(db: Db, jobId: string, timing: AttemptTiming): Promise<boolean> {
  const deadline = Date.now() + timing.staleMs + timing.heartbeatMs;
  while (await hasLiveAttempt(db, jobId, timing)) {
    if (Date.now() > deadline) return true;
    await new Promise((r) => setTimeout(r, timing.heartbeatMs));
  }
  return false;
}
