import "server-only";
import { AppError, type User } from "@sous/contracts";
import type { Prisma } from "@sous/db";
import {
  AlgorithmSchema,
  ClusterAlgorithmSchema,
  ClusterResultSchema,
  clusterVersionFields,
  MlTaskSchema,
  predictionVersionFields,
  type SavedModelDto,
} from "@sous/ml";
import { z } from "zod";
import { ctx } from "../context.ts";
import { isClusterDesign, startClustering } from "./ml-clustering.ts";
import { startTraining, trainedModel } from "./ml-lab.ts";
import { listNames, refuseWhileServed, savedModelUsers } from "./saved-model-users.ts";

// Saved models: a trained model deployed to the Flow, frozen as a version (its artifacts stay
// where the training wrote them, which deleting the analysis does not remove while a version
// points at them), with the active version scoring and the API node use.

const include = { versions: { orderBy: { number: "desc" } } } satisfies Prisma.SavedModelInclude;
type Row = Prisma.SavedModelGetPayload<{ include: typeof include }>;
const Metrics = z.record(z.string(), z.number());

function dto(m: Row): SavedModelDto {
  return {
    id: m.id,
    projectId: m.projectId,
    name: m.name,
    datasetId: m.datasetId,
    analysisId: m.analysisId,
    activeVersionId: m.activeVersionId,
    versions: m.versions.map((v) => ({
      id: v.id,
      number: v.number,
      trainingId: v.trainingId,
      modelIndex: v.modelIndex,
      ...(v.task === "clustering"
        ? { task: "clustering" as const, algorithm: ClusterAlgorithmSchema.parse(v.algorithm) }
        : { task: MlTaskSchema.parse(v.task), algorithm: AlgorithmSchema.parse(v.algorithm) }),
      metrics: Metrics.parse(v.metrics),
      portable: v.portableKey !== null,
      active: v.id === m.activeVersionId,
      createdAt: v.createdAt.toISOString(),
    })),
    createdAt: m.createdAt.toISOString(),
  };
}

/**
 * Deploys model `modelIndex` of a training: a new saved model (named) or a new version of an
 * existing one, which becomes its active version.
 */
export async function deployModel(
  _user: User,
  projectId: string,
  trainingId: string,
  input: { modelIndex: number; name?: string; savedModelId?: string },
): Promise<SavedModelDto> {
  const { db } = ctx();
  const { training, version } = await deployableVersion(projectId, trainingId, input.modelIndex);
  const id = await db.$transaction(async (tx) => {
    let saved: { id: string };
    if (input.savedModelId) {
      const existing = await tx.savedModel.findFirst({
        where: { id: input.savedModelId, projectId },
        select: { id: true, datasetId: true },
      });
      if (!existing) throw new AppError("not_found", "Saved model not found.");
      if (existing.datasetId !== training.analysis.datasetId)
        throw new AppError(
          "invalid_input",
          "This model was trained on another dataset than the saved model's: deploy it as a new saved model.",
        );
      // Serialises concurrent deploys to one saved model (version numbers stay unique).
      await tx.$executeRaw`SELECT 1 FROM "SavedModel" WHERE id = ${existing.id} FOR UPDATE`;
      // A clustering and a prediction model score different columns: recipes using the saved
      // model would change shape when another version is activated.
      const other = await tx.savedModelVersion.findFirst({
        where: { savedModelId: existing.id },
        orderBy: { number: "desc" },
        select: { task: true },
      });
      if (other && (other.task === "clustering") !== (version.task === "clustering"))
        throw new AppError(
          "invalid_input",
          `This saved model holds ${other.task === "clustering" ? "clustering" : "prediction"} models: deploy this ${version.task === "clustering" ? "clustering" : "prediction model"} as a new saved model.`,
        );
      saved = existing;
    } else {
      const name = input.name!;
      const taken = await tx.savedModel.findFirst({ where: { projectId, name }, select: { id: true } });
      if (taken)
        throw new AppError(
          "conflict",
          `A saved model named ${name} already exists: choose another name, or deploy as a new version of it.`,
        );
      saved = await tx.savedModel.create({
        data: { projectId, name, datasetId: training.analysis.datasetId, analysisId: training.analysis.id },
        select: { id: true },
      });
    }
    const last = await tx.savedModelVersion.findFirst({
      where: { savedModelId: saved.id },
      orderBy: { number: "desc" },
      select: { number: true },
    });
    const v = await tx.savedModelVersion.create({
      data: { ...version, savedModelId: saved.id, number: (last?.number ?? 0) + 1 },
      select: { id: true },
    });
    await tx.savedModel.update({ where: { id: saved.id }, data: { activeVersionId: v.id } });
    return saved.id;
  });
  return getSavedModel(projectId, id);
}

/**
 * The version row a trained model becomes: a prediction model (trainedModel), or a clustering's
 * (task "clustering", its silhouette as metric; k-means has a portable form that scores in SQL, a
 * Gaussian mixture scores through its pickle).
 */
