import { hostname } from "node:os";
import type { SqlExecute } from "./request-log.ts";

// Per-endpoint counters and latency percentiles, in memory: cheap enough to record on every
// request (a counter and one slot of a ring buffer), computed only when someone reads them.
// Each request also counts in its endpoint's bucket for the current minute; a timer upserts the
// buckets that changed into ApiEndpointMinute (one statement for all of them, about every 10 s),
// so nothing on the request path waits for Postgres, and the figures survive a restart and add
// up across API node processes (each writes rows under its own process id).

const WINDOW = 4096;
/** Latencies kept per endpoint and minute; past it a uniform reservoir sample is kept. */
const MINUTE_SAMPLE = 4096;
/** Finished minutes kept while Postgres is unreachable (per endpoint, about a day). */
const MAX_CLOSED = 1440;

export interface MetricsOptions {
  /** Runs the minute upsert (a plain pg pool: no ORM work on the event loop); without it they stay in memory (unit tests). */
  execute?: SqlExecute;
  /** Names this process's rows; host, pid and start time by default. */
  processId?: string;
  flushEveryMs?: number;
  onError?: (e: Error) => void;
}

interface MinuteBucket {
  endpointId: string;
  minute: number;
  requests: number;
  predictions: number;
  clientErrors: number;
  serverErrors: number;
  byVersion: Map<string, number>;
  latencies: Float64Array;
  /** Latencies seen (the reservoir holds min(seen, MINUTE_SAMPLE)). */
  seen: number;
  max: number;
  /** Bumped by each request; a flush records the value it wrote. */
  seq: number;
  flushedSeq: number;
}

/** One row of ApiEndpointMinute, as the flush writes it. */
export interface MinuteRow {
  endpointId: string;
  minute: string;
  requests: number;
  predictions: number;
  clientErrors: number;
  serverErrors: number;
  byVersion: Record<string, number>;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface EndpointMetricsView {
  service: string;
  endpoint: string;
  endpointId: string;
  requests: number;
  /** Rows scored (predict-multi counts each item). */
  predictions: number;
  clientErrors: number;
  serverErrors: number;
  byVersion: Record<string, number>;
  /** Over the last WINDOW requests, milliseconds; null before the first. */
  latencyMs: { p50: number; p95: number; p99: number; max: number; window: number } | null;
  since: string;
}

class EndpointMetrics {
  requests = 0;
  predictions = 0;
  clientErrors = 0;
  serverErrors = 0;
  byVersion = new Map<string, number>();
  readonly latencies = new Float64Array(WINDOW);
  filled = 0;
  next = 0;
  readonly since = new Date();
  current: MinuteBucket | null = null;
  constructor(
    readonly service: string,
    readonly endpoint: string,
    readonly endpointId: string,
  ) {}
}

function percentile(sorted: Float64Array, p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i]!;
}

export class Metrics {
  private readonly byEndpoint = new Map<string, EndpointMetrics>();
  /** Minutes that ended and are not written yet. */
  private closed: MinuteBucket[] = [];
  private readonly timer: ReturnType<typeof setInterval> | null = null;
  private flushing: Promise<void> | null = null;
  readonly processId: string;
  /** Minute rows written, and flushes that failed (retried at the next one). */
  minutesWritten = 0;
  flushErrors = 0;

  constructor(private readonly opts: MetricsOptions = {}) {
    this.processId = opts.processId ?? `${hostname()}:${process.pid}:${Date.now().toString(36)}`;
    if (opts.execute) {
      this.timer = setInterval(() => void this.flush(), opts.flushEveryMs ?? 10_000);
      this.timer.unref();
    }
  }

  record(e: {
    service: string;
    endpoint: string;
    endpointId: string;
    status: number;
    latencyMs: number;
    versionId?: string;
    predictions?: number;
  }): void {
    let m = this.byEndpoint.get(e.endpointId);
    if (!m || m.service !== e.service || m.endpoint !== e.endpoint) {
      // A renamed endpoint keeps its id: its counters follow the new name.
      m = m ?? new EndpointMetrics(e.service, e.endpoint, e.endpointId);
      if (m.service !== e.service || m.endpoint !== e.endpoint)
        Object.assign(m, { service: e.service, endpoint: e.endpoint });
      this.byEndpoint.set(e.endpointId, m);
    }
    m.requests++;
    if (e.status >= 500) m.serverErrors++;
    else if (e.status >= 400) m.clientErrors++;
    else m.predictions += e.predictions ?? 1;
    if (e.versionId) m.byVersion.set(e.versionId, (m.byVersion.get(e.versionId) ?? 0) + 1);
    m.latencies[m.next] = e.latencyMs;
    m.next = (m.next + 1) % WINDOW;
    m.filled = Math.min(WINDOW, m.filled + 1);

    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    let b = m.current;
    if (!b || b.minute !== minute) {
      if (b) this.closeBucket(b);
      b = m.current = {
        endpointId: e.endpointId,
        minute,
        requests: 0,
        predictions: 0,
        clientErrors: 0,
        serverErrors: 0,
        byVersion: new Map(),
        latencies: new Float64Array(MINUTE_SAMPLE),
        seen: 0,
        max: 0,
        seq: 0,
        flushedSeq: 0,
      };
    }
    b.requests++;
    if (e.status >= 500) b.serverErrors++;
    else if (e.status >= 400) b.clientErrors++;
    else b.predictions += e.predictions ?? 1;
    if (e.versionId) b.byVersion.set(e.versionId, (b.byVersion.get(e.versionId) ?? 0) + 1);
    if (b.seen < MINUTE_SAMPLE) b.latencies[b.seen] = e.latencyMs;
    else {
      const j = Math.floor(Math.random() * (b.seen + 1));
      if (j < MINUTE_SAMPLE) b.latencies[j] = e.latencyMs;
    }
    b.seen++;
    if (e.latencyMs > b.max) b.max = e.latencyMs;
    b.seq++;
  }

