import { AppError } from "@sous/contracts";
import type { MlTrainingModel, Prisma } from "@sous/db";
import type { ClusterResult, TrainResult } from "@sous/ml";
import type { DatabricksTrainOptions } from "@sous/ml-databricks";
import { loadRemoteEngine, moveJob } from "@sous/server-domain";
import type { WorkerContext } from "../../context.ts";
import { cancelTiming, watchCancel } from "../build/cancel-watch.ts";
import { assertOwner, type JobAttempt, keepAlive, LostOwnershipError } from "../build/job-attempt.ts";
import { jobLog } from "../build/job-log.ts";
import { type BuildSettings, defaultAttemptTiming } from "../build/settings.ts";
import { deployRetrained } from "./deploy-retrained.ts";

/** Where a design trains (MlEngine of @sous/ml): locally or on a Databricks compute profile. */
type RemoteChoice = { kind: "databricks"; connectionId: string; profileId: string };
type EngineChoice = { kind: "local" } | RemoteChoice;

/** What the harness hands a Databricks trainer: everything but its own timeout. */
export type RemoteTrainerOptions = Omit<DatabricksTrainOptions, "timeoutMs" | "poll" | "onRun">;

/** The parts of a Lab job that depend on what it trains (a prediction or a clustering). */
export interface TrainerJob<D extends { engine: EngineChoice }, R extends TrainResult | ClusterResult> {
  /** Names the run in its log and error messages ("training" or "clustering"). */
  noun: "training" | "clustering";
  /** Names what to do instead when the worker has no Databricks settings ("train" or "cluster"). */
  verb: "train" | "cluster";
  /** Parses the training's stored design (a throw fails the job with its message). */
  parseDesign: (design: unknown) => D;
  /** Runs the local trainer: it reads `parquet` and writes its artifacts into `outputDir`. */
  local: (design: D, paths: { parquet: string; outputDir: string }, run: TrainerRun) => Promise<R>;
  /** Runs the Databricks trainer with the engine loaded for the design's connection and profile. */
  remote: (design: D & { engine: RemoteChoice }, options: RemoteTrainerOptions) => Promise<R>;
  /** The log line of a successful result. */
  summary: (result: Extract<R, { ok: true }>) => string;
}

/** The cancel signal and progress log of one run. */
export interface TrainerRun {
  signal: AbortSignal;
  log: (line: string) => void;
}

/**
 * Runs a Lab job of mode "train" (a prediction or a clustering), moved to RUNNING by claimJob: trains on
 * the dataset version the training named, locally or on the design's Databricks profile, with the
 * artifacts under the training's prefix and the result on its row; progress lines in the job log,
 * cancel and the worker stopping kill the trainer, a lost lease stops quietly. A retrain deploys
 * its model before the job succeeds. A design the data refuses ends FAILED with the trainer's
 * message and the result kept.
 */
export async function runTrainerJob<
  D extends { engine: EngineChoice },
  R extends TrainResult | ClusterResult,
