import type { ClusterLoad, RemoteEngine } from "@sous/databricks";
import { type MllibTrainRequest, mllibTrainScript, type TrainResult, TrainResultSchema } from "@sous/ml";
import type { DatasetStorage } from "@sous/storage";
import { runMllibScript } from "./run-mllib-script.ts";

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
export function trainOnDatabricks(
  request: MllibTrainRequest,
  o: DatabricksTrainOptions,
): Promise<{ result: TrainResult; info: DatabricksTrainInfo }> {
  return runMllibScript(o, {
    noun: "training",
    verb: "train",
    script: (paths) => mllibTrainScript(request, paths),
    schema: TrainResultSchema,
    // MLlib models always have a portable form (only local XGBoost has none).
    modelFiles: (result) =>
      result.ok
        ? result.models.map((m) => ({
            pickle: m.pickle,
            json: [...(m.portable ? [m.portable] : []), ...(m.charts ? [m.charts] : [])],
          }))
        : [],
  });
}

export { clusterOnDatabricks } from "./cluster.ts";
