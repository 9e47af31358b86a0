import { AppError } from "@sous/contracts";
import { MlDesignSchema, trainRequestFor } from "@sous/ml";
import { trainOnDatabricks } from "@sous/ml-databricks";
import { trainLocal } from "@sous/ml-local";
import type { WorkerContext } from "../../context.ts";
import type { JobAttempt } from "../build/job-attempt.ts";
import type { BuildSettings } from "../build/settings.ts";
import { isClusterTraining, runClustering } from "./run-clustering.ts";
import { runTrainerJob } from "./run-trainer-job.ts";

/** Test rows whose features and predictions the result keeps (scorers are checked against them). */
const SAMPLE_ROWS = 200;

/**
 * Runs a Lab training (a job of mode "train"): reads the dataset version the training named,
 * trains every algorithm of its design with the local scikit-learn trainer, stores the artifacts
 * (fitted pipelines, portable models, chart data) under the training's prefix and the result on
 * its row. The trainer's progress lines go to the job log; a cancel or the worker stopping kills
 * it. A design the data refuses (one class, a non-numeric regression target...) ends the job
 * FAILED with the trainer's message and the result kept; the analysis's design is untouched.
 */
export async function runTraining(
  ctx: WorkerContext,
  settings: BuildSettings,
  attempt: JobAttempt,
  signal?: AbortSignal,
): Promise<void> {
  const { jobId } = attempt;
  const training = await ctx.db.mlTraining.findUnique({ where: { jobId } });
  if (!training) throw new AppError("not_found", `Job ${jobId} has no training.`);
  if (isClusterTraining(training.design)) return runClustering(ctx, settings, attempt, signal);
  await runTrainerJob(ctx, settings, attempt, signal, training, {
    noun: "training",
    verb: "train",
    parseDesign: (design) => MlDesignSchema.parse(design),
    local: (design, paths, run) =>
      trainLocal(trainRequestFor(design, { ...paths, sampleRows: SAMPLE_ROWS }), {
        signal: run.signal,
        timeoutMs: settings.activityTimeoutMs,
        onLog: run.log,
      }),
    // Spark MLlib on the design's Databricks compute profile; the models land under the
    // training's prefix like local ones.
    remote: async (design, options) => {
      const {
        parquet: _p,
        outputDir: _o,
        ...request
      } = trainRequestFor(design, { parquet: "", outputDir: "", sampleRows: SAMPLE_ROWS });
      const { result, info } = await trainOnDatabricks(request, {
        ...options,
        // A training is one activity: it gets the activity timeout (SOUS_ACTIVITY_TIMEOUT_SECONDS).
        ...(settings.activityTimeoutMs ? { timeoutMs: settings.activityTimeoutMs } : {}),
      });
      const t = info.timings;
      options.onLog?.(
        `Databricks run ${info.runId} on cluster ${info.clusterId}: cluster ${(t.clusterMs / 1000).toFixed(1)} s, upload ${(t.uploadMs / 1000).toFixed(1)} s, run ${(t.runMs / 1000).toFixed(1)} s, copy back ${(t.copyBackMs / 1000).toFixed(1)} s.`,
      );
      return result;
    },
    summary: (result) => {
      const best = result.models[result.best.index]!;
      return `Trained ${result.models.length} model${result.models.length === 1 ? "" : "s"} in ${(result.totalMs / 1000).toFixed(1)} s; best ${best.algorithm.algorithm} (${result.best.metric} ${best.metrics[result.best.metric]?.toFixed(4)}).`;
    },
  });
}
