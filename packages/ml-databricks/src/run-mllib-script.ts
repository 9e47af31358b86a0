import { randomUUID } from "node:crypto";
import { cp, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { AppError } from "@sous/contracts";
import {
  clusterPathFor,
  DatabricksApiError,
  describeRemoteFailure,
  ensureCluster,
  JobRunFailedError,
  runPythonJob,
  uploadInputsIfMissing,
} from "@sous/databricks";
import type { DatasetStorage } from "@sous/storage";
import type { DatabricksTrainInfo, DatabricksTrainOptions } from "./index.ts";

/** What a run of an MLlib script is (a training, a clustering) and how its answer reads. */
export interface MllibScriptJob<R extends { ok: boolean }> {
  noun: "training" | "clustering";
  verb: "train" | "cluster";
  /** The script, given the cluster paths of the input and of the folder it writes into. */
  script: (paths: { input: string; output: string }) => string;
  /** The script's result.json (`ok: false`: the data refused): its zod schema. */
  schema: {
    safeParse(value: unknown): { success: true; data: R } | { success: false; error: { message: string } };
  };
  /** For an ok result: each model's saved-model folder and its JSON files (one-row text folders). */
  modelFiles: (result: R) => { pickle: string; json: string[] }[];
}

/**
 * Runs an MLlib script on Databricks: the script and the input go into the mounted container, a
 * one-time run (Jobs API runs/submit) on a RUNNING cluster of the compute profile writes the
 * models, and they come back into the installation's storage under `outputPrefix`, laid out as a
 * local run's: result.json, and per model its saved PipelineModel folder and its JSON files as
 * plain files. Resolves with the result, `ok: false` included; rejects with an AppError:
 * invalid_input for a request the script refuses (before any I/O), unavailable when the
 * workspace cannot be reached, engine_error when the run fails (with the script's error),
 * conflict when cancelled.
 */
export async function runMllibScript<R extends { ok: boolean }>(
  o: DatabricksTrainOptions,
  job: MllibScriptJob<R>,
): Promise<{ result: R; info: DatabricksTrainInfo }> {
  const { engine, signal } = o;
  const log = (line: string) => o.onLog?.(line);
  const token = randomUUID();
  const scratch = `tmp/sous-ml/${token}/`;
  // Builds (and validates) the script first: a bad request is refused before any I/O.
  const script = job.script({
    input: clusterPathFor(engine.mapping, o.inputPrefix),
    output: clusterPathFor(engine.mapping, scratch),
  });
  const t0 = performance.now();
  let lease: Awaited<ReturnType<typeof ensureCluster>> | undefined;
  let runId = 0;
  try {
    lease = await ensureCluster({
      rest: engine.rest,
      profile: engine.profile,
      load: o.load,
      log: (_level, message) => log(message),
      ...(signal ? { signal } : {}),
      ...(o.poll ? { poll: o.poll } : {}),
    });
    const clusterId = lease.clusterId;
    const t1 = performance.now();
    if (engine.mountStorage !== o.installationStorage)
      await uploadInputsIfMissing({
        source: o.installationStorage,
        target: engine.mountStorage,
        prefixes: [o.inputPrefix],
        log: (_level, message) => log(message),
        ...(signal ? { signal } : {}),
      });
    const scriptKey = `${scratch}${job.verb}.py`;
    await engine.mountStorage.putStream(scriptKey, Readable.from([script]));
    const t2 = performance.now();
    const run = await runPythonJob({
      rest: engine.rest,
      clusterId,
      pythonFile: clusterPathFor(engine.mapping, scriptKey),
      runName: `sous-ml-${job.verb}-${token.slice(0, 8)}`,
      idempotencyToken: `sous-ml-${token}`,
      timeoutSeconds: Math.ceil((o.timeoutMs ?? 2 * 3_600_000) / 1000),
      onSubmitted: async (id) => {
        runId = id;
        log(`Submitted Databricks run ${id} on cluster ${clusterId}`);
        await o.onRun?.({ clusterId, runId: id });
      },
      onState: (s) =>
        log(
          `Databricks run ${s.runId}: ${s.lifeCycleState}${s.resultState ? ` ${s.resultState}` : ""}${s.message ? ` (${s.message})` : ""}`,
        ),
      ...(signal ? { signal } : {}),
      poll: { initialMs: o.poll?.initialMs ?? 1_000, maxMs: o.poll?.maxMs ?? 10_000 },
    });
    for (const line of run.logs.split("\n")) if (line.startsWith("[sous_mllib]")) log(line);
    const t3 = performance.now();
    const result = await bringBack(job, engine.mountStorage, scratch, o.installationStorage, o.outputPrefix);
    const t4 = performance.now();
    return {
      result,
      info: {
        clusterId,
        runId: run.runId,
        timings: {
          clusterMs: Math.round(t1 - t0),
          uploadMs: Math.round(t2 - t1),
          runMs: Math.round(t3 - t2),
          copyBackMs: Math.round(t4 - t3),
          totalMs: Math.round(t4 - t0),
        },
      },
    };
  } catch (e) {
    throw asAppError(job, e, signal, runId);
  } finally {
    lease?.release();
    await engine.mountStorage.deletePrefix(scratch).catch(() => 0);
  }
}

function asAppError(
  job: Pick<MllibScriptJob<never>, "noun" | "verb">,
  e: unknown,
  signal: AbortSignal | undefined,
  runId: number,
): AppError {
  if (e instanceof AppError) return e;
  if (signal?.aborted)
    return new AppError(
      "conflict",
      runId
        ? `${job.noun} was cancelled (Databricks run ${runId} was cancelled)`
        : `${job.noun} was cancelled`,
    );
  if (e instanceof JobRunFailedError) {
    const trace = e.output.errorTrace?.split("\n").slice(-12).join("\n");
    return new AppError("engine_error", `MLlib ${job.noun} failed on Databricks: ${e.message}`, {
      details: { runId: e.runId, ...(trace ? { trace } : {}) },
      cause: e,
    });
  }
  if (e instanceof DatabricksApiError && e.status === 0)
    return new AppError("unavailable", `cannot ${job.verb} on Databricks: ${e.message}`, { cause: e });
  return new AppError(
    "engine_error",
    `cannot ${job.verb} on Databricks: ${describeRemoteFailure(e).message}`,
    { cause: e },
  );
}

/** The one-row text folder a script wrote (part-*.txt) as JSON. */
async function readJsonFolder(noun: string, dir: string): Promise<unknown> {
  const part = (await readdir(dir).catch(() => [])).find((f) => f.startsWith("part-") && !f.endsWith(".crc"));
  if (!part) throw new AppError("engine_error", `the MLlib ${noun} wrote no ${path.basename(dir)}`);
  return JSON.parse(await readFile(path.join(dir, part), "utf8"));
}

/** Validates the result and copies the models into the installation's storage as plain files. */
async function bringBack<R extends { ok: boolean }>(
  job: MllibScriptJob<R>,
  mount: DatasetStorage,
  scratch: string,
  target: DatasetStorage,
  outputPrefix: string,
): Promise<R> {
  const lease = await mount.acquire(scratch);
  try {
    const parsed = job.schema.safeParse(await readJsonFolder(job.noun, path.join(lease.dir, "result.json")));
    if (!parsed.success)
      throw new AppError(
        "engine_error",
        `the MLlib ${job.noun}'s result does not match the contract: ${parsed.error.message}`,
      );
    const result = parsed.data;
    if (!result.ok) return result;
    const staged = await target.stage(outputPrefix);
    try {
      for (const m of job.modelFiles(result)) {
        await mkdir(path.join(staged.dir, path.dirname(m.pickle)), { recursive: true });
        await cp(path.join(lease.dir, m.pickle), path.join(staged.dir, m.pickle), { recursive: true });
        for (const file of m.json)
          await writeFile(
            path.join(staged.dir, file),
            JSON.stringify(await readJsonFolder(job.noun, path.join(lease.dir, file))),
          );
      }
      await writeFile(path.join(staged.dir, "result.json"), JSON.stringify(result));
      await staged.commit();
    } catch (e) {
      await staged.abort();
      throw e;
    }
    return result;
  } finally {
    await lease.release();
  }
}
