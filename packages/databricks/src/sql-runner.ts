import type { DBSQLClient } from "@databricks/sql";
import { sleep } from "./abortable-sleep.ts";
import { describeColumn } from "./column-types.ts";
import { createDriverClient, type TlsOptions, tlsConnectOptions } from "./driver-client.ts";
import { httpFailureOf, toSqlError } from "./driver-errors.ts";

export type OpenSessionRetryOptions = {
  /** Total attempts including the first. Default 10. */
  maxAttempts?: number;
  /** First backoff; doubles per attempt. Default 1000 ms. */
  initialDelayMs?: number;
  /** Backoff ceiling. Default 30000 ms. */
  maxDelayMs?: number;
  /** Give up once this much time has passed since the first attempt. Default 10 minutes. */
  timeoutMs?: number;
};

export type DatabricksSqlRunnerOptions = {
  host: string;
  port?: number;
  /** e.g. sql/protocolv1/o/<workspaceId>/<clusterId> or /sql/1.0/warehouses/<id> */
  httpPath: string;
  token: string;
  /** false = plain HTTP (the emulator only); otherwise TLS with optional extra CA / no verification. */
  tls?: TlsOptions;
  openSessionRetry?: OpenSessionRetryOptions;
};

export type SqlRunResult = {
  rows: Record<string, unknown>[];
  columns: { name: string; type: string }[];
};

/** A session opened by `withSession`: statements share temp views and session confs. */
export type SqlSession = {
  run(sql: string, o?: { maxRows?: number }): Promise<SqlRunResult>;
};

export type DatabricksSqlRunner = {
  /** One statement in a session of its own. */
  run(sql: string, o?: { signal?: AbortSignal; maxRows?: number }): Promise<SqlRunResult>;
  /**
   * Several statements in ONE session (Sous opens one per activity); the signal cancels the
   * running statement; the session is closed whatever happens.
   */
  withSession<T>(fn: (s: SqlSession) => Promise<T>, o?: { signal?: AbortSignal }): Promise<T>;
  close(): Promise<void>;
};

type Session = Awaited<ReturnType<DBSQLClient["openSession"]>>;
type Operation = Awaited<ReturnType<Session["executeStatement"]>>;

const FETCH_CHUNK_ROWS = 10_000;

// HTTP statuses meaning "not yet": a starting cluster (503) or throttling (429).
const RETRYABLE_OPEN_STATUSES = new Set([429, 503]);

export function createDatabricksSqlRunner(opts: DatabricksSqlRunnerOptions): DatabricksSqlRunner {
  const tls = opts.tls ?? {};
  const client = createDriverClient(tls);
  let connected: Promise<unknown> | undefined;

  const connect = () => {
    connected ??= client
      .connect({
        host: opts.host,
        port: opts.port ?? 443,
        path: opts.httpPath,
        token: opts.token,
        telemetryEnabled: false, // would call home to the workspace host on port 443
        ...tlsConnectOptions(tls),
      })
      .catch((e: unknown) => {
        connected = undefined; // let the next run try again instead of replaying this failure
        throw e;
      });
    return connected;
  };

  // The driver never retries OpenSession (only idempotent RPCs), yet a cluster that is starting
  // answers it with 503 for minutes. Sous therefore retries it here with capped exponential backoff.
  async function openSession(signal: AbortSignal | undefined): Promise<Session> {
    const retry = opts.openSessionRetry ?? {};
    const maxAttempts = retry.maxAttempts ?? 10;
    const maxDelay = retry.maxDelayMs ?? 30_000;
    const deadline = Date.now() + (retry.timeoutMs ?? 10 * 60_000);
    let delay = retry.initialDelayMs ?? 1_000;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      try {
        return await client.openSession();
      } catch (e) {
        const http = httpFailureOf(e);
        const retryable = http !== undefined && RETRYABLE_OPEN_STATUSES.has(http.statusCode);
        const wait = Math.min(Math.max(delay, http?.retryAfterMs ?? 0), maxDelay);
        if (!retryable || attempt >= maxAttempts || Date.now() + wait > deadline) throw e;
        await sleep(wait, signal);
        delay = Math.min(delay * 2, maxDelay);
      }
    }
  }

  async function fetchRows(op: Operation, maxRows: number): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    do {
      const want = Math.min(FETCH_CHUNK_ROWS, maxRows - rows.length);
      const chunk = await op.fetchChunk({ maxRows: want });
      for (const row of chunk) rows.push(row as Record<string, unknown>);
    } while (rows.length < maxRows && (await op.hasMoreRows()));
    return rows.slice(0, maxRows);
  }

  /** One statement on an open session: cancel on abort, wait, read the schema and rows. */
  async function execute(
    session: Session,
    sql: string,
    o: { signal?: AbortSignal; maxRows?: number },
  ): Promise<SqlRunResult> {
    const { signal } = o;
    const maxRows = o.maxRows ?? Number.POSITIVE_INFINITY;
    let op: Operation | undefined;
    let canceled: Promise<unknown> | undefined;
    const onAbort = () => {
      // Cancel server-side work; the pending poll then fails and the run rejects with the reason.
      if (op) canceled = op.cancel().catch(() => undefined);
    };
    try {
      signal?.throwIfAborted();
      op = await session.executeStatement(sql);
      signal?.addEventListener("abort", onAbort, { once: true });
      if (signal?.aborted) onAbort();
      // finished() rather than fetching straight away: for statements without a result set
      // (writes) the driver would otherwise return [] without waiting for completion.
      await op.finished();
      const schema = await op.getSchema();
      if (!schema) return { rows: [], columns: [] };
      const columns = schema.columns.map(describeColumn);
      const rows = maxRows > 0 ? await fetchRows(op, maxRows) : [];
      return { rows, columns };
    } finally {
      signal?.removeEventListener("abort", onAbort);
      await canceled;
      await op?.close().catch(() => undefined);
    }
  }

  async function withSession<T>(
    fn: (s: SqlSession) => Promise<T>,
    o: { signal?: AbortSignal } = {},
  ): Promise<T> {
    const { signal } = o;
    let session: Session | undefined;
    try {
      signal?.throwIfAborted();
      await connect();
      session = await openSession(signal);
      const open = session;
      return await fn({
        run: async (sql, ro = {}) => {
          try {
            return await execute(open, sql, { ...ro, ...(signal ? { signal } : {}) });
          } catch (e) {
            if (signal?.aborted) throw signal.reason;
            throw toSqlError(e, opts.token);
          }
        },
      });
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      throw toSqlError(e, opts.token);
    } finally {
      await session?.close().catch(() => undefined);
    }
  }

  function run(sql: string, o: { signal?: AbortSignal; maxRows?: number } = {}): Promise<SqlRunResult> {
    const { signal, ...rest } = o;
    return withSession((s) => s.run(sql, rest), signal ? { signal } : {});
  }

  return {
    run,
    withSession,
    async close() {
      try {
        await client.close();
      } catch (e) {
        throw toSqlError(e, opts.token);
      }
    },
  };
}