async function deployableVersion(projectId: string, trainingId: string, modelIndex: number) {
  const t = await ctx().db.mlTraining.findFirst({
    where: { id: trainingId, analysis: { projectId } },
    select: { design: true },
  });
  if (t && isClusterDesign(t.design)) return clusterVersion(projectId, trainingId, modelIndex);
  const { training, result, model } = await trainedModel(projectId, trainingId, modelIndex);
  const version = {
    trainingId: training.id,
    modelIndex,
    ...predictionVersionFields(training.artifactsPrefix, result, model),
  };
  return { training, version };
}

async function clusterVersion(projectId: string, trainingId: string, modelIndex: number) {
  const t = await ctx().db.mlTraining.findFirst({
    where: { id: trainingId, analysis: { projectId } },
    include: {
      job: { select: { state: true } },
      analysis: { select: { id: true, datasetId: true } },
    },
  });
  if (!t) throw new AppError("not_found", "Training not found.");
  const result = t.result === null ? null : ClusterResultSchema.parse(t.result);
  if (!result?.ok) {
    const why =
      result || t.job.state === "FAILED"
        ? "failed"
        : t.job.state === "CANCELLED"
          ? "was cancelled"
          : "has not finished";
    throw new AppError("conflict", `Clustering #${t.number} has no models: it ${why}.`);
  }
  const model = result.models[modelIndex];
  if (!model) throw new AppError("not_found", `Clustering #${t.number} has no model ${modelIndex}.`);
  const version = { trainingId: t.id, modelIndex, ...clusterVersionFields(t.artifactsPrefix, model) };
  return { training: t, version };
}

export async function listSavedModels(projectId: string): Promise<SavedModelDto[]> {
  const rows = await ctx().db.savedModel.findMany({
    where: { projectId },
    include,
    orderBy: { name: "asc" },
  });
  return rows.map(dto);
}

export async function getSavedModel(projectId: string, savedModelId: string): Promise<SavedModelDto> {
  const m = await ctx().db.savedModel.findFirst({ where: { id: savedModelId, projectId }, include });
  if (!m) throw new AppError("not_found", "Saved model not found.");
  return dto(m);
}

/** Makes another version active (a rollback is this with an older version). */
export async function setActiveVersion(
  projectId: string,
  savedModelId: string,
  versionId: string,
): Promise<SavedModelDto> {
  const m = await getSavedModel(projectId, savedModelId);
  if (!m.versions.some((v) => v.id === versionId))
    throw new AppError("not_found", `Saved model ${m.name} has no such version.`);
  await ctx().db.savedModel.update({ where: { id: m.id }, data: { activeVersionId: versionId } });
  return getSavedModel(projectId, savedModelId);
}

/**
 * Deletes a saved model and its versions. Refused while an API endpoint serves one of its versions
 * (the endpoint would stop answering) and, unless `force`, while recipes score or evaluate with it
 * (they stay, and their next build says the saved model is gone).
 */
export async function deleteSavedModel(
  projectId: string,
  savedModelId: string,
  opts: { force: boolean } = { force: false },
): Promise<void> {
  const m = await getSavedModel(projectId, savedModelId);
  const users = await savedModelUsers(projectId, [m.id]);
  refuseWhileServed(users, `Saved model ${m.name}`);
  if (users.recipes.length > 0 && !opts.force) {
    const many = users.recipes.length > 1;
    throw new AppError(
      "conflict",
      `Saved model ${m.name} is used by recipe${many ? "s" : ""} ${listNames(users.recipes.map((r) => r.name))}. Point ${many ? "them" : "it"} at another saved model or delete ${many ? "them" : "it"} first, or delete with force=true (${many ? "they stay and fail" : "it stays and fails"} until given another model).`,
    );
  }
  await ctx().db.savedModel.delete({ where: { id: m.id } });
}

/**
 * "Retrain" from the Flow: trains again, on the training dataset's current version, the design
 * that produced the saved model's active version (its latest when none is active), as a job like
 * the Lab's Train; when it succeeds the worker deploys the same model index as a new version of
 * this saved model, active unless `activate` is false. The training's design, not the analysis's
 * current one: the model index then names the same algorithm. A clustering saved model retrains
 * as a clustering job the same way.
 */
export async function retrainSavedModel(
  user: User,
  projectId: string,
  savedModelId: string,
  input: { activate: boolean },
): Promise<{ jobId: string; trainingId: string }> {
  const m = await getSavedModel(projectId, savedModelId);
  const source = m.versions.find((v) => v.active) ?? m.versions[0];
  if (!source?.trainingId)
    throw new AppError(
      "conflict",
      `Saved model ${m.name} has no version with its training kept: deploy a model to it from the Lab first.`,
    );
  const training = await ctx().db.mlTraining.findUnique({
    where: { id: source.trainingId },
    select: { design: true, analysisId: true },
  });
  if (!training)
    throw new AppError(
      "conflict",
      `The training of version ${source.number} of ${m.name} is gone: retrain it from the Lab.`,
    );
  const retrain = {
    design: training.design,
    intent: { savedModelId: m.id, modelIndex: source.modelIndex, activate: input.activate },
  };
  // A clustering trains its design again too (its k search included): a new k may win.
  const t = isClusterDesign(training.design)
    ? await startClustering(user, projectId, training.analysisId, retrain)
    : await startTraining(user, projectId, training.analysisId, retrain);
  return { jobId: t.jobId, trainingId: t.id };
}
