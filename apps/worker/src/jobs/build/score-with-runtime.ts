import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import {
  clusterColumns,
  compilePipeline,
  type PipelineInput,
  type PipelineStep,
  renderWriteParquet,
  scoringColumns,
} from "@sous/compiler";
import { AppError, type DatasetSchema, newId } from "@sous/contracts";
import type { JobActivityModel } from "@sous/db";
import { defaultPython, runPythonModule } from "@sous/ml-local";
import type { ScoringModel, ScoringRuntime } from "@sous/server-domain";
import type { StagedWrite } from "@sous/storage";
import { z } from "zod";
import type { WorkerContext } from "../../context.ts";
import { jobLog } from "./job-log.ts";

// A Score recipe whose saved model version has no portable form (no SQL for it) scores through
// the model's own runtime: locally, the trainer's scikit-learn pipeline (model.pkl) in a Python
// process of the project's venv (python/sous_ml/score_dataset.py) reading the input's Parquet and
// writing the output's under the staging prefix, published only when it succeeded. The output has
// the columns the SQL path would write for the same model (scoringColumns).

type Runtime = { model: ScoringModel & { runtime: ScoringRuntime }; step: PipelineStep };

/** The activity's runtime-scored score recipe (its last step), or null when SQL scores it. */
export function runtimeScored(steps: readonly PipelineStep[]): Runtime | null {
  const step = steps[steps.length - 1];
  const model = step?.context?.scoringModel as ScoringModel | undefined;
  if (step?.spec.kind !== "score" || !model || model.portable !== null || !model.runtime) return null;
  return { model: model as Runtime["model"], step };
}

