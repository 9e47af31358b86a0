// The whole remote activity in one call, for the worker: a RUNNING cluster of the profile, the
// inputs in the mounted container, ONE session that writes the output version folder and reads
// back the count and a sample, and the output copied into the installation's storage when that
// is not the mounted container. Always frees the cluster slot and closes the driver.
import type { DatasetStorage } from "@sous/storage";
import type { ClusterLoad } from "./cluster-load.ts";
import { ensureCluster, type JobLogFn } from "./ensure-cluster.ts";
import { clusterPathFor } from "./mount-mapping.ts";
import type { RemoteEngine } from "./remote-engine.ts";
import { runRemoteActivity } from "./remote-run.ts";
import { copyPrefix, uploadInputsIfMissing } from "./upload-inputs.ts";

export type RemoteActivityInfo = {
  connectionId: string;
  profileId: string;
  clusterId: string;
  sparkUiUrl: string;
  statements: number;
  timings: {
    clusterMs: number;
    uploadMs: number;
    statementMs: number;
    sampleMs: number;
    copyBackMs: number;
    totalMs: number;
  };
};

export async function runOnDatabricks(o: {
  engine: RemoteEngine;
  load: ClusterLoad;
  /** SparkSQL SELECT whose sources are cluster paths from `clusterPathOf` (compile with those). */
  selectSql: string;
  /** Storage key prefixes of the input versions the SELECT reads. */
  inputPrefixes: readonly string[];
  /** Storage key prefix of the new output version (datasetVersionPrefix). */
  outputPrefix: string;
  /** The installation's storage (where the inputs are, and where the output must end up). */
  installationStorage: DatasetStorage;
  log: JobLogFn;
  signal?: AbortSignal;
  /** Called as soon as the cluster is known (store it on the job before the long part). */
  onCluster?: (info: { clusterId: string; sparkUiUrl: string }) => void | Promise<void>;
  poll?: { initialMs?: number; maxMs?: number; timeoutMs?: number };
  sampleRows?: number;
}): Promise<{
  statement: string;
  rowsWritten: number;
  sample: { columns: { name: string; type: string }[]; rows: Record<string, unknown>[] };
  info: RemoteActivityInfo;
}> {
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
    const sparkUiUrl = engine.sparkUiUrl(lease.clusterId);
    await o.onCluster?.({ clusterId: lease.clusterId, sparkUiUrl });
    const t1 = performance.now();
    const sameStorage = engine.mountStorage === o.installationStorage;
    if (!sameStorage) {
      await uploadInputsIfMissing({
        source: o.installationStorage,
        target: engine.mountStorage,
        prefixes: o.inputPrefixes,
        log,
        ...(signal ? { signal } : {}),
      });
    }
    const t2 = performance.now();
    const run = await runRemoteActivity({
      runner,
      selectSql: o.selectSql,
      outputPath: clusterPathFor(engine.mapping, o.outputPrefix),
      log,
      ...(o.sampleRows !== undefined ? { sampleRows: o.sampleRows } : {}),
      ...(signal ? { signal } : {}),
    });
    const t3 = performance.now();
    if (!sameStorage)
      await copyPrefix({ from: engine.mountStorage, to: o.installationStorage, prefix: o.outputPrefix });
    const t4 = performance.now();
    return {
      statement: run.statement,
      rowsWritten: run.rowsWritten,
      sample: run.sample,
      info: {
        connectionId: engine.connectionId,
        profileId: engine.profile.id,
        clusterId: lease.clusterId,
        sparkUiUrl,
        statements: run.statements,
        timings: {
          clusterMs: Math.round(t1 - t0),
          uploadMs: Math.round(t2 - t1),
          statementMs: run.timings.statementMs,
          sampleMs: run.timings.sampleMs,
          copyBackMs: Math.round(t4 - t3),
          totalMs: Math.round(t4 - t0),
        },
      },
    };
  } finally {
    lease.release();
    await runner.close().catch(() => undefined);
  }
}
