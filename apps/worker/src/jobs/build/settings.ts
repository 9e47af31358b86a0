import type { AttemptTiming } from "./job-attempt.ts";

/** How builds run; from the worker's env, passed down explicitly (tests and the bench set their own). */
export interface BuildSettings {
  /** Activities of one job run side by side at most. */
  parallelism: number;
  activityTimeoutMs: number;
  /** Dataset build lease; renewed every third of it. */
  leaseMs: number;
  /**
   * How often a running job reads its row for a cancel request when cancel notifications are not
   * delivered (no listener in the context, the listener is down, or a database without NOTIFY).
   */
  cancelPollMs: number;
  /** How often it reads the row anyway while notifications are delivered (cancel-watch.ts says why); 10 s by default. */
  cancelSafetyPollMs?: number;
  /** Published versions kept per dataset after a build publishes one (SOUS_DATASET_VERSIONS_KEPT). */
  versionsKept: number;
  /** The running attempt's heartbeat, and the silence after which another attempt may take the job. */
  attempt?: AttemptTiming;
}

export const defaultAttemptTiming: AttemptTiming = { heartbeatMs: 2_000, staleMs: 10_000 };

export const defaultBuildSettings: BuildSettings = {
  parallelism: 2,
  activityTimeoutMs: 3_600_000,
  leaseMs: 30_000,
  cancelPollMs: 250,
  versionsKept: 5,
};
