import { randomUUID } from "node:crypto";
import pg from "pg";

/** The channel the job triggers notify on (migration 20261125180000_job_change_notify). */
export const JOB_CHANGE_CHANNEL = "sous_job_change";

/** A job changed, or — `jobId === null` — changes may have been missed (the listener reconnected). */
export type JobChangeHandler = (jobId: string | null) => void;

export interface JobChangeListener {
  /** Calls `onChange` on each change to a job of `projectId`; returns the unsubscribe. */
  subscribe(projectId: string, onChange: JobChangeHandler): () => void;
  /** True while LISTEN is in place; until then (and after a drop) subscribers must poll. */
  readonly listening: boolean;
  close(): Promise<void>;
}

/**
 * One LISTEN connection per process fans the job triggers' notifications out to the event streams
 * of that process, so an idle stream costs no query. The connection is opened on the first
 * subscription and re-opened with backoff when it drops; after a reconnect every subscriber is told
 * that it may have missed changes.
 *
 * LISTEN is trusted only once a probe sent from another connection comes back: a database that
 * accepts LISTEN but does not deliver (the embedded PGlite behind its socket server) leaves
 * `listening` false, so subscribers keep polling.
 */
export function createJobChangeListener(opts: {
  databaseUrl: string;
  /** Names the connection in pg_stat_activity. */
  applicationName?: string;
  /** Delay before the first reconnect; doubles up to 10 s. */
  reconnectMs?: number;
  /** How long the delivery probe may take before notifications are deemed not delivered. */
  probeMs?: number;
  onError?: (e: Error) => void;
}): JobChangeListener {
  const byProject = new Map<string, Set<JobChangeHandler>>();
  const firstDelay = opts.reconnectMs ?? 500;
  let client: pg.Client | null = null;
  let listening = false;
  let closed = false;
  let connecting = false;
  let delay = firstDelay;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let probe: { payload: string; arrived: () => void } | undefined;

  const notifyAll = (jobId: string | null, projectId?: string) => {
    const sets = projectId === undefined ? [...byProject.values()] : [byProject.get(projectId)];
    for (const set of sets) for (const h of set ?? []) h(jobId);
  };

  /** Ends a client we are done with, whatever state it is in. */
  const discard = (c: pg.Client) => {
    c.removeAllListeners();
    c.on("error", () => {}); // a late error from the dead socket must not crash the process
    return c.end().catch(() => {});
  };

  const drop = (c: pg.Client, e?: Error) => {
    if (client !== c) return;
    client = null;
    listening = false;
    if (e) opts.onError?.(e);
    void discard(c);
    schedule();
  };

  const schedule = () => {
    if (closed || retry || !byProject.size) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, delay);
    delay = Math.min(delay * 2, 10_000);
  };

  const connect = async () => {
    if (closed || connecting || client) return;
    connecting = true;
    const c = new pg.Client({
      connectionString: opts.databaseUrl,
      application_name: opts.applicationName ?? "sous-job-changes",
    });
    c.on("error", (e) => drop(c, e));
    c.on("end", () => drop(c));
    c.on("notification", (n) => {
      if (n.channel !== JOB_CHANGE_CHANNEL || !n.payload) return;
      if (n.payload === probe?.payload) return probe.arrived();
      const slash = n.payload.indexOf("/");
      if (slash > 0) notifyAll(n.payload.slice(slash + 1), n.payload.slice(0, slash));
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${JOB_CHANGE_CHANNEL}`);
      const delivered = await deliveryProbe();
      if (closed) {
        await discard(c);
        return;
      }
      client = c;
      delay = firstDelay;
      if (!delivered) {
        // Stay connected (no reconnect loop) but leave `listening` false: streams poll.
        opts.onError?.(new Error("this database does not deliver notifications; streams poll it instead"));
        return;
      }
      listening = true;
      notifyAll(null); // whatever happened while nobody listened
    } catch (e) {
      void discard(c);
      opts.onError?.(e as Error);
      schedule();
    } finally {
      connecting = false;
    }
  };

  /** Sends a NOTIFY from a second connection and says whether the listening one receives it. */
  const deliveryProbe = async (): Promise<boolean> => {
    const payload = `!probe/${randomUUID()}`;
    const arrived = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), opts.probeMs ?? 3000);
      probe = {
        payload,
        arrived: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
    });
    const sender = new pg.Client({ connectionString: opts.databaseUrl });
    sender.on("error", () => {});
    try {
      await sender.connect();
      await sender.query("SELECT pg_notify($1, $2)", [JOB_CHANGE_CHANNEL, payload]);
    } finally {
      await sender.end().catch(() => {});
    }
    const ok = await arrived;
    probe = undefined;
    return ok;
  };

  return {
    subscribe(projectId, onChange) {
      const set = byProject.get(projectId) ?? new Set<JobChangeHandler>();
      byProject.set(projectId, set);
      set.add(onChange);
      if (!client && !retry) void connect(); // while a retry is pending, its backoff stands
      return () => {
        set.delete(onChange);
        if (!set.size) byProject.delete(projectId);
      };
    },
    get listening() {
      return listening;
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      const c = client;
      client = null;
      listening = false;
      if (c) await discard(c);
    },
  };
}