  private closeBucket(b: MinuteBucket): void {
    if (b.seq === b.flushedSeq) return;
    this.closed.push(b);
    if (this.closed.length > MAX_CLOSED * Math.max(1, this.byEndpoint.size)) this.closed.shift();
  }

  /** The minute rows that changed since the last flush (closed minutes, then current ones). */
  pendingMinutes(): { rows: MinuteRow[]; done: () => void } {
    const buckets = [...this.closed];
    for (const m of this.byEndpoint.values())
      if (m.current && m.current.seq !== m.current.flushedSeq) buckets.push(m.current);
    const seqs = buckets.map((b) => b.seq);
    const rows = buckets.map((b): MinuteRow => {
      const sorted = b.latencies.slice(0, Math.min(b.seen, MINUTE_SAMPLE)).sort();
      return {
        endpointId: b.endpointId,
        minute: new Date(b.minute).toISOString(),
        requests: b.requests,
        predictions: b.predictions,
        clientErrors: b.clientErrors,
        serverErrors: b.serverErrors,
        byVersion: Object.fromEntries(b.byVersion),
        p50Ms: percentile(sorted, 0.5),
        p95Ms: percentile(sorted, 0.95),
        p99Ms: percentile(sorted, 0.99),
        maxMs: b.max,
      };
    });
    return {
      rows,
      done: () => {
        buckets.forEach((b, i) => {
          b.flushedSeq = seqs[i]!;
        });
        // A closed minute gets no more requests: once written, it is forgotten.
        this.closed = this.closed.filter((b) => b.seq !== b.flushedSeq);
      },
    };
  }

  /** Upserts the changed minute rows in one statement; one flush at a time. */
  flush(): Promise<void> {
    const execute = this.opts.execute;
    if (!execute) return Promise.resolve();
    if (this.flushing) return this.flushing;
    const { rows, done } = this.pendingMinutes();
    if (!rows.length) return Promise.resolve();
    this.flushing = (async () => {
      try {
        // Rows are absolute figures of (endpoint, minute, this process): rewriting one is
        // idempotent, so a failed flush is simply retried with the next one's figures. An
        // endpoint deleted meanwhile is skipped rather than failing the batch.
        await execute(
          `INSERT INTO "ApiEndpointMinute" ("endpointId", "minute", "processId", "requests", "predictions",
             "clientErrors", "serverErrors", "byVersion", "p50Ms", "p95Ms", "p99Ms", "maxMs", "updatedAt")
           SELECT r."endpointId", r."minute", $2, r."requests", r."predictions", r."clientErrors",
             r."serverErrors", r."byVersion", r."p50Ms", r."p95Ms", r."p99Ms", r."maxMs", now()
           FROM jsonb_to_recordset($1::jsonb) AS r("endpointId" text, "minute" timestamp(3),
             "requests" int, "predictions" int, "clientErrors" int, "serverErrors" int, "byVersion" jsonb,
             "p50Ms" float8, "p95Ms" float8, "p99Ms" float8, "maxMs" float8)
           WHERE EXISTS (SELECT 1 FROM "ApiEndpoint" e WHERE e."id" = r."endpointId")
           ON CONFLICT ("endpointId", "minute", "processId") DO UPDATE SET
             "requests" = EXCLUDED."requests", "predictions" = EXCLUDED."predictions",
             "clientErrors" = EXCLUDED."clientErrors", "serverErrors" = EXCLUDED."serverErrors",
             "byVersion" = EXCLUDED."byVersion", "p50Ms" = EXCLUDED."p50Ms", "p95Ms" = EXCLUDED."p95Ms",
             "p99Ms" = EXCLUDED."p99Ms", "maxMs" = EXCLUDED."maxMs", "updatedAt" = now()`,
          [JSON.stringify(rows), this.processId],
        );
        done();
        this.minutesWritten += rows.length;
      } catch (e) {
        this.flushErrors++;
        this.opts.onError?.(e as Error);
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  /** Stops the timer and writes what is pending (a graceful shutdown loses no minute). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flushing;
    await this.flush();
  }

  view(filter?: { service?: string }): EndpointMetricsView[] {
    const out: EndpointMetricsView[] = [];
    for (const m of this.byEndpoint.values()) {
      if (filter?.service !== undefined && m.service !== filter.service) continue;
      const sorted = m.latencies.slice(0, m.filled).sort();
      out.push({
        service: m.service,
        endpoint: m.endpoint,
        endpointId: m.endpointId,
        requests: m.requests,
        predictions: m.predictions,
        clientErrors: m.clientErrors,
        serverErrors: m.serverErrors,
        byVersion: Object.fromEntries(m.byVersion),
        latencyMs: m.filled
          ? {
              p50: percentile(sorted, 0.5),
              p95: percentile(sorted, 0.95),
              p99: percentile(sorted, 0.99),
              max: sorted[sorted.length - 1]!,
              window: m.filled,
            }
          : null,
        since: m.since.toISOString(),
      });
    }
    return out.sort((a, b) => `${a.service}/${a.endpoint}`.localeCompare(`${b.service}/${b.endpoint}`));
  }
}
