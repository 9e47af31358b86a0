import "server-only";
import { AppError, type RetrainIntent, type User } from "@sous/contracts";
import type { Prisma } from "@sous/db";
import { targetCorrelations } from "@sous/engine-local";
import {
  type ColumnProfile,
  type DesignSuggestion,
  designProblems,
  type MlAnalysisDto,
  type MlDesign,
  MlDesignSchema,
  type MlTask,
  type MlTrainingDto,
  type ModelCharts,
  ModelChartsSchema,
  suggestDesign,
  TrainResultSchema,
} from "@sous/ml";
import { mlTrainingPrefix } from "@sous/storage";
import { ctx } from "../context.ts";
import { datasetSample } from "./dataset-sample.ts";
import { currentVersionOf, findDataset } from "./dataset-store.ts";
import {
  createAnalysisRow,
  freeAnalysisName,
  saveAnalysisDesign,
  trainingJobFields,
} from "./ml-analysis-rows.ts";
import { isClusterDesign } from "./ml-clustering.ts";
import { queueTraining, trainingInclude } from "./queue-training.ts";

// The Lab: analyses (a design on one dataset), their trainings (each a job the worker runs, mode
// "train") and the charts of each trained model. Deploying a model is in saved-models.ts.

const NUMERIC = new Set(["integer", "bigint", "double", "decimal"]);

/** The first design for a target, from the dataset's sample: what the "Create a model" dialog shows. */
export async function suggestForTarget(
  projectId: string,
  input: { datasetId: string; target: string; task?: MlTask },
): Promise<DesignSuggestion & { rows: number }> {
  const d = await findDataset(projectId, input.datasetId);
  const s = await datasetSample(d);
  const target = s.schema.find((c) => c.name === input.target);
  if (!target)
    throw new AppError(
      "invalid_input",
      `${input.target} is not a column of ${d.name}: choose the target among its columns.`,
    );
  const stats = new Map(s.stats.columns.map((c) => [c.name, c]));
  const profile = (name: string, type: ColumnProfile["type"]): ColumnProfile => {
    const st = stats.get(name);
    const nonNull = st ? s.rows - st.empty : 0;
    const top = type === "string" ? (st?.top ?? []).filter((t) => typeof t.value === "string") : [];
    return {
      name,
      type,
      rows: s.rows,
      nonNull,
      distinct: st?.distinct ?? 0,
      targetCorrelation: null,
      // Long frequent values read as free text (suggestHandling proposes tf-idf).
      ...(top.length > 0
        ? { meanTopLength: top.reduce((n, t) => n + String(t.value).length, 0) / top.length }
        : {}),
    };
  };
  const targetProfile = profile(target.name, target.type);
  const task = input.task ?? suggestDesign([targetProfile], target.name).design.task;
  if (task === "regression" && !NUMERIC.has(target.type))
    throw new AppError(
      "invalid_input",
      `A regression target must be numeric; ${target.name} is ${target.type}. Choose a classification task or another target.`,
    );
  // Leaks are found by correlation, for targets a correlation means something for.
  const numericTarget = NUMERIC.has(target.type) || target.type === "boolean";
  const top = stats.get(target.name)?.top[0]?.value;
  const positive =
    !numericTarget && task === "binary" && top !== undefined && top !== null ? String(top) : undefined;
  const correlated =
    task === "multiclass" && !numericTarget
      ? {}
      : numericTarget || positive !== undefined
        ? await targetCorrelations(await ctx().engine, {
            file: s.file,
            target: target.name,
            ...(positive !== undefined ? { positive } : {}),
            columns: s.schema.filter((c) => c.name !== target.name && NUMERIC.has(c.type)).map((c) => c.name),
          })
        : {};
  const columns = s.schema.map((c) => ({
    ...profile(c.name, c.type),
    targetCorrelation: correlated[c.name] ?? null,
  }));
  return { ...suggestDesign(columns, target.name, task), rows: s.rows };
}

type TrainingRow = Prisma.MlTrainingGetPayload<{ include: typeof trainingInclude }>;

function trainingDto(t: TrainingRow): MlTrainingDto {
  const design = MlDesignSchema.parse(t.design);
  return {
    ...trainingJobFields(t),
    engine: design.engine.kind,
    design,
    result: t.result === null ? null : TrainResultSchema.parse(t.result),
  };
}

