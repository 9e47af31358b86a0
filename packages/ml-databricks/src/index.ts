import { randomUUID } from "node:crypto";
import { cp, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { AppError } from "@sous/contracts";
import {
  type ClusterLoad,
  clusterPathFor,
  DatabricksApiError,
  describeRemoteFailure,
  ensureCluster,
  JobRunFailedError,
  type RemoteEngine,
  runPythonJob,
  uploadInputsIfMissing,
} from "@sous/databricks";
import { type MllibTrainRequest, mllibTrainScript, type TrainResult, TrainResultSchema } from "@sous/ml";
import type { DatasetStorage } from "@sous/storage";

/**
 * Trains on Databricks with Spark MLlib: the I/O half of @sous/ml's mllibTrainScript, as
 * @sous/ml-local is for scikit-learn. The script and the input go into the mounted container, a
 * one-time run (Jobs API runs/submit) on a RUNNING cluster of the compute profile trains, and the
 * models come back into the installation's storage under the training's prefix, laid out as a
 * local training's: result.json, and per model <index>-<algorithm>/model (the saved MLlib
 * PipelineModel, where a local training has model.pkl), portable.json and charts.json.
 */

export type DatabricksTrainEngine = Pick<RemoteEngine, "rest" | "profile" | "mapping" | "mountStorage">;

export interface DatabricksTrainOptions {
  /** The workspace, compute profile and mounted container (loadRemoteEngine gives them). */
  engine: DatabricksTrainEngine;
  load: ClusterLoad;
  /** Where the dataset version is and where the models must end up. */
  installationStorage: DatasetStorage;
  /** Storage key prefix of the dataset version to train on (datasetVersionPrefix). */
  inputPrefix: string;
  /** Storage key prefix for the models (mlTrainingPrefix); it must hold nothing yet. */
  outputPrefix: string;
  /** Progress: the cluster, the upload, each change of the run's state, the script's own lines. */
  onLog?: (line: string) => void;
  /** Called once the run is submitted (store the run id on the job). */
  onRun?: (run: { clusterId: string; runId: number }) => void | Promise<void>;
  /** Cancels: the run is cancelled on the cluster, then this rejects (AppError conflict). */
  signal?: AbortSignal;
  /** Databricks stops the run after this long (default 2 h). */
  timeoutMs?: number;
  /** Cluster and run polling (tests pass short delays). */
  poll?: { initialMs?: number; maxMs?: number; timeoutMs?: number };
}

export interface DatabricksTrainInfo {
  clusterId: string;
  runId: number;
  /** Milliseconds: getting a RUNNING cluster, uploading, the run itself, copying the models back. */
  timings: { clusterMs: number; uploadMs: number; runMs: number; copyBackMs: number; totalMs: number };
}

/**
 * Resolves with the script's result, `ok: false` included (the data refused, with a message that
 * says what to fix), as trainLocal does. Rejects with an AppError: invalid_input for a request
 * that is invalid or asks for what MLlib does not do (before anything is uploaded or submitted),
 * unavailable when the workspace cannot be reached, engine_error when the run fails (with the
 * script's error), conflict when cancelled.
 */
export async function trainOnDatabricks(
  request: MllibTrainRequest,
  o: DatabricksTrainOptions,
): Promise<{ result: TrainResult; info: DatabricksTrainInfo }> {
  const { engine, signal } = o;
  const log = (line: string) => o.onLog?.(line);
  const token = randomUUID();
  const scratch = `tmp/sous-ml/${token}/`;
  // Builds (and validates) the script first: a bad request is refused before any I/O.
  const script = mllibTrainScript(request, {
    input: clusterPathFor(engine.mapping, o.inputPrefix),
    output: clusterPathFor(engine.mapping, scratch),
  });
  const t0 = performance.now();
  let lease: Awaited<ReturnType<typeof ensureCluster>> | undefined;
  let runId = 0;
  try {
    lease = await ensureCluster({
      rest: engine.rest,
      profile: engine.profile,
      load: o.load,
      log: (_level, message) => log(message),
      ...(signal ? { signal } : {}),
      ...(o.poll ? { poll: o.poll } : {}),
    });
    const clusterId = lease.clusterId;
    const t1 = performance.now();
    if (engine.mountStorage !== o.installationStorage)
      await uploadInputsIfMissing({
        source: o.installationStorage,
        target: engine.mountStorage,
        prefixes: [o.inputPrefix],
        log: (_level, message) => log(message),
        ...(signal ? { signal } : {}),
      });
    await engine.mountStorage.putStream(`${scratch}train.py`, Readable.from([script]));
    const t2 = performance.now();
    const run = await runPythonJob({
      rest: engine.rest,
      clusterId,
      pythonFile: clusterPathFor(engine.mapping, `${scratch}train.py`),
      runName: `sous-ml-train-${token.slice(0, 8)}`,
      idempotencyToken: `sous-ml-${token}`,
      timeoutSeconds: Math.ceil((o.timeoutMs ?? 2 * 3_600_000) / 1000),
      onSubmitted: async (id) => {
        runId = id;
        log(`Submitted Databricks run ${id} on cluster ${clusterId}`);
        await o.onRun?.({ clusterId, runId: id });
      },
      onState: (s) =>
        log(
          `Databricks run ${s.runId}: ${s.lifeCycleState}${s.resultState ? ` ${s.resultState}` : ""}${s.message ? ` (${s.message})` : ""}`,
        ),
      ...(signal ? { signal } : {}),
      poll: { initialMs: o.poll?.initialMs ?? 1_000, maxMs: o.poll?.maxMs ?? 10_000 },
    });
    for (const line of run.logs.split("\n")) if (line.startsWith("[sous_mllib]")) log(line);
    const t3 = performance.now();
    const result = await bringBack(engine.mountStorage, scratch, o.installationStorage, o.outputPrefix);
    const t4 = performance.now();
    return {
      result,
      info: {
        clusterId,
        runId: run.runId,
        timings: {
          clusterMs: Math.round(t1 - t0),
          uploadMs: Math.round(t2 - t1),
          runMs: Math.round(t3 - t2),
          copyBackMs: Math.round(t4 - t3),
          totalMs: Math.round(t4 - t0),
        },
      },
    };
  } catch (e) {
    throw asAppError(e, signal, runId);
  } finally {
    lease?.release();
    await engine.mountStorage.deletePrefix(scratch).catch(() => 0);
  }
}

function asAppError(e: unknown, signal: AbortSignal | undefined, runId: number): AppError {
  if (e instanceof AppError) return e;
  if (signal?.aborted)
    return new AppError(
      "conflict",
      runId ? `training was cancelled (Databricks run ${runId} was cancelled)` : "training was cancelled",
    );
  if (e instanceof JobRunFailedError) {
    const trace = e.output.errorTrace?.split("\n").slice(-12).join("\n");
    return new AppError("engine_error", `MLlib training failed on Databricks: ${e.message}`, {
      details: { runId: e.runId, ...(trace ? { trace } : {}) },
      cause: e,
    });
  }
  if (e instanceof DatabricksApiError && e.status === 0)
    return new AppError("unavailable", `cannot train on Databricks: ${e.message}`, { cause: e });
  return new AppError("engine_error", `cannot train on Databricks: ${describeRemoteFailure(e).message}`, {
    cause: e,
  });
}

/** The one-row text folder a script wrote (part-*.txt) as JSON. */
async function readJsonFolder(dir: string): Promise<unknown> {
  const part = (await readdir(dir).catch(() => [])).find((f) => f.startsWith("part-") && !f.endsWith(".crc"));
  if (!part) throw new AppError("engine_error", `the MLlib training wrote no ${path.basename(dir)}`);
  return JSON.parse(await readFile(path.join(dir, part), "utf8"));
}

/** Validates the result and copies the models into the installation's storage as plain files. */
async function bringBack(
  mount: DatasetStorage,
  scratch: string,
  target: DatasetStorage,
  outputPrefix: string,
): Promise<TrainResult> {
  const lease = await mount.acquire(scratch);
  try {
    const parsed = TrainResultSchema.safeParse(await readJsonFolder(path.join(lease.dir, "result.json")));
    if (!parsed.success)
      throw new AppError(
        "engine_error",
        `the MLlib training's result does not match the contract: ${parsed.error.message}`,
      );
    const result = parsed.data;
    if (!result.ok) return result;
    const staged = await target.stage(outputPrefix);
    try {
      for (const m of result.models) {
        // MLlib models always have a portable form (only local XGBoost has none).
        const files = [...(m.portable ? [m.portable] : []), ...(m.charts ? [m.charts] : [])];
        await mkdir(path.join(staged.dir, path.dirname(m.pickle)), { recursive: true });
        await cp(path.join(lease.dir, m.pickle), path.join(staged.dir, m.pickle), { recursive: true });
        for (const file of files)
          await writeFile(
            path.join(staged.dir, file),
            JSON.stringify(await readJsonFolder(path.join(lease.dir, file))),
          );
      }
      await writeFile(path.join(staged.dir, "result.json"), JSON.stringify(result));
      await staged.commit();
    } catch (e) {
      await staged.abort();
      throw e;
    }
    return result;
  } finally {
    await lease.release();
  }
}

export { clusterOnDatabricks } from "./cluster.ts";
