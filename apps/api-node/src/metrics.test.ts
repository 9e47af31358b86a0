import { afterEach, describe, expect, it, vi } from "vitest";
import { Metrics } from "./metrics.ts";

// The minute buckets behind ApiEndpointMinute: a request counts in the bucket of its minute, a
// finished minute is handed to the flush until written, and only changed buckets are pending.
describe("Metrics minute buckets", () => {
  afterEach(() => vi.useRealTimers());
  const e = { service: "s", endpoint: "score", endpointId: "e1" };

  it("splits by minute, keeps a closed minute until written, and re-sends only what changed", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-12-07T10:00:30Z"));
    const m = new Metrics({ processId: "p" });
    for (const ms of [1, 2, 3, 4, 100]) m.record({ ...e, status: 200, latencyMs: ms, versionId: "v1" });
    m.record({ ...e, status: 400, latencyMs: 0.5 });
    m.record({ ...e, status: 200, latencyMs: 5, versionId: "v2", predictions: 10 });
    vi.setSystemTime(new Date("2026-12-07T10:01:05Z"));
    m.record({ ...e, status: 503, latencyMs: 7, versionId: "v2" });

    const first = m.pendingMinutes();
    expect(first.rows).toEqual([
      {
        endpointId: "e1",
        minute: "2026-12-07T10:00:00.000Z",
        requests: 7,
        predictions: 15,
        clientErrors: 1,
        serverErrors: 0,
        byVersion: { v1: 5, v2: 1 },
        p50Ms: 3,
        p95Ms: 100,
        p99Ms: 100,
        maxMs: 100,
      },
      expect.objectContaining({ minute: "2026-12-07T10:01:00.000Z", requests: 1, serverErrors: 1, maxMs: 7 }),
    ]);
    // A request between the snapshot and its write keeps the current minute pending.
    m.record({ ...e, status: 200, latencyMs: 1, versionId: "v2" });
    first.done();
    expect(m.pendingMinutes().rows).toEqual([
      expect.objectContaining({ minute: "2026-12-07T10:01:00.000Z", requests: 2, predictions: 1 }),
    ]);
    m.pendingMinutes().done();
    expect(m.pendingMinutes().rows).toEqual([]);
  });

  it("keeps a failed flush's minutes pending (nothing is marked written)", () => {
    const m = new Metrics({ processId: "p" });
    m.record({ ...e, status: 200, latencyMs: 1 });
    m.pendingMinutes(); // snapshot taken, write failed: done() never called
    expect(m.pendingMinutes().rows).toHaveLength(1);
  });
});
