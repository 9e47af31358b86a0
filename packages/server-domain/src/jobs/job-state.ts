// The one home of job and activity states: which moves are allowed, and the writes that make them.
// The studio (create, cancel) and the worker (start, end, retry, give up) write states only
// through this module. Every write is a compare-and-set on the row's current state
// (`UPDATE ... WHERE state IN (<states allowed to move there>)`), so two writers racing on one
// row (a cancel and a finish, a cancel and a start) cannot both win: Postgres re-checks the
// WHERE of the second update against the row the first one committed.
import type { ActivityState, JobState } from "@sous/contracts";
import type { Db, Prisma } from "@sous/db";

type Client = Db | Prisma.TransactionClient;

/** A job row's state as the machine knows it. The column's enum also holds SKIPPED (shared with
 * activities), which no write here gives a job: such a row is corrupt. */
function jobStateOf(s: JobState | "SKIPPED"): JobState {
  if (s === "SKIPPED") throw new Error("A job row is SKIPPED, a state only activities take.");
  return s;
}

/** From each job state, the states it may move to. The terminal ones move nowhere. */
export const JOB_TRANSITIONS = {
  QUEUED: ["RUNNING", "CANCELLED", "FAILED"],
  // RUNNING -> RUNNING: a new attempt takes over a job whose worker died while running it.
  RUNNING: ["RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"],
  SUCCEEDED: [],
  FAILED: [],
  CANCELLED: [],
} as const satisfies Record<JobState, readonly JobState[]>;

/** From each activity state, the states it may move to. */
export const ACTIVITY_TRANSITIONS = {
  // SKIPPED: an upstream activity failed, or the job was cancelled or failed before it ran.
  QUEUED: ["RUNNING", "SKIPPED"],
  // QUEUED: a transient failure, or the attempt running it died; it runs again.
  RUNNING: ["SUCCEEDED", "FAILED", "CANCELLED", "QUEUED"],
  SUCCEEDED: [],
  FAILED: [],
  CANCELLED: [],
  SKIPPED: [],
} as const satisfies Record<ActivityState, readonly ActivityState[]>;

const JOB_STATES = Object.keys(JOB_TRANSITIONS) as JobState[];
const ACTIVITY_STATES = Object.keys(ACTIVITY_TRANSITIONS) as ActivityState[];

export const canMoveJob = (from: JobState, to: JobState): boolean =>
  (JOB_TRANSITIONS[from] as readonly JobState[]).includes(to);

export const canMoveActivity = (from: ActivityState, to: ActivityState): boolean =>
  (ACTIVITY_TRANSITIONS[from] as readonly ActivityState[]).includes(to);

/** A job in this state is over: nothing moves it any more. */
export const isFinalJobState = (s: JobState): boolean => JOB_TRANSITIONS[s].length === 0;
export const isFinalActivityState = (s: ActivityState): boolean => ACTIVITY_TRANSITIONS[s].length === 0;

/** The job states still moving (queued or running): what "active" means everywhere. */
export const ACTIVE_JOB_STATES = JOB_STATES.filter((s) => !isFinalJobState(s));

/**
 * The state fields of a new job row: QUEUED, or SUCCEEDED at once (started and finished now) when
 * its plan has nothing to do, so no worker ever sees it.
 */
export function initialJobState(
  activityCount: number,
  now = new Date(),
): { state: "QUEUED" } | { state: "SUCCEEDED"; startedAt: Date; finishedAt: Date } {
  return activityCount === 0 ? { state: "SUCCEEDED", startedAt: now, finishedAt: now } : { state: "QUEUED" };
}

/** A move a caller asked for that the table forbids: a bug in the caller, not a race. */
export class IllegalTransitionError extends Error {
  constructor(what: "job" | "activity", from: string, to: string) {
    super(`A ${what} cannot move from ${from} to ${to}.`);
    this.name = "IllegalTransitionError";
  }
}

/** The `from` states of a write: the caller's (each checked against the table) or all allowed. */
function sources<S extends string>(
  what: "job" | "activity",
  all: readonly S[],
  can: (from: S, to: S) => boolean,
  to: S,
  from: readonly S[] | undefined,
): S[] {
  if (from === undefined) return all.filter((s) => can(s, to));
  for (const s of from) if (!can(s, to)) throw new IllegalTransitionError(what, s, to);
  return [...from];
}

/** Fields a job write may set along with its state (the state itself only through moveJob). */
export type JobFields = Pick<
  Prisma.JobUncheckedUpdateManyInput,
  "startedAt" | "finishedAt" | "errorCode" | "error"
>;

export type JobMove = { moved: true } | { moved: false; state: JobState | null };

/**
 * Moves a job to `to` if it is in one of `from` (default: every state the table lets reach `to`).
 * A final state stamps finishedAt unless `data` says otherwise. Returns `{ moved: false, state }`
 * when the row was not in a `from` state (another writer got there first; `state` is null if the
 * job is gone); throws IllegalTransitionError when `from` names a move the table forbids.
 */
export async function moveJob(
  db: Client,
  jobId: string,
  to: JobState,
  opts: { from?: readonly JobState[]; data?: JobFields } = {},
): Promise<JobMove> {
  const from = sources("job", JOB_STATES, canMoveJob, to, opts.from);
  const stamp = isFinalJobState(to) ? { finishedAt: new Date() } : {};
  const r = await db.job.updateMany({
    where: { id: jobId, state: { in: from } },
    data: { ...stamp, ...opts.data, state: to },
  });
  if (r.count === 1) return { moved: true };
  const now = await db.job.findUnique({ where: { id: jobId }, select: { state: true } });
  return { moved: false, state: now ? jobStateOf(now.state) : null };
}

