import { randomUUID } from "node:crypto";
import pg from "pg";

/** A notification for a key, or — `value === null` — notifications may have been missed (reconnected). */
export type NotifyHandler = (value: string | null) => void;

export interface NotifyListener {
  /** Calls `onNotify` on each notification routed to `key`; returns the unsubscribe. */
  subscribe(key: string, onNotify: NotifyHandler): () => void;
  /** True while LISTEN is in place; until then (and after a drop) subscribers must poll. */
  readonly listening: boolean;
  close(): Promise<void>;
}

export interface NotifyListenerOptions {
  databaseUrl: string;
  /** Names the connection in pg_stat_activity. */
  applicationName?: string;
  /** Delay before the first reconnect; doubles up to 10 s. */
  reconnectMs?: number;
  /** How long the delivery probe may take before notifications are deemed not delivered. */
  probeMs?: number;
  onError?: (e: Error) => void;
}

/**
 * One LISTEN connection on `channel` for the process, fanning each notification out to the
 * subscribers of the key `route` reads from its payload (a payload it cannot read is dropped). The
 * connection is opened on the first subscription and re-opened with backoff when it drops; after
 * a (re)connect every subscriber is called with null: it may have missed notifications.
 *
 * LISTEN is trusted only once a probe sent from another connection comes back: a database that
 * accepts LISTEN but does not deliver (the embedded PGlite behind its socket server) leaves
 * `listening` false, so subscribers keep polling.
 */
export function createNotifyListener(
  opts: NotifyListenerOptions & {
    /** A Postgres identifier (it is written into LISTEN as is). */
    channel: string;
    route: (payload: string) => { key: string; value: string } | null;
  },
): NotifyListener {
  if (!/^[a-z_][a-z0-9_]*$/.test(opts.channel)) throw new Error(`Not a channel name: ${opts.channel}`);
  const byKey = new Map<string, Set<NotifyHandler>>();
  const firstDelay = opts.reconnectMs ?? 500;
  let client: pg.Client | null = null;
  let listening = false;
  let closed = false;
  let connecting = false;
  let delay = firstDelay;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let probe: { payload: string; arrived: () => void } | undefined;

  const notifyAll = (value: string | null, key?: string) => {
    const sets = key === undefined ? [...byKey.values()] : [byKey.get(key)];
    for (const set of sets) for (const h of set ?? []) h(value);
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
    if (closed || retry || !byKey.size) return;
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
      application_name: opts.applicationName ?? `sous-${opts.channel}`,
      // A silently dead connection (no FIN or RST reached us) loses notifications until noticed:
      // TCP keepalive notices it sooner than the OS default of hours without traffic.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    c.on("error", (e) => drop(c, e));
    c.on("end", () => drop(c));
    c.on("notification", (n) => {
      if (n.channel !== opts.channel || !n.payload) return;
      if (n.payload === probe?.payload) return probe.arrived();
      const r = opts.route(n.payload);
      if (r) notifyAll(r.value, r.key);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${opts.channel}`);
      const delivered = await deliveryProbe();
      if (closed) {
        await discard(c);
        return;
      }
      client = c;
      delay = firstDelay;
      if (!delivered) {
        // Stay connected (no reconnect loop) but leave `listening` false: streams poll.
        opts.onError?.(
          new Error("this database does not deliver notifications; subscribers poll it instead"),
        );
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
      await sender.query("SELECT pg_notify($1, $2)", [opts.channel, payload]);
    } finally {
      await sender.end().catch(() => {});
    }
    const ok = await arrived;
    probe = undefined;
    return ok;
  };

  return {
    subscribe(key, onNotify) {
      const set = byKey.get(key) ?? new Set<NotifyHandler>();
      byKey.set(key, set);
      set.add(onNotify);
      if (!client && !retry) void connect(); // while a retry is pending, its backoff stands
      return () => {
        set.delete(onNotify);
        if (!set.size) byKey.delete(key);
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
