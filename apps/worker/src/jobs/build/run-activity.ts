import { compilePipeline, type PipelineInput, type PipelineStep, renderWriteParquet } from "@sous/compiler";
import {
  AppError,
  type DatasetSchema,
  DatasetSchemaSchema,
  newId,
  RecipeSpecSchema,
  type RemoteRunInfo,
} from "@sous/contracts";
import type { JobActivityModel } from "@sous/db";
import { recipeBuildHash, versionIdentity } from "@sous/flow";
import {
  clusterPathResolver,
  loadScoringModel,
  moveActivities,
  pruneDatasetVersions,
  publishDatasetVersion,
} from "@sous/server-domain";
import { datasetVersionPrefix, type ReadLease, type StagedWrite } from "@sous/storage";
import { z } from "zod";
import type { WorkerContext } from "../../context.ts";
import type { BuildTimings } from "./build-timings.ts";
import { type JobAttempt, LostOwnershipError } from "./job-attempt.ts";
import { jobLog } from "./job-log.ts";
import { withPivotValues } from "./pivot-values.ts";
import { type LeasedVersion, leasePreviousMetrics } from "./previous-metrics.ts";
import { recordRunStart } from "./record-run-start.ts";
import { parseEngineKey, runRemote } from "./run-remote.ts";
import { runtimeScored, scoreWithRuntime } from "./score-with-runtime.ts";
import { splitInOneScan } from "./split-in-one-scan.ts";

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
  const [outcome] = await runActivities(ctx, [activity], opts);
  return outcome!;
}

/**
 * Runs activities of one job that write different outputs of the same recipes (a split's
 * outputs: same `recipeIds`, same engine), as one: locally, the split's input is read once for
 * all of them (see `splitInOneScan`). One outcome per activity, in order; one error fails all.
 */
export async function runActivities(
  ctx: WorkerContext,
  group: readonly JobActivityModel[],
  opts: ActivityOptions,
): Promise<ActivityOutcome[]> {
  // The input versions' local folders stay leased (safe from the read cache's eviction) until
  // the activity is over, whatever way it ends.
  const inputLeases: ReadLease[] = [];
  try {
    return await runHoldingInputs(ctx, group, opts, inputLeases);
  } finally {
    await Promise.all(inputLeases.map((lease) => lease.release()));
  }
}

const activityRecipeIds = (activity: JobActivityModel) =>
  activity.recipeIds === null ? [activity.recipeId] : ids.parse(activity.recipeIds);

/**
 * The activity's recipes and every input of them (stored or not: virtual ones are simply not
 * used) side by side, each with its relation: two round trips where one after the other cost four
 * (a round trip each also added up on 4-way joins). The job runner starts it beside the activity's
 * lease (see ActivityOptions.flow).
 */
export function readActivityFlow(db: WorkerContext["db"], activity: JobActivityModel) {
  const recipeIds = activityRecipeIds(activity);
  return Promise.all([
    db.recipe.findMany({ where: { id: { in: recipeIds } }, include: { io: true } }),
    db.dataset.findMany({
      where: { recipeLinks: { some: { recipeId: { in: recipeIds }, role: "INPUT" } } },
      include: { currentVersion: true },
    }),
  ]);
}

type ActivityOptions = {
  /**
   * readActivityFlow of the group's first activity, read while its lease was taken (one round
   * trip less on the build's path); read here when absent (after waiting for another job, whose
   * build may have changed the inputs).
   */
  flow?: ReturnType<typeof readActivityFlow>;
  /**
   * Work that need not hold the activity up but must be done before the job ends (pruning old
   * versions): pushed here, the caller awaits it beside the release of the leases left.
   */
  trailing?: Promise<unknown>[];
  signal?: AbortSignal;
  skipIfUpToDate?: "hash" | "exists";
  versionsKept?: number;
  /** The job attempt this runs under: publishing checks it still owns the job. */
  attempt?: JobAttempt;
  /** Where the time goes, phase by phase (the job's "Time spent" log line). */
  timings?: BuildTimings;
};