const AnswerSchema = z.union([
  z.object({ ok: z.literal(true), rows: z.number().int().min(0) }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

export interface ScoreWithRuntimeOptions {
  steps: readonly PipelineStep[];
  runtime: Runtime;
  /** Set when the activity runs on Databricks. */
  remote: boolean;
  /** The stored inputs' local folders (what the upstream recipes of a pipeline read). */
  readDirs: string[];
  /** The output version's prefix. */
  prefix: string;
  publish: (p: { rows: number; bytes: number; schema: DatasetSchema }) => Promise<unknown>;
  signal?: AbortSignal;
  /** Default: the project's venv (as the trainer's). */
  python?: string;
  /** Kills the scorer after this long (default 2 h). */
  timeoutMs?: number;
}

export async function scoreWithRuntime(
  ctx: WorkerContext,
  activity: JobActivityModel,
  o: ScoreWithRuntimeOptions,
): Promise<{ kind: "written"; rows: number }> {
  const { db, storage, engine } = ctx;
  const { model, step } = o.runtime;
  const label = `Saved model ${model.savedModelName} (version ${model.versionNumber})`;
  if (model.runtime.engine !== "scikit-learn")
    throw new AppError(
      "invalid_input",
      `${label} was trained with Spark MLlib before its models had a portable form, and scoring through MLlib itself is not available: retrain the saved model from the Flow (the new version scores in SQL on either engine), or activate a version with a portable form.`,
    );
  if (o.remote)
    throw new AppError(
      "invalid_input",
      `${label} has no portable form: it scores with scikit-learn on the local engine only. Set recipe ${step.name}'s engine to local.`,
    );
  if (step.spec.kind !== "score") throw new Error("worker bug: not a score recipe");
  const params = step.spec.params;
  const python = o.python ?? defaultPython;
  if (!existsSync(python))
    throw new AppError(
      "unavailable",
      `${label} scores with scikit-learn, and there is no Python environment at ${python}: run \`node scripts/bootstrap.mjs\`.`,
    );
  const input = step.inputs[0];
  if (!input || step.inputs.length !== 1)
    throw new AppError("invalid_input", `Recipe ${step.name} reads exactly one dataset.`);

  const cleanups: (() => Promise<unknown>)[] = [];
  let staged: StagedWrite | null = null;
  let published = false;
  try {
    // The rows to score: a stored input's folder, or the recipes before it in this pipeline
    // written once to a private folder (the model's runtime reads files, not SQL).
    let parquet: string;
    let schema: DatasetSchema;
    if ("step" in input) {
      const upstream = compilePipeline({ steps: o.steps.slice(0, -1), dialect: "duckdb" });
      if (upstream.blocking)
        throw new AppError(
          "compile_error",
          `Step ${upstream.blocking.stepId} cannot run locally: ${upstream.blocking.reason}`,
        );
      parquet = path.join(ctx.dataDir, "tmp", `score-input-${newId()}`);
      await mkdir(parquet, { recursive: true });
      const dir = parquet;
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      await engine.sandboxed({ read: o.readDirs, write: [parquet] }, (box) =>
        box.runWrite(renderWriteParquet({ selectSql: upstream.sql, path: dir, dialect: "duckdb" }), o.signal),
      );
      schema = upstream.outputSchemas[0]!;
    } else {
      parquet = (input as Extract<PipelineInput, { location: unknown }>).location.path;
      schema = input.schema;
    }
    // A clustering (a Gaussian mixture) writes the input plus its cluster, as the SQL path of a k-means.
    const clustering = model.runtime.task === "clustering";
    const columns = clustering
      ? clusterColumns({
          schema,
          ...(params.predictionColumn ? { clusterColumn: params.predictionColumn } : {}),
        })
      : scoringColumns({
          schema,
          classes: model.runtime.classes,
          ...(params.predictionColumn ? { predictionColumn: params.predictionColumn } : {}),
          ...(params.probabilityPrefix ? { probabilityPrefix: params.probabilityPrefix } : {}),
        });
    const predictionType = columns.outputSchema[schema.length]!.type;

    // The pipeline: its folder leased from storage (a local path even on Blob storage).
    const lease = await storage.acquire(`${path.posix.dirname(model.runtime.artifactKey)}/`);
    cleanups.push(() => lease.release());
    const pickle = path.join(lease.dir, path.posix.basename(model.runtime.artifactKey));

    staged = await storage.stage(o.prefix);
    // Recorded before writing: a worker killed mid-write leaves this prefix, and the retry deletes it.
    await Promise.all([
      db.jobActivity.update({ where: { id: activity.id }, data: { stagingPrefix: o.prefix } }),
      jobLog(
        db,
        activity.jobId,
        "info",
        `Scoring with scikit-learn (no SQL: ${label} has no portable form) in Python`,
      ),
    ]);
    const t0 = performance.now();
    const rows = await runScorer(
      python,
      {
        pickle,
        parquet,
        features: model.runtime.trainerFeatures,
        task: clustering
          ? "clustering"
          : model.runtime.classes === null
            ? "regression"
            : model.runtime.classes.length === 2
              ? "binary"
              : "multiclass",
        output: path.join(staged.dir, "part-0.parquet"),
        prediction: { column: columns.predictionColumn, type: predictionType },
        probabilities: columns.probabilityColumns.map((p) => ({ column: p.column, label: p.label })),
      },
      { label, ...(o.signal ? { signal: o.signal } : {}), timeoutMs: o.timeoutMs ?? 2 * 3600_000 },
      (line) => void jobLog(db, activity.jobId, "info", `python: ${line}`).catch(() => {}),
    );
    if (o.signal?.aborted) throw o.signal.reason ?? new Error("aborted");
    const written = await engine.parquetSchema(staged.dir);
    const { bytes } = await staged.commit();
    await o.publish({ rows, bytes, schema: written });
    published = true;
    await jobLog(
      db,
      activity.jobId,
      "info",
      `Wrote ${rows} rows to ${step.name}'s output with scikit-learn in ${Math.round(performance.now() - t0)} ms`,
    );
    return { kind: "written", rows };
  } catch (e) {
    if (!published) {
      await staged?.abort().catch(() => {});
      await db.jobActivity
        .update({ where: { id: activity.id }, data: { stagingPrefix: null } })
        .catch(() => {});
    }
    throw e;
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  }
}

/** Runs python/sous_ml/score_dataset.py; resolves with the rows written. */
async function runScorer(
  python: string,
  request: Record<string, unknown>,
  o: { label: string; signal?: AbortSignal; timeoutMs: number },
  onLog: (line: string) => void,
): Promise<number> {
  // stderr is logged once, on failure: a scorer's progress lines are not worth a log row each.
  const { stdout, tail, ...exit } = await runPythonModule({
    python,
    module: "sous_ml.score_dataset",
    request,
    timeoutMs: o.timeoutMs,
    tailLines: 20,
    signal: o.signal,
  });
  if (exit.error?.name === "AbortError" || o.signal?.aborted)
    throw o.signal?.reason ?? new AppError("conflict", "scoring was cancelled");
  const text = stdout.trim().split("\n").pop() ?? "";
  let answer: z.infer<typeof AnswerSchema> | null = null;
  try {
    answer = AnswerSchema.parse(JSON.parse(text));
  } catch {
    answer = null;
  }
  if (answer?.ok) return answer.rows;
  if (tail.length) onLog(tail.join("\n"));
  if (answer && !answer.ok)
    throw new AppError("engine_error", `${o.label} could not score with scikit-learn: ${answer.error}`);
  throw new AppError(
    "engine_error",
    `${o.label}: the scikit-learn scorer ${exit.signal ? `was stopped (${exit.signal})` : `failed (exit ${exit.code})`}; last lines:\n${tail.join("\n")}`,
  );
}