>(
  ctx: WorkerContext,
  settings: BuildSettings,
  attempt: JobAttempt,
  signal: AbortSignal | undefined,
  training: MlTrainingModel,
  job: TrainerJob<D, R>,
): Promise<void> {
  const { db, storage } = ctx;
  const { jobId } = attempt;
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

  // A last line commits with the state: a reader that sees the job ended (the page's event
  // stream closes then) also sees it.
  const end = (
    to: "SUCCEEDED" | "FAILED" | "CANCELLED",
    data: Prisma.JobUpdateManyMutationInput = {},
    line?: { level: "info" | "warn"; message: string },
  ) =>
    db
      .$transaction(async (tx) => {
        await assertOwner(tx, attempt);
        const moved = await moveJob(tx, jobId, to, { from: ["RUNNING"], data });
        if (moved.moved && line) await tx.jobLog.create({ data: { jobId, ...line } });
        return moved;
      })
      .catch((e) => {
        if (e instanceof LostOwnershipError) return { moved: false as const, state: null };
        throw e;
      });

  let result: R | null = null;
  let failure: string | null = null;
  try {
    const design = job.parseDesign(training.design);
    const version = training.datasetVersionId
      ? await db.datasetVersion.findUnique({ where: { id: training.datasetVersionId } })
      : null;
    if (version?.status !== "PUBLISHED")
      throw new AppError(
        "conflict",
        `The dataset version this ${job.noun} was started on is gone (pruned or replaced): train again.`,
      );
    // A retried attempt starts from nothing: what a dead one left under the prefix goes first.
    await storage.deletePrefix(training.artifactsPrefix);
    const log = (line: string) =>
      void jobLog(db, jobId, "info", line.replace(/^\[sous_ml(?:lib)?\] /, "")).catch(() => {});
    if (isRemote(design)) {
      result = await job.remote(design, {
        ...(await loadJobEngine(ctx, jobId, design.engine, job.verb)),
        installationStorage: storage,
        inputPrefix: version.prefix,
        outputPrefix: training.artifactsPrefix,
        onLog: log,
        signal: controller.signal,
      });
    } else {
      result = await trainLocally(ctx, version.prefix, training.artifactsPrefix, (paths) =>
        job.local(design, paths, { signal: controller.signal, log }),
      );
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
    await end(
      "CANCELLED",
      { errorCode: "cancelled", error: "Cancelled." },
      {
        level: "warn",
        message: `${capitalized(job.noun)} cancelled: the trainer was stopped and no model was kept.`,
      },
    );
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
    await jobLog(db, jobId, "info", job.summary(result as Extract<R, { ok: true }>));
    // A retrain (from a saved model or the Flow) deploys its model as a new version before the job says it succeeded.
    let deployed: string | null = null;
    try {
      deployed = await deployRetrained(db, training, result as Extract<R, { ok: true }>);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      await jobLog(db, jobId, "error", message);
      await end("FAILED", { errorCode: "deploy_failed", error: message });
      return;
    }
    if (deployed) await jobLog(db, jobId, "info", deployed);
    await end("SUCCEEDED", {}, { level: "info", message: "Job succeeded" });
    return;
  }
  const message = result && !result.ok ? result.error.message : (failure ?? `The ${job.noun} failed.`);
  await jobLog(db, jobId, "error", message);
  await end("FAILED", {
    errorCode: result && !result.ok ? result.error.code : "train_failed",
    error: message,
  });
}

const isRemote = <D extends { engine: EngineChoice }>(design: D): design is D & { engine: RemoteChoice } =>
  design.engine.kind === "databricks";

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Runs a local trainer on the dataset version's files, its artifacts staged under the training's
 * prefix: kept when the result is ok, dropped when it is not or the trainer throws.
 */
async function trainLocally<R extends TrainResult | ClusterResult>(
  ctx: WorkerContext,
  inputPrefix: string,
  artifactsPrefix: string,
  train: (paths: { parquet: string; outputDir: string }) => Promise<R>,
): Promise<R> {
  const input = await ctx.storage.acquire(inputPrefix);
  try {
    const staged = await ctx.storage.stage(artifactsPrefix);
    try {
      const result = await train({ parquet: input.dir, outputDir: staged.dir });
      if (result.ok) await staged.commit();
      else await staged.abort();
      return result;
    } catch (e) {
      await staged.abort();
      throw e;
    }
  } finally {
    await input.release();
  }
}

/**
 * Opens the Databricks engine of a design's connection and profile for the job's user (the
 * Jobs API; the emulator runs it on real local Spark), with the worker's cluster load.
 */
async function loadJobEngine(
  ctx: WorkerContext,
  jobId: string,
  choice: { connectionId: string; profileId: string },
  verb: "train" | "cluster",
) {
  if (!ctx.remote)
    throw new AppError("unavailable", `This worker has no Databricks settings: ${verb} on the local engine.`);
  const { load } = ctx.remote;
  const job = await ctx.db.job.findUnique({ where: { id: jobId }, select: { createdById: true } });
  const engine = await loadRemoteEngine({
    db: ctx.db,
    secretBox: ctx.remote.secretBox,
    connectionId: choice.connectionId,
    profileId: choice.profileId,
    userId: job?.createdById ?? null,
    installationStorage: ctx.storage,
    dataDir: ctx.dataDir,
    ...(ctx.remote.timeouts ? { timeouts: ctx.remote.timeouts } : {}),
  }).catch((e: unknown) => {
    throw new AppError("unavailable", `Cannot reach the Databricks connection: ${(e as Error).message}`);
  });
  return { engine, load };
}
