import type { SqlExecute } from "./request-log.ts";

// How long the API node's history stays in Postgres. Every sampled request and every minute of
// every endpoint adds a row; without a limit the tables grow for as long as a service is called.
// Rows are deleted per endpoint (the indexes lead with the endpoint) in small batches, so no
// statement holds its locks for long next to the writes of the request log.

const BATCH = 5_000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionOptions {
  /** Sampled request-log rows older than this are deleted. */
  requestLogDays: number;
  /** Per-minute counters and latencies older than this are deleted. */
  metricsDays: number;
}

/** Endpoints of the installation; then for each, its old rows of both tables in batches. */
export async function pruneApiHistory(
  query: <R>(sql: string, params: unknown[]) => Promise<R[]>,
  execute: SqlExecute,
  o: RetentionOptions,
  now: number = Date.now(),
): Promise<{ requests: number; minutes: number }> {
  const endpoints = await query<{ id: string }>(`SELECT "id" FROM "ApiEndpoint"`, []);
  // ISO text in UTC: the columns are timestamps without a zone, holding UTC (as Prisma writes them).
  const logBefore = new Date(now - o.requestLogDays * DAY_MS).toISOString();
  const minutesBefore = new Date(now - o.metricsDays * DAY_MS).toISOString();
  let requests = 0;
  let minutes = 0;
  for (const { id } of endpoints) {
    requests += await inBatches((limit) =>
      execute(
        `DELETE FROM "ApiRequestLog" WHERE "id" IN (SELECT "id" FROM "ApiRequestLog"
             WHERE "endpointId" = $1 AND "at" < $2 LIMIT ${limit})`,
        [id, logBefore],
      ),
    );
    minutes += await inBatches((limit) =>
      execute(
        `DELETE FROM "ApiEndpointMinute" WHERE ctid IN (SELECT ctid FROM "ApiEndpointMinute"
             WHERE "endpointId" = $1 AND "minute" < $2 LIMIT ${limit})`,
        [id, minutesBefore],
      ),
    );
  }
  return { requests, minutes };
}

async function inBatches(run: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await run(BATCH);
    total += n;
    if (n < BATCH) return total;
  }
}
