/** How builds run; from the worker's env, passed down explicitly (tests and the bench set their own). */
export interface BuildSettings {
  /** Activities of one job run side by side at most. */
  parallelism: number;
  activityTimeoutMs: number;
  /** Dataset build lease; renewed every third of it. */
  leaseMs: number;
  /** How often a running job checks for a cancel request. */
  cancelPollMs: number;
}

export const defaultBuildSettings: BuildSettings = {
  parallelism: 2,
  activityTimeoutMs: 3_600_000,
  leaseMs: 30_000,
  cancelPollMs: 250,
};
