import { AppError } from "@sous/contracts";
import type { Prisma } from "@sous/db";
import { MlDesignSchema, type TrainResult, trainRequestFor } from "@sous/ml";
import { trainOnDatabricks } from "@sous/ml-databricks";
import { trainLocal } from "@sous/ml-local";
import { loadRemoteEngine, moveJob } from "@sous/server-domain";
import type { WorkerContext } from "../../context.ts";
import { cancelTiming, watchCancel } from "../build/cancel-watch.ts";
import { assertOwner, type JobAttempt, keepAlive, LostOwnershipError } from "../build/job-attempt.ts";
import { jobLog } from "../build/job-log.ts";
import { type BuildSettings, defaultAttemptTiming } from "../build/settings.ts";
import { deployRetrained } from "./deploy-retrained.ts";
import { isClusterTraining, runClustering } from "./run-clustering.ts";

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
  const { db, storage } = ctx;
  const { jobId } = attempt;
  const training = await db.mlTraining.findUnique({ where: { jobId } });
  if (!training) throw new AppError("not_found", `Job ${jobId} has no training.`);
  if (isClusterTraining(training.design)) return runClustering(ctx, settings, attempt, signal);
  const started = await moveJob(db, jobId, "RUNNING", {
    from: ["QUEUED", "RUNNING"],
    data: { startedAt: new Date() },
  });
  if (!started.moved) return;
  await jobLog(db, jobId, "info", `Job started (attempt ${attempt.number})`);

  const controller = new AbortController();
  let cancelled = false;
  const onBullAbort = () => controller.abort(new Error("The worker is stopping."));
  signal?.addEventListener("abort", onBullAbort, { once: true });
  const stopWatch = watchCancel(db, ctx.cancels, jobId, cancelTiming(settings), () => {
    cancelled = true;
    controller.abort(new Error("Cancelled."));
  });
  let lost = false;
  const stopBeat = keepAlive(db, attempt, settings.attempt ?? defaultAttemptTiming, () => {
    lost = true;
    controller.abort(new LostOwnershipError());
  });

  const end = (to: "SUCCEEDED" | "FAILED" | "CANCELLED", data: Prisma.JobUpdateManyMutationInput = {}) =>
    db
      .$transaction(async (tx) => {
        await assertOwner(tx, attempt);
        return moveJob(tx, jobId, to, { from: ["RUNNING"], data });
      })
      .catch((e) => {
        if (e instanceof LostOwnershipError) return { moved: false as const, state: null };
        throw e;
      });

  let result: TrainResult | null = null;
  let failure: string | null = null;
  try {
    const design = MlDesignSchema.parse(training.design);
    const version = training.datasetVersionId
      ? await db.datasetVersion.findUnique({ where: { id: training.datasetVersionId } })
      : null;
    if (version?.status !== "PUBLISHED")
      throw new AppError(
        "conflict",
        "The dataset version this training was started on is gone (pruned or replaced): train again.",
      );
    // A retried attempt starts from nothing: what a dead one left under the prefix goes first.
    await storage.deletePrefix(training.artifactsPrefix);
    const log = (line: string) =>
      void jobLog(db, jobId, "info", line.replace(/^\[sous_ml(?:lib)?\] /, "")).catch(() => {});
    if (design.engine.kind === "databricks") {
      result = await trainRemotely(ctx, {
        jobId,
        choice: design.engine,
        request: trainRequestFor(design, { parquet: "", outputDir: "", sampleRows: SAMPLE_ROWS }),
        inputPrefix: version.prefix,
        outputPrefix: training.artifactsPrefix,
        signal: controller.signal,
        log,
        // A training is one activity: it gets the activity timeout (SOUS_ACTIVITY_TIMEOUT_SECONDS).
        timeoutMs: settings.activityTimeoutMs,
      });
    } else {
      const input = await storage.acquire(version.prefix);
      try {
        const staged = await storage.stage(training.artifactsPrefix);
        try {
          const request = trainRequestFor(design, {
            parquet: input.dir,
            outputDir: staged.dir,
            sampleRows: SAMPLE_ROWS,
          });
          result = await trainLocal(request, {
            signal: controller.signal,
            timeoutMs: settings.activityTimeoutMs,
            onLog: log,
          });
          if (result.ok) await staged.commit();
          else await staged.abort();
        } catch (e) {
          await staged.abort();
          throw e;
        }
      } finally {
        await input.release();
      }
    }
  } catch (e) {
    if (!controller.signal.aborted) failure = e instanceof Error ? e.message : String(e);
  } finally {
    stopWatch();
    stopBeat();
    signal?.removeEventListener("abort", onBullAbort);
  }

  if (lost) {
    await jobLog(db, jobId, "warn", `Attempt ${attempt.number} stopped: another attempt took the job over.`);
    return;
  }
  if (cancelled) {
    await end("CANCELLED", { errorCode: "cancelled", error: "Cancelled." });
    await jobLog(db, jobId, "warn", "Training cancelled: the trainer was stopped and no model was kept.");
    return;
  }
  // The worker is stopping: the queue runs the training again later.
  if (controller.signal.aborted) throw controller.signal.reason;
  if (result)
    await db.mlTraining.update({
      where: { id: training.id },
      data: { result: result as unknown as Prisma.InputJsonValue },
    });
  if (result?.ok) {
    const best = result.models[result.best.index]!;
    await jobLog(
      db,
      jobId,
      "info",
      `Trained ${result.models.length} model${result.models.length === 1 ? "" : "s"} in ${(result.totalMs / 1000).toFixed(1)} s; best ${best.algorithm.algorithm} (${result.best.metric} ${best.metrics[result.best.metric]?.toFixed(4)}).`,
    );
    // A retrain deploys its model as a new version before the job says it succeeded.
    let deployed: string | null = null;
    try {
      deployed = await deployRetrained(db, training, result);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      await jobLog(db, jobId, "error", message);
      await end("FAILED", { errorCode: "deploy_failed", error: message });
      return;
    }
    if (deployed) await jobLog(db, jobId, "info", deployed);
    await end("SUCCEEDED");
    await jobLog(db, jobId, "info", "Job succeeded");
    return;
  }
  const message = result && !result.ok ? result.error.message : (failure ?? "The training failed.");
  await jobLog(db, jobId, "error", message);
  await end("FAILED", {
    errorCode: result && !result.ok ? result.error.code : "train_failed",
    error: message,
  });
}

