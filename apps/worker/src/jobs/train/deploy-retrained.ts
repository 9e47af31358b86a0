import { AppError, RetrainIntentSchema } from "@sous/contracts";
import type { Db } from "@sous/db";
import {
  type ClusterResult,
  clusterVersionFields,
  predictionVersionFields,
  type TrainResult,
} from "@sous/ml";

/**
 * A training started by "Retrain" on a saved model ends by deploying the same model index as a
 * new version of that saved model (active if asked), as the Lab's "Deploy" would: score and
 * evaluate recipes fed by it are then outdated (their build hash holds the active version).
 * A clustering's version keeps the k its search chose this time. Returns the log line, or null
 * for a training that is not a retrain.
 */
export async function deployRetrained(
  db: Db,
  training: { id: string; retrain: unknown; artifactsPrefix: string },
  result: Extract<TrainResult, { ok: true }> | Extract<ClusterResult, { ok: true }>,
): Promise<string | null> {
  if (training.retrain === null || training.retrain === undefined) return null;
  const intent = RetrainIntentSchema.parse(training.retrain);
  const count = result.models.length;
  const fields = (() => {
    if (result.task === "clustering") {
      const model = result.models[intent.modelIndex];
      return model && clusterVersionFields(training.artifactsPrefix, model);
    }
    const model = result.models[intent.modelIndex];
    return model && predictionVersionFields(training.artifactsPrefix, result, model);
  })();
  if (!fields)
    throw new AppError(
      "conflict",
      `The retraining produced ${count} model(s), not model ${intent.modelIndex + 1}: nothing was deployed.`,
    );
  return db.$transaction(async (tx) => {
    const saved = await tx.savedModel.findUnique({
      where: { id: intent.savedModelId },
      select: { id: true, name: true },
    });
    if (!saved)
      throw new AppError("not_found", "The saved model to retrain was deleted: nothing was deployed.");
    // Serialises concurrent deploys to one saved model (version numbers stay unique).
    await tx.$executeRaw`SELECT 1 FROM "SavedModel" WHERE id = ${saved.id} FOR UPDATE`;
    const last = await tx.savedModelVersion.findFirst({
      where: { savedModelId: saved.id },
      orderBy: { number: "desc" },
      select: { number: true },
    });
    const number = (last?.number ?? 0) + 1;
    const v = await tx.savedModelVersion.create({
      data: {
        savedModelId: saved.id,
        number,
        trainingId: training.id,
        modelIndex: intent.modelIndex,
        ...fields,
      },
      select: { id: true },
    });
    if (intent.activate)
      await tx.savedModel.update({ where: { id: saved.id }, data: { activeVersionId: v.id } });
    return `Deployed as version ${number} of saved model ${saved.name}${intent.activate ? " (now active)" : " (not activated)"}.`;
  });
}
