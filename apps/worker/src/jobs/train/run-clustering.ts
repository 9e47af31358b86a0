import { AppError } from "@sous/contracts";
import { ClusterDesignSchema, clusterRequestFor } from "@sous/ml";
import { clusterOnDatabricks } from "@sous/ml-databricks";
import { clusterLocal } from "@sous/ml-local";
import type { WorkerContext } from "../../context.ts";
import type { JobAttempt } from "../build/job-attempt.ts";
import type { BuildSettings } from "../build/settings.ts";
import { runTrainerJob } from "./run-trainer-job.ts";

/** Rows whose features and clusters the result keeps (scorers are checked against them). */
const SAMPLE_ROWS = 200;

/** Whether a training's stored design is a clustering (runTraining hands those to runClustering). */
export const isClusterTraining = (design: unknown) => ClusterDesignSchema.safeParse(design).success;

/**
 * Runs a Lab clustering (a job of mode "train" whose design has task "clustering"), as
 * runTraining runs a prediction design: the dataset version it named, scikit-learn locally or
 * MLlib on the design's Databricks profile, the artifacts under the training's prefix and the
 * result on its row; progress lines in the job log, cancel and the worker stopping kill it. A
 * clustering the data refuses ends FAILED with the trainer's message.
 */
export async function runClustering(
  ctx: WorkerContext,
  settings: BuildSettings,
  attempt: JobAttempt,
  signal?: AbortSignal,
): Promise<void> {
  const { jobId } = attempt;
  const training = await ctx.db.mlTraining.findUnique({ where: { jobId } });
  if (!training) throw new AppError("not_found", `Job ${jobId} has no training.`);
  await runTrainerJob(ctx, settings, attempt, signal, training, {
    noun: "clustering",
    verb: "cluster",
    parseDesign: (design) => ClusterDesignSchema.parse(design),
    local: (design, paths, run) =>
      clusterLocal(clusterRequestFor(design, { ...paths, sampleRows: SAMPLE_ROWS }), {
        signal: run.signal,
        timeoutMs: settings.activityTimeoutMs,
        onLog: run.log,
      }),
    remote: async (design, options) => {
      const {
        parquet: _p,
        outputDir: _o,
        ...request
      } = clusterRequestFor(design, { parquet: "", outputDir: "", sampleRows: SAMPLE_ROWS });
      return (await clusterOnDatabricks(request, { ...options, timeoutMs: settings.activityTimeoutMs }))
        .result;
    },
    summary: (result) => {
      const best = result.models[result.best.index]!;
      return `Clustered with ${result.models.length} algorithm${result.models.length === 1 ? "" : "s"} in ${(result.totalMs / 1000).toFixed(1)} s; best ${best.algorithm.algorithm} with k = ${best.k} (silhouette ${best.metrics.silhouette?.toFixed(4) ?? "undefined"}).`;
    },
  });
}