const analysisInclude = {
  dataset: { select: { name: true } },
  trainings: { include: trainingInclude, orderBy: { number: "desc" } },
} satisfies Prisma.MlAnalysisInclude;
type AnalysisRow = Prisma.MlAnalysisGetPayload<{ include: typeof analysisInclude }>;

function analysisDto(a: AnalysisRow): MlAnalysisDto {
  const design = MlDesignSchema.parse(a.design);
  return {
    id: a.id,
    projectId: a.projectId,
    datasetId: a.datasetId,
    datasetName: a.dataset.name,
    name: a.name,
    design,
    version: a.version,
    problems: designProblems(design),
    trainings: a.trainings.map(trainingDto),
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

/** `anyTask`: a clustering analysis too (deleting one is the same as deleting a prediction one). */
async function findAnalysis(
  projectId: string,
  analysisId: string,
  o: { anyTask?: boolean } = {},
): Promise<AnalysisRow> {
  const a = await ctx().db.mlAnalysis.findFirst({
    where: { id: analysisId, projectId },
    include: analysisInclude,
  });
  if (!a) throw new AppError("not_found", "Analysis not found.");
  if (!o.anyTask && isClusterDesign(a.design))
    throw new AppError("not_found", "This analysis is a clustering: open it from the Lab's clustering list.");
  return a;
}

export async function createAnalysis(
  user: User,
  projectId: string,
  input: { datasetId: string; target: string; task?: MlTask; name?: string },
): Promise<MlAnalysisDto> {
  const { design } = await suggestForTarget(projectId, input);
  const d = await findDataset(projectId, input.datasetId);
  const name = input.name ?? (await freeAnalysisName(projectId, `${input.target} on ${d.name}`));
  const id = await createAnalysisRow({ projectId, datasetId: d.id, name, design, createdById: user.id });
  return getAnalysis(projectId, id);
}

export async function listAnalyses(projectId: string) {
  const rows = await ctx().db.mlAnalysis.findMany({
    where: { projectId },
    include: { dataset: { select: { name: true } }, _count: { select: { trainings: true } } },
    orderBy: { updatedAt: "desc" },
  });
  // Clustering analyses have their own list and page (ml-clustering.ts).
  return rows
    .filter((a) => !isClusterDesign(a.design))
    .map((a) => ({
      id: a.id,
      projectId: a.projectId,
      datasetId: a.datasetId,
      datasetName: a.dataset.name,
      name: a.name,
      design: MlDesignSchema.parse(a.design),
      version: a.version,
      trainingCount: a._count.trainings,
      createdAt: a.createdAt.toISOString(),
      updatedAt: a.updatedAt.toISOString(),
    }));
}

export async function getAnalysis(projectId: string, analysisId: string): Promise<MlAnalysisDto> {
  return analysisDto(await findAnalysis(projectId, analysisId));
}

/** Saves a design; `version` must be the one the edit started from (someone else's save is a 409). */
export async function updateAnalysis(
  projectId: string,
  analysisId: string,
  input: { design: MlDesign; version: number; name?: string },
): Promise<MlAnalysisDto> {
  const a = await findAnalysis(projectId, analysisId);
  const d = await findDataset(projectId, a.datasetId);
  const columns = new Set(currentVersionOf(d).schema.map((c) => c.name));
  const v = input.design.validation;
  const unknown = [
    input.design.target,
    ...input.design.features.map((f) => f.name),
    ...(v.kind === "time_split" ? [v.column] : []),
  ].filter((n) => !columns.has(n));
  if (unknown.length) throw new AppError("invalid_input", `Not columns of ${d.name}: ${unknown.join(", ")}.`);
  await saveAnalysisDesign(a.id, input);
  return getAnalysis(projectId, analysisId);
}

export async function deleteAnalysis(projectId: string, analysisId: string): Promise<void> {
  const a = await findAnalysis(projectId, analysisId, { anyTask: true });
  const running = a.trainings.some((t) => t.job.state === "QUEUED" || t.job.state === "RUNNING");
  if (running)
    throw new AppError("conflict", "A training of this analysis is running: cancel it or wait, then delete.");
  // Artifacts of a deployed model stay: its saved model version still scores with them.
  const deployed = new Set(
    (
      await ctx().db.savedModelVersion.findMany({
        where: { trainingId: { in: a.trainings.map((t) => t.id) } },
        select: { trainingId: true },
      })
    ).map((v) => v.trainingId),
  );
  await ctx().db.mlAnalysis.delete({ where: { id: a.id } });
  for (const t of a.trainings.filter((x) => !deployed.has(x.id)))
    await ctx()
      .storage.deletePrefix(mlTrainingPrefix({ projectId, trainingId: t.id }))
      .catch(() => 0);
}

/**
 * Trains the analysis's saved design on the dataset's current version: a job (mode "train") the
 * worker runs, with its log and cancel like any build. A design that cannot train is refused here
 * with each problem, before anything is queued.
 */
export async function startTraining(
  user: User,
  projectId: string,
  analysisId: string,
  /** "Retrain" on a saved model: the design of the version's training, and what to deploy after. */
  retrain?: { design: unknown; intent: RetrainIntent },
): Promise<MlTrainingDto> {
  const a = await findAnalysis(projectId, analysisId);
  const design = MlDesignSchema.parse(retrain ? retrain.design : a.design);
  const problems = designProblems(design);
  if (problems.length)
    throw new AppError(
      "invalid_input",
      `The design cannot train: ${problems.map((p) => p.message).join(" ")}`,
      {
        details: { problems },
      },
    );
  const d = await findDataset(projectId, a.datasetId);
  const version = currentVersionOf(d);
  const t = await queueTraining({
    user,
    projectId,
    analysisId: a.id,
    design,
    datasetVersionId: version.id,
    retrain: retrain?.intent,
    logLine: (number) =>
      `${retrain ? "Retraining" : "Training"} ${a.name} #${number}: ${design.algorithms.length} algorithm${design.algorithms.length === 1 ? "" : "s"} on ${d.name} (version ${version.number}), ${design.engine.kind === "local" ? "locally with scikit-learn" : "on Databricks with MLlib"}.`,
  });
  return trainingDto(t);
}

async function findTraining(projectId: string, trainingId: string) {
  const t = await ctx().db.mlTraining.findFirst({
    where: { id: trainingId, analysis: { projectId } },
    include: { ...trainingInclude, analysis: { select: { id: true, name: true, datasetId: true } } },
  });
  if (!t) throw new AppError("not_found", "Training not found.");
  return t;
}

/** A trained model of a finished training, or a 404/409 that says why there is none. */
export async function trainedModel(projectId: string, trainingId: string, modelIndex: number) {
  const t = await findTraining(projectId, trainingId);
  const result = t.result === null ? null : TrainResultSchema.parse(t.result);
  if (!result?.ok) {
    const why = result
      ? "failed"
      : t.job.state === "CANCELLED"
        ? "was cancelled"
        : t.job.state === "FAILED"
          ? "failed"
          : "has not finished";
    throw new AppError("conflict", `Training #${t.number} has no models: it ${why}.`);
  }
  const model = result.models[modelIndex];
  if (!model) throw new AppError("not_found", `Training #${t.number} has no model ${modelIndex}.`);
  return { training: t, result, model };
}

export async function getModelCharts(
  projectId: string,
  trainingId: string,
  modelIndex: number,
): Promise<ModelCharts> {
  const { training, model } = await trainedModel(projectId, trainingId, modelIndex);
  if (!model.charts) throw new AppError("not_found", "This model has no chart data.");
  const stream = await ctx().storage.getStream(`${training.artifactsPrefix}${model.charts}`);
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return ModelChartsSchema.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
}

/** Every model of every finished training of the project: the table that compares them. */
export async function listModels(projectId: string) {
  const rows = await ctx().db.mlTraining.findMany({
    where: { analysis: { projectId }, job: { state: "SUCCEEDED" } },
    include: { ...trainingInclude, analysis: { select: { id: true, name: true } } },
    orderBy: { createdAt: "desc" },
    take: 200,
  });
  return rows.flatMap((t) => {
    // A clustering's result is not a prediction's (ClusterResultSchema): not in this table.
    if (isClusterDesign(t.design)) return [];
    const result = TrainResultSchema.parse(t.result);
    if (!result.ok) return [];
    return result.models.map((m, i) => ({
      analysisId: t.analysis.id,
      analysisName: t.analysis.name,
      trainingId: t.id,
      trainingNumber: t.number,
      modelIndex: i,
      task: result.task,
      algorithm: m.algorithm,
      metrics: m.metrics,
      trainMs: m.trainMs,
      best: result.best.index === i,
      finishedAt: t.job.finishedAt?.toISOString() ?? null,
    }));
  });
}
