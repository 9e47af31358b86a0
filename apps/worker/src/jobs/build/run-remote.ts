import { compilePipeline, sparkQueryProblems } from "@sous/compiler";
import { AppError, type DatasetSchema, type RemoteRunInfo, RemoteRunInfoSchema } from "@sous/contracts";
import { clusterPathFor, describeRemoteFailure, type RemoteEngine, runOnDatabricks } from "@sous/databricks";
import type { JobActivityModel } from "@sous/db";
import { loadRemoteEngine, type RemoteChoice } from "@sous/server-domain";
import type { WorkerContext } from "../../context.ts";
import { jobLog } from "./job-log.ts";

// The engine key's rule lives with the graph loader that writes it; run-activity reads it from here.
export { parseEngineKey } from "@sous/server-domain";

/**
 * A Databricks failure as the worker classifies it: retryable ones stay plain errors (the job is
 * retried with backoff), the others become an AppError so the activity fails at once with the
 * user-facing text. The token never reaches these messages (the library redacts them).
 */
function remoteFailure(e: unknown, who: string): Error {
  if (e instanceof AppError) return e;
  const { message, retryable } = describeRemoteFailure(e);
  if (retryable) return new Error(`Databricks (${who}): ${message}`);
  return new AppError("invalid_input", `${who} failed on Databricks: ${message}`);
}

/** "Recipe by_region", or the pipeline's recipes in order: what the job error names. */
function whoOf(o: { what: string; recipeName: string }): string {
  return o.what === o.recipeName
    ? `Recipe ${o.recipeName}`
    : `The ${o.what.replace(/ as one statement$/, "")}`;
}

type Steps = Parameters<typeof compilePipeline>[0]["steps"];

/**
 * Runs the activity on the Databricks cluster of its compute profile: the pipeline compiled as ONE
 * SparkSQL statement reading the inputs at their cluster paths, written by the cluster under the
 * new version prefix, then published exactly like a local build (schema read from the files now
 * in the installation's storage).
 */
export async function runRemote(
  ctx: WorkerContext,
  activity: JobActivityModel,
  o: {
    choice: RemoteChoice;
    steps: (pathOf: (input: { prefix: string; dir: string }) => string) => Steps;
    selectFor: (c: { sql: string; sqlPerOutput?: string[] }) => string;
    recipeName: string;
    what: string;
    prefix: string;
    inputPrefixes: string[];
    outputName: string;
    publish: (p: {
      rows: number;
      bytes: number;
      schema: DatasetSchema;
      remote?: RemoteRunInfo;
    }) => Promise<unknown>;
    signal?: AbortSignal;
  },
): Promise<{ kind: "written"; rows: number }> {
  const { db, storage } = ctx;
  if (!ctx.remote)
    throw new AppError(
      "invalid_input",
      "This worker is not set up for Databricks runs. Switch the recipe to the local engine.",
    );
  const job = await db.job.findUnique({ where: { id: activity.jobId }, select: { createdById: true } });
  let engine: RemoteEngine;
  try {
    engine = await loadRemoteEngine({
      db,
      secretBox: ctx.remote.secretBox,
      connectionId: o.choice.connectionId,
      profileId: o.choice.profileId,
      userId: job?.createdById ?? null,
      installationStorage: storage,
      dataDir: ctx.dataDir,
      ...(ctx.remote.timeouts ? { timeouts: ctx.remote.timeouts } : {}),
    });
  } catch (e) {
    throw remoteFailure(e, whoOf(o));
  }

  const spark = compilePipeline({
    steps: o.steps((x) => clusterPathFor(engine.mapping, x.prefix)),
    dialect: "spark",
  });
  if (spark.blocking)
    throw new AppError(
      "compile_error",
      `Step ${spark.blocking.stepId} cannot run on Databricks: ${spark.blocking.reason} Change that step or switch the recipe to the local engine.`,
    );
  const selectSql = o.selectFor(spark);
  if (!selectSql)
    throw new AppError(
      "compile_error",
      `Recipe ${o.recipeName} has no such output. Open it and check its outputs.`,
    );

  // A cluster reaches the whole mounted container: the statement may read its inputs and nothing else.
  const problems = sparkQueryProblems(
    selectSql,
    o.inputPrefixes.map((p) => clusterPathFor(engine.mapping, p)),
  );
  if (problems.length > 0)
    throw new AppError(
      "compile_error",
      `Recipe ${o.recipeName} was not sent to Databricks: ${problems[0]} Only its inputs may be read.`,
    );

  // Recorded before the cluster writes: a killed worker leaves this prefix, and the retry deletes it.
  await db.jobActivity.update({
    where: { id: activity.id },
    data: { sparkSql: selectSql, duckdbSql: null, stagingPrefix: o.prefix },
  });
  const remote = ctx.remote;
  const log = (level: "info" | "warn" | "error", message: string) =>
    jobLog(db, activity.jobId, level, message);
  try {
    await log("info", `Running ${o.what} on Databricks (${engine.connectionName}, ${engine.profile.name})`);
    const r = await runOnDatabricks({
      engine,
      load: remote.load,
      selectSql,
      inputPrefixes: o.inputPrefixes,
      outputPrefix: o.prefix,
      installationStorage: storage,
      log,
      ...(o.signal ? { signal: o.signal } : {}),
      // Stored as soon as the cluster is known, so the studio links the Spark UI during the run.
      onCluster: async ({ clusterId, sparkUiUrl }) => {
        const partial: RemoteRunInfo = { ...o.choice, clusterId, sparkUiUrl, statements: 0, timings: {} };
        await db.jobActivity.update({ where: { id: activity.id }, data: { remote: partial } });
      },
    });
    if (o.signal?.aborted) throw o.signal.reason ?? new Error("aborted");
    const info = RemoteRunInfoSchema.parse(r.info);
    const output = await storage.acquire(o.prefix);
    const { schema } = await ctx.engine.describeParquet(output.dir).finally(() => output.release());
    const bytes = (await storage.list(o.prefix)).reduce((n, f) => n + f.bytes, 0);
    await db.jobActivity.update({ where: { id: activity.id }, data: { sparkSql: r.statement } });
    await o.publish({ rows: r.rowsWritten, bytes, schema, remote: info });
    await log(
      "info",
      `Wrote ${r.rowsWritten} rows to ${o.outputName}'s output on cluster ${info.clusterId} in ${info.timings.totalMs} ms (${info.statements} statements)`,
    );
    return { kind: "written", rows: r.rowsWritten };
  } catch (e) {
    // Nothing is published: the files written so far go, in the mounted container and here.
    await storage.deletePrefix(o.prefix).catch(() => 0);
    if (engine.mountStorage !== storage) await engine.mountStorage.deletePrefix(o.prefix).catch(() => 0);
    await db.jobActivity
      .update({ where: { id: activity.id }, data: { stagingPrefix: null } })
      .catch(() => {});
    if (o.signal?.aborted) throw e;
    throw remoteFailure(e, whoOf(o));
  }
}
