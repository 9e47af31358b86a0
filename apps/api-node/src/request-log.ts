import type { Db, Prisma } from "@sous/db";

// The sampled request log: predictions are queued in memory and written in batches, off the
// request path, so a slow or briefly unreachable Postgres never slows an answer. The queue is
// bounded: past it, entries are dropped and counted rather than growing without end.

export interface LoggedRequest {
  endpointId: string;
  savedModelVersionId: string;
  features: unknown;
  prediction: unknown;
  latencyMs: number;
  at: Date;
}

export class RequestLog {
  private queue: LoggedRequest[] = [];
  private timer: ReturnType<typeof setInterval>;
  private flushing: Promise<void> | null = null;
  dropped = 0;
  written = 0;

  constructor(
    private readonly db: Db,
    private readonly opts: {
      flushEveryMs?: number;
      batchSize?: number;
      maxQueued?: number;
      onError?: (e: Error) => void;
    } = {},
  ) {
    this.timer = setInterval(() => void this.flush(), opts.flushEveryMs ?? 1000);
    this.timer.unref();
  }

  push(entry: LoggedRequest): void {
    if (this.queue.length >= (this.opts.maxQueued ?? 10_000)) {
      this.dropped++;
      return;
    }
    this.queue.push(entry);
    if (this.queue.length >= (this.opts.batchSize ?? 500)) void this.flush();
  }

  /** Writes what is queued; one flush at a time. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (!this.queue.length) return Promise.resolve();
    this.flushing = (async () => {
      try {
        while (this.queue.length) {
          const batch = this.queue.splice(0, this.opts.batchSize ?? 500);
          try {
            await this.db.apiRequestLog.createMany({
              data: batch.map((e) => ({
                endpointId: e.endpointId,
                savedModelVersionId: e.savedModelVersionId,
                features: e.features as Prisma.InputJsonValue,
                prediction: e.prediction as Prisma.InputJsonValue,
                latencyMs: e.latencyMs,
                at: e.at,
              })),
            });
            this.written += batch.length;
          } catch (e) {
            // E.g. an endpoint deleted since: the foreign key refuses the batch, which is dropped.
            this.dropped += batch.length;
            this.opts.onError?.(e as Error);
          }
        }
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
