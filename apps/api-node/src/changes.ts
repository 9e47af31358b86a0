import { API_CHANGE_CHANNEL } from "@sous/server-domain/api-services";
import pg from "pg";

/**
 * LISTENs for deployment changes (the triggers of migration 20261207031643_api_services) and
 * calls `onChange`. The connection is re-opened with backoff when it drops, and `onChange` runs
 * once it is back, since changes made meanwhile were not heard.
 */
export function listenForApiChanges(opts: {
  databaseUrl: string;
  onChange: () => void;
  onError?: (e: Error) => void;
  reconnectMs?: number;
}): {
  close(): Promise<void>;
  readonly listening: boolean;
  /** Settles once the first LISTEN is in place or has failed (then retries run in the background). */
  ready: Promise<void>;
} {
  const first = opts.reconnectMs ?? 500;
  let delay = first;
  let client: pg.Client | null = null;
  let closed = false;
  let listening = false;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const discard = (c: pg.Client) => {
    c.removeAllListeners();
    c.on("error", () => {}); // a late error from a dead socket must not crash the node
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
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect(true);
    }, delay);
    delay = Math.min(delay * 2, 10_000);
  };
  const connect = async (reconnect: boolean) => {
    const c = new pg.Client({ connectionString: opts.databaseUrl, application_name: "sous-api-node" });
    c.on("error", (e) => drop(c, e));
    c.on("end", () => drop(c));
    c.on("notification", (n) => {
      if (n.channel === API_CHANGE_CHANNEL) opts.onChange();
    });
    client = c;
    try {
      await c.connect();
      await c.query(`LISTEN ${API_CHANGE_CHANNEL}`);
      if (closed) return void discard(c);
      listening = true;
      delay = first;
      if (reconnect) opts.onChange();
    } catch (e) {
      drop(c, e as Error);
    }
  };
  const ready = connect(false);
  return {
    ready,
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
