// An interactive query on a cluster (a notebook cell): a RUNNING cluster of the profile (reuse,
// start, wait, with progress through `log`), the inputs in the mounted container, then ONE
// session that reads the first `maxRows` rows and, only when there are more, the full count.
// Nothing is written: the result goes back to the caller. Always frees the cluster slot.
import type { DatasetStorage } from "@sous/storage";
import type { ClusterLoad } from "./cluster-load.ts";
import { ensureCluster, type JobLogFn } from "./ensure-cluster.ts";
import type { RemoteEngine } from "./remote-engine.ts";
import { uploadInputsIfMissing } from "./upload-inputs.ts";

export type ClusterQueryResult = {
  columns: { name: string; type: string }[];
  /** The first rows, as arrays in column order. */
  rows: unknown[][];
  /** Every row of the result. */
  rowCount: number;
  clusterId: string;
  sparkUiUrl: string;
  /** What ensureCluster had to do. */
  clusterAction: "reused" | "started" | "created";
  timings: { clusterMs: number; uploadMs: number; queryMs: number; countMs: number; totalMs: number };
};

export async function queryOnDatabricks(o: {
  engine: RemoteEngine;
  load: ClusterLoad;
  /** One SparkSQL query whose sources are cluster paths (compileRecipe with dialect "spark"). */
  selectSql: string;
  /** Storage key prefixes of the versions the query reads (uploaded when the mount is elsewhere). */
  inputPrefixes: readonly string[];
  installationStorage: DatasetStorage;
  maxRows: number;
  log: JobLogFn;
  signal?: AbortSignal;
  poll?: { initialMs?: number; maxMs?: number; timeoutMs?: number };
}): Promise<ClusterQueryResult> {
  const { engine, log, signal } = o;
  const t0 = performance.now();
  const lease = await ensureCluster({
    rest: engine.rest,
    profile: engine.profile,
    load: o.load,
    log,
    ...(signal ? { signal } : {}),
    ...(o.poll ? { poll: o.poll } : {}),
  });
  const runner = engine.runnerFor(lease.clusterId);
  try {
    const t1 = performance.now();
    if (engine.mountStorage !== o.installationStorage)
      await uploadInputsIfMissing({
        source: o.installationStorage,
        target: engine.mountStorage,
        prefixes: o.inputPrefixes,
        log,
        ...(signal ? { signal } : {}),
      });
    const t2 = performance.now();
    await log("info", `Running the query on cluster ${lease.clusterId}`);
    return await runner.withSession(
      async (session) => {
        // One more row than shown tells whether there are more without counting them all.
        const first = await session.run(o.selectSql, { maxRows: o.maxRows + 1 });
        const t3 = performance.now();
        let rowCount = first.rows.length;
        if (rowCount > o.maxRows) {
          await log("info", `More than ${o.maxRows} rows: counting them`);
          const counted = await session.run(`SELECT count(*) AS \`n\` FROM (\n${o.selectSql}\n) AS \`q\``);
          rowCount = Number(counted.rows[0]?.n ?? rowCount);
        }
        const t4 = performance.now();
        const names = first.columns.map((c) => c.name);
        return {
          columns: first.columns,
          rows: first.rows.slice(0, o.maxRows).map((r) => names.map((n) => r[n])),
          rowCount,
          clusterId: lease.clusterId,
          sparkUiUrl: engine.sparkUiUrl(lease.clusterId),
          clusterAction: lease.action,
          timings: {
            clusterMs: Math.round(t1 - t0),
            uploadMs: Math.round(t2 - t1),
            queryMs: Math.round(t3 - t2),
            countMs: Math.round(t4 - t3),
            totalMs: Math.round(t4 - t0),
          },
        };
      },
      signal ? { signal } : {},
    );
  } finally {
    lease.release();
    await runner.close().catch(() => undefined);
  }
}

/**
 * Where Spark says an analysis or parse error is: `line 3 pos 7` or `(line 3, pos 7)` (1-based
 * line, 0-based position), as a 1-based line and column; undefined when the message has none.
 */
export function sparkErrorPosition(message: string): { line: number; column: number } | undefined {
  const m = /\bline (\d+),? pos (\d+)/.exec(message);
  if (!m) return undefined;
  return { line: Number(m[1]), column: Number(m[2]) + 1 };
}
