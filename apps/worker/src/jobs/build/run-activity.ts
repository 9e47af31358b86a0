import { compilePipeline, type PipelineInput, type PipelineStep, renderWriteParquet } from "@sous/compiler";
import {
  AppError,
  type DatasetSchema,
  DatasetSchemaSchema,
  newId,
  RecipeSpecSchema,
  type RemoteRunInfo,
} from "@sous/contracts";
import { clusterPathResolver } from "@sous/databricks";
import type { JobActivityModel } from "@sous/db";
import { recipeBuildHash, versionIdentity } from "@sous/flow";
import { pruneDatasetVersions, publishDatasetVersion } from "@sous/server-domain";
import { datasetVersionPrefix, type ReadLease } from "@sous/storage";
import { z } from "zod";
import type { WorkerContext } from "../../context.ts";
import { assertOwner, type JobAttempt, LostOwnershipError } from "./job-attempt.ts";
import { jobLog } from "./job-log.ts";
import { withPivotValues } from "./pivot-values.ts";
import { parseEngineKey, runRemote } from "./run-remote.ts";

const ids = z.array(z.string());

export type ActivityOutcome = { kind: "written"; rows: number } | { kind: "up-to-date"; reason: string };

/**
 * Runs one activity: a recipe, or a pipeline of consecutive recipes compiled by `compilePipeline`
 * into ONE statement whose intermediate datasets are never written. The output is written under
 * a fresh version prefix, then one transaction registers the version (with the hash of what built
 * it), moves the dataset's pointer and marks the activity done. Until then readers keep the
 * previous version; on failure or cancel the files go and nothing is published.
 *
 * `skipIfUpToDate`: smart and missing-only builds that waited for another job building the same
 * dataset join it instead of building again.
 */
export async function runActivity(
  ctx: WorkerContext,
  activity: JobActivityModel,
  opts: ActivityOptions,
): Promise<ActivityOutcome> {
  // The input versions' local folders stay leased (safe from the read cache's eviction) until
  // the activity is over, whatever way it ends.
  const inputLeases: ReadLease[] = [];
  try {
    return await runHoldingInputs(ctx, activity, opts, inputLeases);
  } finally {
    await Promise.all(inputLeases.map((lease) => lease.release()));
  }
}

type ActivityOptions = {
  signal?: AbortSignal;
  skipIfUpToDate?: "hash" | "exists";
  versionsKept?: number;
  /** The job attempt this runs under: publishing checks it still owns the job. */
  attempt?: JobAttempt;
};

