import {
  type ClusterResult,
  ClusterResultSchema,
  type MllibClusterRequest,
  mllibClusterScript,
} from "@sous/ml";
import type { DatabricksTrainInfo, DatabricksTrainOptions } from "./index.ts";
import { runMllibScript } from "./run-mllib-script.ts";

/**
 * Clusters on Databricks with Spark MLlib (mllibClusterScript), as trainOnDatabricks trains: the
 * script and the input go into the mounted container, a one-time run on a RUNNING cluster of the
 * compute profile fits the models, and they come back under the training's prefix: result.json
 * and per model <index>-<algorithm>/model (the saved PipelineModel) and, for k-means,
 * portable.json. Resolves with `ok: false` when the data refused; rejects with an AppError.
 */
export async function clusterOnDatabricks(
  request: MllibClusterRequest,
  o: DatabricksTrainOptions,
): Promise<{ result: ClusterResult; info: Pick<DatabricksTrainInfo, "clusterId" | "runId"> }> {
  const { result, info } = await runMllibScript(o, {
    noun: "clustering",
    verb: "cluster",
    script: (paths) => mllibClusterScript(request, paths),
    schema: ClusterResultSchema,
    modelFiles: (result) =>
      result.ok ? result.models.map((m) => ({ pickle: m.pickle, json: m.portable ? [m.portable] : [] })) : [],
  });
  return { result, info: { clusterId: info.clusterId, runId: info.runId } };
}
