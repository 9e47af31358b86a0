import { AppError } from "@sous/contracts";
import type { Prisma } from "@sous/db";
import { ClusterDesignSchema, type ClusterResult, clusterRequestFor } from "@sous/ml";
import { clusterOnDatabricks } from "@sous/ml-databricks";
import { clusterLocal } from "@sous/ml-local";
import { loadRemoteEngine, moveJob } from "@sous/server-domain";
import type { WorkerContext } from "../../context.ts";
import { cancelTiming, watchCancel } from "../build/cancel-watch.ts";
import { assertOwner, type JobAttempt, keepAlive, LostOwnershipError } from "../build/job-attempt.ts";
import { jobLog } from "../build/job-log.ts";
import { type BuildSettings, defaultAttemptTiming } from "../build/settings.ts";
import { deployRetrained } from "./deploy-retrained.ts";

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
  const { db, storage } = ctx;
  const { jobId } = attempt;
  const training = await db.mlTraining.findUnique({ where: { jobId } });
  if (!training) throw new AppError("not_found", `Job ${jobId} has no training.`);
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

  let result: ClusterResult | null = null;
  let failure: string | null = null;
  try {
    const design = ClusterDesignSchema.parse(training.design);
    const version = training.datasetVersionId
      ? await db.datasetVersion.findUnique({ where: { id: training.datasetVersionId } })
      : null;
    if (version?.status !== "PUBLISHED")
      throw new AppError(
        "conflict",
        "The dataset version this clustering was started on is gone (pruned or replaced): train again.",
      );
    await storage.deletePrefix(training.artifactsPrefix);
    const log = (line: string) =>
      void jobLog(db, jobId, "info", line.replace(/^\[sous_ml(?:lib)?\] /, "")).catch(() => {});
    if (design.engine.kind === "databricks") {
      if (!ctx.remote)
        throw new AppError(
          "unavailable",
          "This worker has no Databricks settings: cluster on the local engine.",
        );
      const job = await db.job.findUnique({ where: { id: jobId }, select: { createdById: true } });
      const engine = await loadRemoteEngine({
        db,
        secretBox: ctx.remote.secretBox,
        connectionId: design.engine.connectionId,
        profileId: design.engine.profileId,
        userId: job?.createdById ?? null,
        installationStorage: storage,
        dataDir: ctx.dataDir,
        ...(ctx.remote.timeouts ? { timeouts: ctx.remote.timeouts } : {}),
      }).catch((e: unknown) => {
        throw new AppError("unavailable", `Cannot reach the Databricks connection: ${(e as Error).message}`);
      });
      const {
        parquet: _p,
        outputDir: _o,
        ...request
      } = clusterRequestFor(design, {
        parquet: "",
        outputDir: "",
        sampleRows: SAMPLE_ROWS,
      });
      result = (
        await clusterOnDatabricks(request, {
          engine,
          load: ctx.remote.load,
          installationStorage: storage,
          inputPrefix: version.prefix,
          outputPrefix: training.artifactsPrefix,
          onLog: log,
          signal: controller.signal,
          timeoutMs: settings.activityTimeoutMs,
        })
      ).result;
    } else {
      const input = await storage.acquire(version.prefix);
      try {
        const staged = await storage.stage(training.artifactsPrefix);
        try {
          result = await clusterLocal(
            clusterRequestFor(design, { parquet: input.dir, outputDir: staged.dir, sampleRows: SAMPLE_ROWS }),
            { signal: controller.signal, timeoutMs: settings.activityTimeoutMs, onLog: log },
          );
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
    await jobLog(db, jobId, "warn", "Clustering cancelled: the trainer was stopped and no model was kept.");
    return;
  }
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
      `Clustered with ${result.models.length} algorithm${result.models.length === 1 ? "" : "s"} in ${(result.totalMs / 1000).toFixed(1)} s; best ${best.algorithm.algorithm} with k = ${best.k} (silhouette ${best.metrics.silhouette?.toFixed(4) ?? "undefined"}).`,
    );
    // A retrain from the Flow deploys its model as a new version before the job says it succeeded.
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
  const message = result && !result.ok ? result.error.message : (failure ?? "The clustering failed.");
  await jobLog(db, jobId, "error", message);
  await end("FAILED", {
    errorCode: result && !result.ok ? result.error.code : "train_failed",
    error: message,
  });
}
