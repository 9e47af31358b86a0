import type { DBSQLClient } from "@databricks/sql";
import { SPARK_SESSION_SETTINGS } from "@sous/compiler";
import { raceAbort, settleWithin } from "./abortable-sleep.ts";
import { describeColumn } from "./column-types.ts";
import { createDriverClient, type TlsOptions, tlsConnectOptions } from "./driver-client.ts";
import { httpFailureOf, lostConnection, toSqlError } from "./driver-errors.ts";
import { DatabricksSqlError } from "./errors.ts";
import { probeConnect } from "./http-transport.ts";
import { withBackoff } from "./retry.ts";
import { type DatabricksTimeouts, resolveTimeouts, unreachableMessage } from "./timeouts.ts";

export type OpenSessionRetryOptions = {
  /** Total attempts including the first. Default 10. */
  maxAttempts?: number;
  /** First backoff; doubles per attempt (each wait jittered by 1-2x). Default 1000 ms. */
  initialDelayMs?: number;
  /** Backoff ceiling. Default 30000 ms. */
  maxDelayMs?: number;
  /** No retry starts once this much time has passed since the first attempt. Default 10 minutes. */
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
  /**
   * Session settings sent with every OpenSession (default: the compiler's SPARK_SESSION_SETTINGS),
   * so a cluster's own defaults (time zone, parser policy) cannot change what a recipe returns.
   */
  sessionConfiguration?: Readonly<Record<string, string>>;
  /**
   * Every RPC (OpenSession, ExecuteStatement, each status poll, fetch and close) gets
   * connectMs + readMs to be answered (defaults 10 s + 30 s): the driver's own socket timeout,
   * which it sets to 15 min by default.
   */
  timeouts?: DatabricksTimeouts;
  /**
   * The driver's retries of its idempotent RPCs (status polls, fetches, closes) on 429/5xx and
   * broken connections: attempts in all (default 3, the driver's 5 took minutes against a dead
   * workspace) and the first backoff (default 2 s, doubling).
   */
  rpcRetry?: { attempts?: number; initialDelayMs?: number };
  /**
   * After an abort, how long the runner waits for CancelOperation / CloseSession to go out
   * before it returns (they go on in the background). Default 1 s.
   */
  abortGraceMs?: number;
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
  const { connectMs, readMs } = resolveTimeouts(opts.timeouts);
  // node-fetch (under the driver) has one timeout per request, covering connect and answer.
  const rpcMs = connectMs + readMs;
  const port = opts.port ?? 443;
  const scheme = tls === false ? "http" : "https";
  const workspace = `${scheme}://${opts.host}${port === (tls === false ? 80 : 443) ? "" : `:${port}`}`;
  const abortGraceMs = opts.abortGraceMs ?? 1_000;
  // Set once the workspace proved unreachable or silent: cleanup then stops waiting for it.
  let broken = false;
  // Set at the first abort: every cleanup after it shares this one deadline.
  let graceUntil: number | undefined;

  /**
   * The user-facing error. A connection lost mid-run (reset, or the driver's retries exhausted)
   * says nothing about why: one TCP connect tells a dead workspace (refused) from a flaky one.
   */
  const sqlError = async (e: unknown): Promise<DatabricksSqlError> => {
    if (lostConnection(e)) {
      broken = true;
      const probe = await probeConnect(opts.host, port, Math.min(connectMs, 5_000));
      if (probe) return new DatabricksSqlError(unreachableMessage(workspace, probe.reason), 0);
    }
    const err = toSqlError(e, opts.token, { workspace, rpcMs });
    if (err.status === 0) broken = true;
    return err;
  };
  /**
   * Cleanup RPCs: awaited, but never longer than an RPC may take, not at all once the workspace
   * proved unreachable, and within `abortGraceMs` in all once aborted.
   */
  const cleanup = (p: Promise<unknown>, signal: AbortSignal | undefined) => {
    if (signal?.aborted) graceUntil ??= Date.now() + abortGraceMs;
    return settleWithin(p, graceUntil !== undefined ? graceUntil - Date.now() : broken ? 0 : rpcMs);
  };

  const connect = () => {
    const attempts = opts.rpcRetry?.attempts ?? 3;
    const firstDelay = opts.rpcRetry?.initialDelayMs ?? 2_000;
    connected ??= client
      .connect({
        host: opts.host,
        port,
        path: opts.httpPath,
        token: opts.token,
        telemetryEnabled: false, // would call home to the workspace host on port 443
        socketTimeout: rpcMs,
        retryMaxAttempts: attempts,
        // The driver waits 2^n * retryDelayMin before retry n (n = 1, 2, ...).
        retryDelayMin: Math.max(1, Math.round(firstDelay / 2)),
        retryDelayMax: Math.max(firstDelay, 10_000),
        retriesTimeout: rpcMs,
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
    const configuration = { ...(opts.sessionConfiguration ?? SPARK_SESSION_SETTINGS) };
    return withBackoff(
      // A session opened after the abort is closed at once.
      () =>
        raceAbort(client.openSession({ configuration }), signal, (late) => void late.close().catch(() => {})),
      {
        attempts: retry.maxAttempts ?? 10,
        initialDelayMs: retry.initialDelayMs ?? 1_000,
        maxDelayMs: retry.maxDelayMs ?? 30_000,
        maxTimeMs: retry.timeoutMs ?? 10 * 60_000,
        isRetried: (e) => {
          const http = httpFailureOf(e);
          return http !== undefined && RETRYABLE_OPEN_STATUSES.has(http.statusCode);
        },
        retryAfterMs: (e) => httpFailureOf(e)?.retryAfterMs,
        signal,
      },
    );
  }

  async function fetchRows(
    op: Operation,
    maxRows: number,
    signal: AbortSignal | undefined,
  ): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    do {
      const want = Math.min(FETCH_CHUNK_ROWS, maxRows - rows.length);
      const chunk = await raceAbort(op.fetchChunk({ maxRows: want }), signal);
      for (const row of chunk) rows.push(row as Record<string, unknown>);
    } while (rows.length < maxRows && (await raceAbort(op.hasMoreRows(), signal)));
    return rows.slice(0, maxRows);
  }

  /**
   * One statement on an open session: cancel on abort, wait, read the schema and rows. Every
   * await races the signal: the driver takes none, and a silent workspace would hold each RPC
   * for the whole timeout.
   */
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
      // Cancel server-side work; the run rejects with the reason at once.
      if (op) canceled = op.cancel().catch(() => undefined);
    };
    try {
      signal?.throwIfAborted();
      op = await raceAbort(session.executeStatement(sql), signal, (late) => {
        // Sent before the abort, answered after it: cancel what it started.
        void late
          .cancel()
          .catch(() => undefined)
          .then(() => late.close())
          .catch(() => undefined);
      });
      signal?.addEventListener("abort", onAbort, { once: true });
      if (signal?.aborted) onAbort();
      // finished() rather than fetching straight away: for statements without a result set
      // (writes) the driver would otherwise return [] without waiting for completion.
      await raceAbort(op.finished(), signal);
      const schema = await raceAbort(op.getSchema(), signal);
      if (!schema) return { rows: [], columns: [] };
      const columns = schema.columns.map(describeColumn);
      const rows = maxRows > 0 ? await fetchRows(op, maxRows, signal) : [];
      return { rows, columns };
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      // Classified before the cleanup below, which must not wait on a workspace that is gone.
      throw await sqlError(e);
    } finally {
      signal?.removeEventListener("abort", onAbort);
      if (canceled) await cleanup(canceled, signal);
      if (op) await cleanup(op.close(), signal);
    }
  }

  async function withSession<T>(
    fn: (s: SqlSession) => Promise<T>,
    o: { signal?: AbortSignal } = {},
  ): Promise<T> {
    const { signal } = o;
    let session: Session | undefined;
    graceUntil = undefined;
    try {
      signal?.throwIfAborted();
      await raceAbort(connect(), signal);
      session = await openSession(signal);
      const open = session;
      return await fn({
        run: async (sql, ro = {}) => {
          try {
            return await execute(open, sql, { ...ro, ...(signal ? { signal } : {}) });
          } catch (e) {
            if (signal?.aborted) throw signal.reason;
            throw await sqlError(e);
          }
        },
      });
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      throw await sqlError(e);
    } finally {
      if (session) await cleanup(session.close(), signal);
    }
  }

  function run(sql: string, o: { signal?: AbortSignal; maxRows?: number } = {}): Promise<SqlRunResult> {
    const { signal, ...rest } = o;
    return withSession((s) => s.run(sql, rest), signal ? { signal } : {});
  }

  return {
    run,
    withSession,
    // Bounded like any cleanup: a dead workspace must not hold the caller (a job, a shutdown).
    async close() {
      let failure: unknown;
      await cleanup(
        client.close().catch((e: unknown) => {
          failure = e;
        }),
        undefined,
      );
      if (failure !== undefined) throw await sqlError(failure);
    },
  };
}
