import { createNotifyListener, type NotifyListener, type NotifyListenerOptions } from "./notify-listener.ts";

/** The channel the job triggers notify on (migration 20261125180000_job_change_notify). */
export const JOB_CHANGE_CHANNEL = "sous_job_change";

/** A job changed, or — `jobId === null` — changes may have been missed (the listener reconnected). */
export type JobChangeHandler = (jobId: string | null) => void;

export interface JobChangeListener extends NotifyListener {
  /** Calls `onChange` on each change to a job of `projectId`; returns the unsubscribe. */
  subscribe(projectId: string, onChange: JobChangeHandler): () => void;
}

/**
 * One LISTEN connection per process fans the job triggers' notifications ("<projectId>/<jobId>")
 * out to the event streams of that process, so an idle stream costs no query. See
 * createNotifyListener for reconnects and the delivery probe.
 */
export function createJobChangeListener(opts: NotifyListenerOptions): JobChangeListener {
  return createNotifyListener({
    applicationName: "sous-job-changes",
    ...opts,
    channel: JOB_CHANGE_CHANNEL,
    route: (payload) => {
      const slash = payload.indexOf("/");
      return slash > 0 ? { key: payload.slice(0, slash), value: payload.slice(slash + 1) } : null;
    },
  });
}

/** The channel a job's id is sent on when a cancel is first requested (migration job_cancel_notify). */
export const JOB_CANCEL_CHANNEL = "sous_job_cancel";

/** A cancel was requested for the job, or — `null` — one may have been missed (reconnected). */
export type JobCancelHandler = (jobId: string | null) => void;

export interface JobCancelListener extends NotifyListener {
  /** Calls `onCancel` when a cancel of `jobId` is requested; returns the unsubscribe. */
  subscribe(jobId: string, onCancel: JobCancelHandler): () => void;
}

/** The worker's one LISTEN connection for cancel requests of the jobs it runs. */
export function createJobCancelListener(opts: NotifyListenerOptions): JobCancelListener {
  return createNotifyListener({
    applicationName: "sous-job-cancels",
    ...opts,
    channel: JOB_CANCEL_CHANNEL,
    route: (payload) => ({ key: payload, value: payload }),
  });
}