/** Fields an activity write may set along with its state. */
export type ActivityFields = Pick<
  Prisma.JobActivityUncheckedUpdateManyInput,
  | "startedAt"
  | "finishedAt"
  | "error"
  | "rowsWritten"
  | "stagingPrefix"
  | "remote"
  | "attempts"
  | "sparkSql"
  | "duckdbSql"
>;

/**
 * Moves the activities matched by `where` (one by id, or all of a job's) that are in one of `from`
 * (default: every state the table lets reach `to`) to `to`. Entering RUNNING stamps startedAt and
 * clears finishedAt; SUCCEEDED, FAILED and CANCELLED stamp finishedAt (SKIPPED never ran, so it
 * has no finish time). Returns how many moved.
 */
export async function moveActivities(
  db: Client,
  where: { id: string } | { jobId: string },
  to: ActivityState,
  opts: { from?: readonly ActivityState[]; data?: ActivityFields } = {},
): Promise<number> {
  const from = sources("activity", ACTIVITY_STATES, canMoveActivity, to, opts.from);
  const now = new Date();
  const stamp =
    to === "RUNNING"
      ? { startedAt: now, finishedAt: null }
      : to === "SKIPPED" || to === "QUEUED"
        ? {}
        : { finishedAt: now };
  const r = await db.jobActivity.updateMany({
    where: { ...where, state: { in: from } },
    data: { ...stamp, ...opts.data, state: to },
  });
  return r.count;
}

/**
 * Ends a job that will not run (further): its RUNNING activities end `running` (FAILED when the
 * worker gave up, CANCELLED on a cancel), its QUEUED ones SKIPPED, and the job `to` — in one
 * transaction, and only if the job is still in one of `from`: a job another writer ended
 * meanwhile keeps its state and its activities.
 */
export async function endJob(
  db: Db,
  jobId: string,
  to: "FAILED" | "CANCELLED",
  opts: {
    from?: readonly JobState[];
    errorCode: string;
    error: string;
    /** The error of activities that were running: by default the job's. */
    runningError?: string;
    skippedError: string;
    /** Runs first in the transaction (e.g. checking the attempt still owns the job); may throw. */
    before?: (tx: Prisma.TransactionClient) => Promise<void>;
    /**
     * The job's last log line, written in the same transaction when the job moved: a reader that
     * sees the job ended (the page's event stream closes then) also sees the line.
     */
    line?: { level: "info" | "warn" | "error"; message: string };
  },
): Promise<JobMove> {
  return db.$transaction(async (tx) => {
    await opts.before?.(tx);
    const moved = await moveJob(tx, jobId, to, {
      ...(opts.from ? { from: opts.from } : {}),
      data: { errorCode: opts.errorCode, error: opts.error },
    });
    if (!moved.moved) return moved;
    await moveActivities(tx, { jobId }, to, {
      from: ["RUNNING"],
      data: { error: opts.runningError ?? opts.error, stagingPrefix: null },
    });
    await moveActivities(tx, { jobId }, "SKIPPED", { from: ["QUEUED"], data: { error: opts.skippedError } });
    if (opts.line) await tx.jobLog.create({ data: { jobId, ...opts.line } });
    return moved;
  });
}

/** What a cancel request did: ended a queued job, flagged a running one, or found it over. */
export type CancelOutcome =
  | { outcome: "cancelled" }
  | { outcome: "requested" }
  | { outcome: "finished"; state: JobState }
  | { outcome: "not-found" };

/**
 * A user's cancel. Flags the job (cancelRequestedAt, once; the worker running it learns of the
 * flag and ends it CANCELLED); a job still QUEUED ends CANCELLED here at once, with its activities
 * SKIPPED. Races with the worker starting the job are decided by the QUEUED -> CANCELLED and
 * QUEUED -> RUNNING compare-and-sets: exactly one of them wins.
 */
export async function requestJobCancel(db: Db, jobId: string, at = new Date()): Promise<CancelOutcome> {
  const j = await db.job.findUnique({ where: { id: jobId }, select: { state: true } });
  if (!j) return { outcome: "not-found" };
  const state = jobStateOf(j.state);
  if (isFinalJobState(state)) return { outcome: "finished", state };
  const flagged = await db.job.updateMany({
    where: { id: jobId, cancelRequestedAt: null, state: { in: ACTIVE_JOB_STATES } },
    data: { cancelRequestedAt: at },
  });
  const ended = await endJob(db, jobId, "CANCELLED", {
    from: ["QUEUED"],
    errorCode: "cancelled",
    error: "Cancelled before it started.",
    skippedError: "Skipped: the job was cancelled.",
  });
  if (ended.moved) return { outcome: "cancelled" };
  if (ended.state === null) return { outcome: "not-found" };
  // The worker learns of the flag within milliseconds (NOTIFY) and may have ended the job
  // CANCELLED before the read above: that cancel is this request's, not an earlier end.
  if (flagged.count === 1 && ended.state === "CANCELLED") return { outcome: "requested" };
  if (isFinalJobState(ended.state)) return { outcome: "finished", state: ended.state };
  return { outcome: "requested" };
}
