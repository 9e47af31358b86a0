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
import {
  type ClusterResult,
  ClusterResultSchema,
  type MllibClusterRequest,
  mllibClusterScript,
} from "@sous/ml";
import type { DatasetStorage } from "@sous/storage";
import type { DatabricksTrainInfo, DatabricksTrainOptions } from "./index.ts";

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
  const { engine, signal } = o;
  const log = (line: string) => o.onLog?.(line);
  const token = randomUUID();
  const scratch = `tmp/sous-ml/${token}/`;
  // Built (and validated) first: a bad request is refused before any I/O.
  const script = mllibClusterScript(request, {
    input: clusterPathFor(engine.mapping, o.inputPrefix),
    output: clusterPathFor(engine.mapping, scratch),
  });
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
    if (engine.mountStorage !== o.installationStorage)
      await uploadInputsIfMissing({
        source: o.installationStorage,
        target: engine.mountStorage,
        prefixes: [o.inputPrefix],
        log: (_level, message) => log(message),
        ...(signal ? { signal } : {}),
      });
    await engine.mountStorage.putStream(`${scratch}cluster.py`, Readable.from([script]));
    const run = await runPythonJob({
      rest: engine.rest,
      clusterId,
      pythonFile: clusterPathFor(engine.mapping, `${scratch}cluster.py`),
      runName: `sous-ml-cluster-${token.slice(0, 8)}`,
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
    const result = await bringBack(engine.mountStorage, scratch, o.installationStorage, o.outputPrefix);
    return { result, info: { clusterId, runId: run.runId } };
  } catch (e) {
    if (e instanceof AppError) throw e;
    if (signal?.aborted) throw new AppError("conflict", `clustering was cancelled (Databricks run ${runId})`);
    if (e instanceof JobRunFailedError)
      throw new AppError("engine_error", `MLlib clustering failed on Databricks: ${e.message}`, {
        details: { runId: e.runId, trace: e.output.errorTrace?.split("\n").slice(-12).join("\n") ?? "" },
        cause: e,
      });
    if (e instanceof DatabricksApiError && e.status === 0)
      throw new AppError("unavailable", `cannot cluster on Databricks: ${e.message}`, { cause: e });
    throw new AppError("engine_error", `cannot cluster on Databricks: ${describeRemoteFailure(e).message}`, {
      cause: e,
    });
  } finally {
    lease?.release();
    await engine.mountStorage.deletePrefix(scratch).catch(() => 0);
  }
}

async function readJsonFolder(dir: string): Promise<unknown> {
  const part = (await readdir(dir).catch(() => [])).find((f) => f.startsWith("part-") && !f.endsWith(".crc"));
  if (!part) throw new AppError("engine_error", `the MLlib clustering wrote no ${path.basename(dir)}`);
  return JSON.parse(await readFile(path.join(dir, part), "utf8"));
}

async function bringBack(
  mount: DatasetStorage,
  scratch: string,
  target: DatasetStorage,
  outputPrefix: string,
): Promise<ClusterResult> {
  const lease = await mount.acquire(scratch);
  try {
    const parsed = ClusterResultSchema.safeParse(await readJsonFolder(path.join(lease.dir, "result.json")));
    if (!parsed.success)
      throw new AppError(
        "engine_error",
        `the MLlib clustering's result does not match the contract: ${parsed.error.message}`,
      );
    const result = parsed.data;
    if (!result.ok) return result;
    const staged = await target.stage(outputPrefix);
    try {
      for (const m of result.models) {
        await mkdir(path.join(staged.dir, path.dirname(m.pickle)), { recursive: true });
        await cp(path.join(lease.dir, m.pickle), path.join(staged.dir, m.pickle), { recursive: true });
        if (m.portable)
          await writeFile(
            path.join(staged.dir, m.portable),
            JSON.stringify(await readJsonFolder(path.join(lease.dir, m.portable))),
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