async function runHoldingInputs(
  ctx: WorkerContext,
  activity: JobActivityModel,
  opts: ActivityOptions,
  inputLeases: ReadLease[],
): Promise<ActivityOutcome> {
  const { db, storage, engine } = ctx;
  const remoteChoice = parseEngineKey(activity.engine);
  const recipeIds = activity.recipeIds === null ? [activity.recipeId] : ids.parse(activity.recipeIds);
  const virtual = new Set(activity.virtualDatasetIds === null ? [] : ids.parse(activity.virtualDatasetIds));
  const recipes = await db.recipe.findMany({ where: { id: { in: recipeIds } }, include: { io: true } });
  const stepOfDataset = new Map<string, number>();
  const steps: PipelineStep[] = [];
  /** Spark inputs: a stored input's version prefix (placed on the cluster's paths later), or a step. */
  const sparkInputs: (
    | { step: number }
    | { name: string; schema: DatasetSchema; prefix: string; dir: string }
  )[][] = [];
  const hashes: string[] = [];
  const stored = new Map<
    string,
    { name: string; schema: DatasetSchema; dir: string; prefix: string; identity: string }
  >();

  for (const [i, recipeId] of recipeIds.entries()) {
    const recipe = recipes.find((r) => r.id === recipeId);
    if (!recipe) throw new AppError("not_found", "A recipe of this build was deleted before the job ran.");
    const parsed = RecipeSpecSchema.safeParse(recipe.spec);
    if (!parsed.success)
      throw new AppError(
        "invalid_input",
        `Recipe ${recipe.name} is invalid: ${parsed.error.issues[0]?.message}. Open it and fix its settings.`,
      );
    const output = recipe.io.find((x) => x.role === "OUTPUT");
    const links = recipe.io.filter((x) => x.role === "INPUT").sort((a, b) => a.position - b.position);
    const inputs: PipelineInput[] = [];
    const sparkIn: (typeof sparkInputs)[number] = [];
    const identities: string[] = [];
    for (const link of links) {
      const step = stepOfDataset.get(link.datasetId);
      if (virtual.has(link.datasetId) && step !== undefined) {
        inputs.push({ step });
        sparkIn.push({ step });
        identities.push(hashes[step]!);
        continue;
      }
      let s = stored.get(link.datasetId);
      if (!s) {
        const d = await db.dataset.findUnique({
          where: { id: link.datasetId },
          include: { currentVersion: true },
        });
        if (!d?.currentVersion)
          throw new AppError(
            "conflict",
            `Input dataset ${d?.name ?? link.datasetId} has no data yet. Build it first, or build with the smart or missing-only mode, which builds it too.`,
          );
        const lease = await storage.acquire(d.currentVersion.prefix);
        inputLeases.push(lease);
        s = {
          name: d.name,
          schema: DatasetSchemaSchema.parse(d.currentVersion.schema),
          dir: lease.dir,
          prefix: d.currentVersion.prefix,
          identity: versionIdentity(d.currentVersion),
        };
        stored.set(link.datasetId, s);
      }
      identities.push(s.identity);
      inputs.push({ name: s.name, schema: s.schema, location: { format: "parquet", path: s.dir } });
      sparkIn.push({ name: s.name, schema: s.schema, prefix: s.prefix, dir: s.dir });
    }
    const isLast = i === recipeIds.length - 1;
    const written = isLast ? activity.outputDatasetId : (output?.datasetId ?? "");
    hashes.push(
      recipeBuildHash({ spec: recipe.spec, engine: activity.engine, inputs: identities, output: written }),
    );
    if (output) stepOfDataset.set(output.datasetId, i);
    steps.push({ name: recipe.name, spec: parsed.data, inputs });
    sparkInputs.push(sparkIn);
  }
  const buildHash = hashes[hashes.length - 1]!;
  // Pivots saved without values take them from their input now (the hash stays the spec's).
  const stepsToRun = await withPivotValues(
    engine,
    steps,
    [...stored.values()].map((x) => x.dir),
    opts.signal,
  );
  steps.splice(0, steps.length, ...stepsToRun);

  if (opts.skipIfUpToDate) {
    const out = await db.dataset.findUnique({
      where: { id: activity.outputDatasetId },
      select: { currentVersion: { select: { id: true, buildHash: true, jobId: true } } },
    });
    const cur = out?.currentVersion;
    const fresh =
      cur && (opts.skipIfUpToDate === "exists" || versionIdentity(cur) === buildHash) ? cur : null;
    if (fresh) {
      await db.jobActivity.update({
        where: { id: activity.id },
        data: { state: "SUCCEEDED", rowsWritten: 0n, finishedAt: new Date() },
      });
      return {
        kind: "up-to-date",
        reason:
          fresh.jobId && fresh.jobId !== activity.jobId
            ? `already built by job ${fresh.jobId}`
            : "already up to date",
      };
    }
  }

  // A split writes several datasets: this activity writes the one it is for (`sqlPerOutput[i]`).
  const lastRecipe = recipes.find((r) => r.id === recipeIds[recipeIds.length - 1])!;
  const outputIndex = lastRecipe.io
    .filter((x) => x.role === "OUTPUT")
    .sort((a, b) => a.position - b.position)
    .findIndex((x) => x.datasetId === activity.outputDatasetId);
  if (outputIndex < 0)
    throw new AppError(
      "conflict",
      `Recipe ${lastRecipe.name} no longer writes this dataset. Plan the build again.`,
    );
  const selectFor = (c: { sql: string; sqlPerOutput?: string[] }) =>
    c.sqlPerOutput ? (c.sqlPerOutput[outputIndex] ?? "") : c.sql;
  const sparkSteps = (pathOf: (input: { prefix: string; dir: string }) => string) =>
    steps.map((st, i) => ({
      ...st,
      inputs: sparkInputs[i]!.map(
        (x): PipelineInput =>
          "step" in x
            ? x
            : { name: x.name, schema: x.schema, location: { format: "parquet", path: pathOf(x) } },
      ),
    }));
  const what =
    steps.length > 1
      ? `pipeline of ${steps.length} recipes (${steps.map((s) => s.name).join(" → ")}) as one statement`
      : steps[0]!.name;
  const versionId = newId();
  const prefix = datasetVersionPrefix({
    projectId: recipes[0]!.projectId,
    datasetId: activity.outputDatasetId,
    versionId,
  });
  const publish = async (p: {
    rows: number;
    bytes: number;
    schema: DatasetSchema;
    remote?: RemoteRunInfo;
  }) => {
    await publishDatasetVersion(
      db,
      {
        datasetId: activity.outputDatasetId,
        versionId,
        prefix,
        schema: p.schema,
        rowCount: p.rows,
        bytes: p.bytes,
        jobId: activity.jobId,
        buildHash,
      },
      {
        // An attempt that lost its job (another one took it over) publishes nothing.
        before: async (tx) => {
          if (opts.attempt) await assertOwner(tx, opts.attempt);
        },
        after: async (tx) => {
          await tx.jobActivity.update({
            where: { id: activity.id },
            data: {
              state: "SUCCEEDED",
              rowsWritten: BigInt(p.rows),
              finishedAt: new Date(),
              stagingPrefix: null,
              ...(p.remote ? { remote: p.remote } : {}),
            },
          });
        },
      },
    );
    // Old versions go once the new one is the current one; a failure here never fails the build.
    if (opts.versionsKept !== undefined)
      await pruneDatasetVersions(ctx, activity.outputDatasetId, opts.versionsKept).catch((e) =>
        jobLog(db, activity.jobId, "warn", `Removing old versions failed: ${String(e)}`).catch(() => {}),
      );
  };

  if (remoteChoice) {
    return runRemote(ctx, activity, {
      choice: remoteChoice,
      steps: sparkSteps,
      selectFor,
      recipeName: lastRecipe.name,
      what,
      prefix,
      inputPrefixes: [...stored.values()].map((x) => x.prefix),
      publish,
      outputName: steps[steps.length - 1]!.name,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }

  const duck = compilePipeline({ steps, dialect: "duckdb" });
  if (duck.blocking)
    throw new AppError(
      "compile_error",
      `Step ${duck.blocking.stepId} cannot run locally: ${duck.blocking.reason}`,
    );
  const duckSelect = selectFor(duck);
  if (!duckSelect)
    throw new AppError(
      "compile_error",
      `Recipe ${lastRecipe.name} has no output ${outputIndex + 1}. Open it and check its outputs.`,
    );
  let sparkSql: string | null = null;
  try {
    // Informative here (what Databricks would run): the inputs where the recipe's or project's
    // Databricks connection sees them, as a remote build reads them, from their storage keys
    // (never this host's folders: a Blob version's folder is a cache folder).
    const clusterPath = await clusterPathResolver(db, {
      projectId: lastRecipe.projectId,
      recipeEngine: lastRecipe.engine,
    });
    const spark = compilePipeline({ steps: sparkSteps((x) => clusterPath(x.prefix)), dialect: "spark" });
    sparkSql = spark.blocking ? null : selectFor(spark) || null;
  } catch {
    // The Spark text is informative here; a recipe Spark cannot express still runs locally.
  }

  const staged = await storage.stage(prefix);
  const writeSql = renderWriteParquet({ selectSql: duckSelect, path: staged.dir, dialect: "duckdb" });
  // Recorded before writing: a worker killed mid-write leaves this prefix, and the retry deletes it.
  await db.jobActivity.update({
    where: { id: activity.id },
    data: { sparkSql, duckdbSql: writeSql, stagingPrefix: prefix },
  });
  try {
    await jobLog(db, activity.jobId, "info", `Running ${what} on DuckDB`);
    const t0 = performance.now();
    // The statement runs in a sandbox that reads only these inputs and writes only this output.
    const rows = await engine.sandboxed(
      { read: [...stored.values()].map((x) => x.dir), write: [staged.dir] },
      (box) => box.runWrite(writeSql, opts.signal),
    );
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error("aborted");
    const { schema } = await engine.describeParquet(staged.dir);
    const { bytes } = await staged.commit();
    await publish({ rows, bytes, schema });
    await jobLog(
      db,
      activity.jobId,
      "info",
      `Wrote ${rows} rows to ${steps[steps.length - 1]!.name}'s output in ${Math.round(performance.now() - t0)} ms`,
    );
    return { kind: "written", rows };
  } catch (e) {
    await staged.abort().catch(() => {});
    // Committed but not published (the job was taken over): the files go too.
    if (e instanceof LostOwnershipError) await storage.deletePrefix(prefix).catch(() => 0);
    await db.jobActivity
      .update({ where: { id: activity.id }, data: { stagingPrefix: null } })
      .catch(() => {});
    throw e;
  }
}
