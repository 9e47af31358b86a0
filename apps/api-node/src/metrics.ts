// Per-endpoint counters and latency percentiles, in memory: cheap enough to record on every
// request (a counter and one slot of a ring buffer), computed only when someone reads them.

const WINDOW = 4096;

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