async function runHoldingInputs(
  ctx: WorkerContext,
  group: readonly JobActivityModel[],
  opts: ActivityOptions,
  inputLeases: ReadLease[],
): Promise<ActivityOutcome[]> {
  const { db, storage, engine } = ctx;
  const activity = group[0]!;
  const spent = opts.timings;
  const timed = <T>(phase: Parameters<BuildTimings["add"]>[0], fn: () => Promise<T>) =>
    spent ? spent.time(phase, fn) : fn();
  const remoteChoice = parseEngineKey(activity.engine);
  const recipeIds = activityRecipeIds(activity);
  const virtual = new Set(activity.virtualDatasetIds === null ? [] : ids.parse(activity.virtualDatasetIds));
  const [recipes, inputDatasets] = await (opts.flow ?? readActivityFlow(db, activity));
  const inputRows = new Map(inputDatasets.map((d) => [d.id, d]));
  const stepOfDataset = new Map<string, number>();
  const steps: PipelineStep[] = [];
  /** Spark inputs: a stored input's version prefix (placed on the cluster's paths later), or a step. */
  const sparkInputs: (
    | { step: number }
    | { name: string; schema: DatasetSchema; prefix: string; dir: string }
  )[][] = [];
  const hashes: string[] = [];
  /** Per step: an evaluation's metrics dataset as stored now (its new row is appended to it). */
  const previousMetrics: (LeasedVersion | null)[] = [];
  /** The last recipe's build hash for one of its outputs (a split's outputs differ by it alone). */
  let hashFor: (outputDatasetId: string) => string = () => "";
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
        const d =
          inputRows.get(link.datasetId) ??
          (await db.dataset.findUnique({ where: { id: link.datasetId }, include: { currentVersion: true } }));
        if (!d?.currentVersion)
          throw new AppError(
            "conflict",
            `Input dataset ${d?.name ?? link.datasetId} has no data yet. Build it first, or build with the smart or missing-only mode, which builds it too.`,
          );
        const prefix = d.currentVersion.prefix;
        const lease = await timed("acquire", () => storage.acquire(prefix));
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
    // A score (or evaluate) recipe scores with its saved model's active version: loaded now, part
    // of the hash.
    const scoring =
      parsed.data.kind === "score" || parsed.data.kind === "evaluate"
        ? await loadScoringModel(db, storage, recipe.projectId, parsed.data.params.savedModelId)
        : null;
    const hashOf = (written: string) =>
      recipeBuildHash({
        spec: recipe.spec,
        engine: activity.engine,
        inputs: identities,
        output: written,
        ...(scoring ? { model: scoring.versionId } : {}),
      });
    // Not part of the hash: a run adds a row, it does not make the evaluation outdated.
    const previous =
      parsed.data.kind === "evaluate"
        ? await timed("acquire", () =>
            leasePreviousMetrics(
              ctx,
              recipe.io.filter((x) => x.role === "OUTPUT"),
              inputLeases,
            ),
          )
        : null;
    previousMetrics.push(previous);
    // Read like an input: in the sandbox's read list and copied to the cluster.
    if (previous) stored.set(`metrics:${recipe.id}`, { ...previous, identity: "" });
    hashes.push(hashOf(isLast ? activity.outputDatasetId : (output?.datasetId ?? "")));
    if (isLast) hashFor = hashOf;
    if (output) stepOfDataset.set(output.datasetId, i);
    steps.push({
      name: recipe.name,
      spec: parsed.data,
      inputs,
      ...(scoring
        ? {
            context: {
              scoringModel: scoring,
              // An evaluation's metrics row says when it ran (not part of the hash).
              ...(parsed.data.kind === "evaluate" ? { evaluatedAt: new Date().toISOString() } : {}),
              ...(previous
                ? {
                    previousMetrics: {
                      name: previous.name,
                      schema: previous.schema,
                      location: { format: "parquet" as const, path: previous.dir },
                    },
                  }
                : {}),
            },
          }
        : {}),
    });
    sparkInputs.push(sparkIn);
  }
  // Pivots saved without values take them from their input now (the hash stays the spec's).
  const stepsToRun = await withPivotValues(
    engine,
    steps,
    [...stored.values()].map((x) => x.dir),
    opts.signal,
  );
  steps.splice(0, steps.length, ...stepsToRun);

  const outcomes = new Map<string, ActivityOutcome>();
  if (opts.skipIfUpToDate) {
    for (const a of group) {
      const out = await db.dataset.findUnique({
        where: { id: a.outputDatasetId },
        select: { currentVersion: { select: { id: true, buildHash: true, jobId: true } } },
      });
      const cur = out?.currentVersion;
      const fresh =
        cur && (opts.skipIfUpToDate === "exists" || versionIdentity(cur) === hashFor(a.outputDatasetId))
          ? cur
          : null;
      if (!fresh) continue;
      await moveActivities(db, { id: a.id }, "SUCCEEDED", { from: ["RUNNING"], data: { rowsWritten: 0n } });
      outcomes.set(a.id, {
        kind: "up-to-date",
        reason:
          fresh.jobId && fresh.jobId !== a.jobId
            ? `already built by job ${fresh.jobId}`
            : "already up to date",
      });
    }
  }
  const pending = group.filter((a) => !outcomes.has(a.id));
  const result = () => group.map((a) => outcomes.get(a.id)!);
  if (pending.length === 0) return result();

  // A split writes several datasets: each activity writes the one it is for (`sqlPerOutput[i]`).
  const lastRecipe = recipes.find((r) => r.id === recipeIds[recipeIds.length - 1])!;
  const outputIds = lastRecipe.io
    .filter((x) => x.role === "OUTPUT")
    .sort((a, b) => a.position - b.position)
    .map((x) => x.datasetId);
  const sparkSteps = (pathOf: (input: { prefix: string; dir: string }) => string) =>
    steps.map((st, i) => ({
      ...st,
      inputs: sparkInputs[i]!.map(
        (x): PipelineInput =>
          "step" in x
            ? x
            : { name: x.name, schema: x.schema, location: { format: "parquet", path: pathOf(x) } },
      ),
      ...(st.context?.previousMetrics && previousMetrics[i]
        ? {
            context: {
              ...st.context,
              previousMetrics: {
                ...st.context.previousMetrics,
                location: { format: "parquet" as const, path: pathOf(previousMetrics[i]) },
              },
            },
          }
        : {}),
    }));
  const what =
    steps.length > 1
      ? `pipeline of ${steps.length} recipes (${steps.map((s) => s.name).join(" → ")}) as one statement`
      : steps[0]!.name;
  const targets = pending.map((a) => {
    const outputIndex = outputIds.indexOf(a.outputDatasetId);
    if (outputIndex < 0)
      throw new AppError(
        "conflict",
        `Recipe ${lastRecipe.name} no longer writes this dataset. Plan the build again.`,
      );
    const versionId = newId();
    const prefix = datasetVersionPrefix({
      projectId: recipes[0]!.projectId,
      datasetId: a.outputDatasetId,
      versionId,
    });
    return { activity: a, outputIndex, versionId, prefix, buildHash: hashFor(a.outputDatasetId) };
  });
  type Target = (typeof targets)[number];
  const selectFor = (t: Target) => (c: { sql: string; sqlPerOutput?: string[] }) =>
    c.sqlPerOutput ? (c.sqlPerOutput[t.outputIndex] ?? "") : c.sql;
  type Written = {
    rows: number;
    bytes: number;
    schema: DatasetSchema;
    remote?: RemoteRunInfo;
    /** Local runs: the SparkSQL Databricks would run (null when Spark cannot express it). */
    sparkSql?: string | null;
  };
  /**
   * Publishes (the statement also releases the job's lease on the output, and logs `line`);
   * resolves once the version is current, with the pruning of old ones (`pruned`) still going.
   */
  const publishing = async (t: Target, p: Written, line?: string): Promise<{ pruned: Promise<unknown> }> => {
    const started = performance.now();
    const { number } = await publishDatasetVersion(
      db,
      {
        datasetId: t.activity.outputDatasetId,
        versionId: t.versionId,
        prefix: t.prefix,
        schema: p.schema,
        rowCount: p.rows,
        bytes: p.bytes,
        jobId: t.activity.jobId,
        buildHash: t.buildHash,
      },
      {
        // An attempt that lost its job (another one took it over) publishes nothing.
        ...(opts.attempt
          ? {
              owner: {
                jobId: opts.attempt.jobId,
                token: opts.attempt.token,
                notOwner: () => new LostOwnershipError(),
              },
            }
          : {}),
        // The activity ends in the statement that registers the version (RUNNING -> SUCCEEDED).
        activityDone: {
          id: t.activity.id,
          rowsWritten: BigInt(p.rows),
          ...(p.remote ? { remote: p.remote } : {}),
          ...(p.sparkSql !== undefined ? { sparkSql: p.sparkSql } : {}),
        },
        releaseBuildLock: { jobId: t.activity.jobId },
        ...(line ? { logLine: { jobId: t.activity.jobId, message: line } } : {}),
      },
    );
    spent?.add("publish", performance.now() - started);
    // Old versions go once the new one is the current one; a failure here never fails the build.
    // Version numbers only grow, so up to number `versionsKept` there are no more than that.
    if (opts.versionsKept === undefined || number <= opts.versionsKept) return { pruned: Promise.resolve() };
    const kept = opts.versionsKept;
    return {
      pruned: timed("prune", () => pruneDatasetVersions(ctx, t.activity.outputDatasetId, kept)).catch((e) =>
        jobLog(db, activity.jobId, "warn", `Removing old versions failed: ${String(e)}`).catch(() => {}),
      ),
    };
  };
  const publish = async (t: Target, p: Written) => {
    await (await publishing(t, p)).pruned;
  };

  // A score recipe whose model has no portable form (no SQL): scored by the model's runtime.
  const runtime = runtimeScored(steps);
  if (runtime) {
    const t = targets[0]!;
    outcomes.set(
      t.activity.id,
      await scoreWithRuntime(ctx, t.activity, {
        steps,
        runtime,
        remote: remoteChoice !== null,
        readDirs: [...stored.values()].map((x) => x.dir),
        prefix: t.prefix,
        publish: (p) => publish(t, p),
        ...(opts.signal ? { signal: opts.signal } : {}),
      }),
    );
    return result();
  }

  if (remoteChoice) {
    // Remote outputs are written one statement each (the build planner's activities, as before).
    for (const t of targets) {
      // The run on the workspace is its own phase (else it would count as DB writes); the
      // publish inside it is already timed as the publish.
      const started = performance.now();
      const published = spent?.total("publish") ?? 0;
      outcomes.set(
        t.activity.id,
        await runRemote(ctx, t.activity, {
          choice: remoteChoice,
          steps: sparkSteps,
          selectFor: selectFor(t),
          recipeName: lastRecipe.name,
          what,
          prefix: t.prefix,
          inputPrefixes: [...stored.values()].map((x) => x.prefix),
          publish: (p) => publish(t, p),
          outputName: steps[steps.length - 1]!.name,
          ...(opts.signal ? { signal: opts.signal } : {}),
        }),
      );
      spent?.add("remote", performance.now() - started - ((spent?.total("publish") ?? 0) - published));
    }
    return result();
  }

  const compiling = performance.now();
  const duck = compilePipeline({ steps, dialect: "duckdb" });
  if (duck.blocking)
    throw new AppError(
      "compile_error",
      `Step ${duck.blocking.stepId} cannot run locally: ${duck.blocking.reason}`,
    );
  // Several outputs of a split: its input is read (and what comes before it computed) once.
  const together = targets.length > 1 ? splitInOneScan(steps) : null;
  const selects = targets.map((t) => {
    const sql = together ? (together.selects[t.outputIndex] ?? "") : selectFor(t)(duck);
    if (!sql)
      throw new AppError(
        "compile_error",
        `Recipe ${lastRecipe.name} has no output ${t.outputIndex + 1}. Open it and check its outputs.`,
      );
    return sql;
  });
  spent?.add("compile", performance.now() - compiling);
  // Informative here (what Databricks would run): the inputs where the recipe's or project's
  // Databricks connection sees them, as a remote build reads them (never this host's folders).
  // Compiled once DuckDB runs the query (see `sandboxed` below): its lookup and compile take this
  // thread 2-5 ms, which then no longer hold up the query's start; recorded with the outcome. A
  // recipe Spark cannot express still runs locally.
  let sparkText: Promise<ReturnType<typeof compilePipeline> | null> | null = null;
  const compileSpark = () =>
    (sparkText ??= (async () => {
      const clusterPath = await clusterPathResolver(db, {
        projectId: lastRecipe.projectId,
        recipeEngine: lastRecipe.engine,
      });
      const compiled = compilePipeline({ steps: sparkSteps((x) => clusterPath(x.prefix)), dialect: "spark" });
      return compiled.blocking ? null : compiled;
    })().catch(() => null));

  /** What a target's activity shows as SparkSQL (null: Spark cannot express it). */
  const sparkFor = async (t: Target) => {
    const spark = await compileSpark();
    return spark ? selectFor(t)(spark) || null : null;
  };

  const staged: StagedWrite[] = [];
  /** The SQL's and staging prefix's record (see below): the cleanup of a failure waits for it. */
  let recorded: Promise<unknown> = Promise.resolve();
  try {
    for (const t of targets) staged.push(await timed("acquire", () => storage.stage(t.prefix)));
    const writes = targets.map((_t, i) =>
      renderWriteParquet({ selectSql: selects[i]!, path: staged[i]!.dir, dialect: "duckdb" }),
    );
    // Recorded before writing: a worker killed mid-write leaves this prefix, and the retry deletes it.
    // Written while the sandbox's DuckDB is locked down, awaited before its first statement.
    const outputs =
      targets.length > 1 ? ` (${targets.length} outputs${together ? ", one read of the input" : ""})` : "";
    recorded = recordRunStart(
      db,
      activity.jobId,
      targets.map((t, i) => ({
        activityId: t.activity.id,
        duckdbSql: together ? `${together.setup};\n${writes[i]}` : writes[i]!,
        stagingPrefix: t.prefix,
      })),
      `Running ${what}${outputs} on DuckDB`,
    );
    recorded.catch(() => {}); // a failure is thrown where it is awaited
    // The SparkSQL is written with the outcome (the publish, or the failure's cleanup below): no
    // write of its own on the build's path.
    const t0 = performance.now();
    let boxReady = 0;
    let queryStart = 0;
    let queryDone = 0;
    // The statements run in a sandbox that reads only these inputs and writes only these outputs.
    const rows = await engine.sandboxed(
      { read: [...stored.values()].map((x) => x.dir), write: staged.map((x) => x.dir) },
      async (box) => {
        boxReady = performance.now();
        await recorded;
        queryStart = performance.now();
        const run = together
          ? // One connection: the temporary table lives as long as it.
            box.withConnection(async (c) => {
              await c.run(together.setup);
              const counts: number[] = [];
              for (const w of writes) counts.push(Number((await c.runAndReadAll(w)).getRows()[0]?.[0] ?? 0));
              return counts;
            }, opts.signal)
          : Promise.all(writes.map((w) => box.runWrite(w, opts.signal)));
        // DuckDB runs on its own threads now: this one is free for the SparkSQL.
        void compileSpark();
        return run.finally(() => {
          queryDone = performance.now();
        });
      },
    );
    // Around the statements: the sandbox's open and close (a DuckDB instance of its own); the wait
    // for the SQL's record, if any is left once it is open, counts as DB writes.
    spent?.add("query", queryDone - queryStart);
    spent?.add("open", boxReady - t0 + (performance.now() - queryDone));
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error("aborted");
    for (const [i, t] of targets.entries()) {
      const dir = staged[i]!.dir;
      // The footer read and the files' fsync side by side (neither changes the files).
      const [schema, { bytes }] = await Promise.all([
        timed("describe", () => engine.parquetSchema(dir)),
        timed("acquire", () => staged[i]!.commit()),
      ]);
      const sparkSql = await sparkFor(t);
      const wrote = `Wrote ${rows[i]} rows to ${steps[steps.length - 1]!.name}'s output${targets.length > 1 ? ` ${t.outputIndex + 1}` : ""} in ${Math.round(performance.now() - t0)} ms`;
      const { pruned } = await publishing(t, { rows: rows[i]!, bytes, schema, sparkSql }, wrote);
      outcomes.set(t.activity.id, { kind: "written", rows: rows[i]! });
      // Old versions are removed after (before the job may end: the caller waits for them).
      if (opts.trailing) {
        pruned.catch(() => {}); // awaited (and its failure thrown) by the caller
        opts.trailing.push(pruned);
      } else await pruned;
    }
    return result();
  } catch (e) {
    await recorded.catch(() => {}); // else it could set the staging prefix after the cleanup below
    for (const [i, t] of targets.entries()) {
      if (outcomes.has(t.activity.id)) continue; // published before the failure: kept
      await staged[i]?.abort().catch(() => {});
      // Committed but not published (the job was taken over): the files go too.
      if (e instanceof LostOwnershipError) await storage.deletePrefix(t.prefix).catch(() => 0);
      // A failed run still shows what Databricks would have run.
      await db.jobActivity
        .update({ where: { id: t.activity.id }, data: { stagingPrefix: null, sparkSql: await sparkFor(t) } })
        .catch(() => {});
    }
    throw e;
  }
}