/**
 * Trains with Spark MLlib on the design's Databricks compute profile (the Jobs API; the emulator
 * runs it on real local Spark). The models land under the training's prefix like local ones.
 */
async function trainRemotely(
  ctx: WorkerContext,
  o: {
    jobId: string;
    choice: { connectionId: string; profileId: string };
    request: ReturnType<typeof trainRequestFor>;
    inputPrefix: string;
    outputPrefix: string;
    signal: AbortSignal;
    log: (line: string) => void;
    timeoutMs?: number;
  },
): Promise<TrainResult> {
  if (!ctx.remote)
    throw new AppError("unavailable", "This worker has no Databricks settings: train on the local engine.");
  const job = await ctx.db.job.findUnique({ where: { id: o.jobId }, select: { createdById: true } });
  const engine = await loadRemoteEngine({
    db: ctx.db,
    secretBox: ctx.remote.secretBox,
    connectionId: o.choice.connectionId,
    profileId: o.choice.profileId,
    userId: job?.createdById ?? null,
    installationStorage: ctx.storage,
    dataDir: ctx.dataDir,
    ...(ctx.remote.timeouts ? { timeouts: ctx.remote.timeouts } : {}),
  }).catch((e: unknown) => {
    throw new AppError("unavailable", `Cannot reach the Databricks connection: ${(e as Error).message}`);
  });
  const { parquet: _p, outputDir: _o, ...request } = o.request;
  const { result, info } = await trainOnDatabricks(request, {
    engine,
    load: ctx.remote.load,
    installationStorage: ctx.storage,
    inputPrefix: o.inputPrefix,
    outputPrefix: o.outputPrefix,
    onLog: o.log,
    signal: o.signal,
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
  });
  const t = info.timings;
  o.log(
    `Databricks run ${info.runId} on cluster ${info.clusterId}: cluster ${(t.clusterMs / 1000).toFixed(1)} s, upload ${(t.uploadMs / 1000).toFixed(1)} s, run ${(t.runMs / 1000).toFixed(1)} s, copy back ${(t.copyBackMs / 1000).toFixed(1)} s.`,
  );
  return result;
}
