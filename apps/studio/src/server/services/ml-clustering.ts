import "server-only";
import { AppError, type RetrainIntent, type User } from "@sous/contracts";
import type { Prisma } from "@sous/db";
import {
  CLUSTER_ALGORITHM_SUPPORT,
  type ClusterAnalysisDto,
  type ClusterDesign,
  ClusterDesignSchema,
  ClusterResultSchema,
  type ClusterTrainingDto,
  type ColumnProfile,
  clusterFeatures,
  clusterProblems,
  suggestDesign,
} from "@sous/ml";
import { ctx } from "../context.ts";
import { datasetSample } from "./dataset-sample.ts";
import { currentVersionOf, findDataset } from "./dataset-store.ts";
import {
  createAnalysisRow,
  freeAnalysisName,
  saveAnalysisDesign,
  trainingJobFields,
} from "./ml-analysis-rows.ts";
import { queueTraining, trainingInclude } from "./queue-training.ts";

// The Lab's clustering analyses: a design with no target (features, algorithms with k, a seed,
// the engine) stored as an analysis (MlAnalysis, design.task "clustering"), trained by a job of
// mode "train" as a prediction design is; the worker runs the clustering trainer for it.

const include = {
  dataset: { select: { name: true } },
  trainings: {
    include: trainingInclude,
    orderBy: { number: "desc" },
  },
} satisfies Prisma.MlAnalysisInclude;
type Row = Prisma.MlAnalysisGetPayload<{ include: typeof include }>;

/** Whether a stored analysis design is a clustering one (the prediction Lab skips these). */
export const isClusterDesign = (design: unknown) => ClusterDesignSchema.safeParse(design).success;

/** The rows of the dataset's current version, when known (k cannot exceed them). */
function rowsOf(d: Awaited<ReturnType<typeof findDataset>>): number | null {
  const n = d.currentVersion?.rowCount;
  return n === null || n === undefined ? null : Number(n);
}

/** What stops the design, each with its field; and, as notes, where each algorithm runs. */
function problemsOf(design: ClusterDesign, rows: number | null) {
  return clusterProblems(
    { features: clusterFeatures(design), algorithms: design.algorithms },
    design.engine.kind,
    rows,
  );
}

function trainingDto(t: Row["trainings"][number]): ClusterTrainingDto {
  const design = ClusterDesignSchema.parse(t.design);
  return {
    ...trainingJobFields(t),
    engine: design.engine.kind,
    design,
    result: t.result === null ? null : ClusterResultSchema.parse(t.result),
  };
}

async function find(projectId: string, analysisId: string) {
  const a = await ctx().db.mlAnalysis.findFirst({ where: { id: analysisId, projectId }, include });
  if (!a || !isClusterDesign(a.design)) throw new AppError("not_found", "Clustering analysis not found.");
  return a;
}

async function dto(a: Row): Promise<ClusterAnalysisDto> {
  const design = ClusterDesignSchema.parse(a.design);
  const d = await findDataset(a.projectId, a.datasetId);
  return {
    id: a.id,
    projectId: a.projectId,
    datasetId: a.datasetId,
    datasetName: a.dataset.name,
    name: a.name,
    design,
    version: a.version,
    problems: problemsOf(design, rowsOf(d)),
    trainings: a.trainings.map(trainingDto),
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

export async function getClustering(projectId: string, analysisId: string): Promise<ClusterAnalysisDto> {
  return dto(await find(projectId, analysisId));
}

/**
 * A clustering analysis on a dataset: every column in the features table with the prediction
 * Lab's handling, identifiers and constant columns left out (the same suggestions), k-means with
 * k = 3 (and 2..6 tried by silhouette) locally.
 */
export async function createClustering(
  user: User,
  projectId: string,
  input: { datasetId: string; name?: string },
): Promise<ClusterAnalysisDto> {
  const d = await findDataset(projectId, input.datasetId);
  const s = await datasetSample(d);
  const stats = new Map(s.stats.columns.map((c) => [c.name, c]));
  const columns: ColumnProfile[] = s.schema.map((c) => {
    const st = stats.get(c.name);
    return {
      name: c.name,
      type: c.type,
      rows: s.rows,
      nonNull: st ? s.rows - st.empty : 0,
      distinct: st?.distinct ?? 0,
      targetCorrelation: null,
    };
  });
  // suggestDesign wants a target: a placeholder column no feature is named after.
  let none = "__sous_no_target";
  while (columns.some((c) => c.name === none)) none += "_";
  const placeholder: ColumnProfile = {
    name: none,
    type: "double",
    rows: s.rows,
    nonNull: s.rows,
    distinct: s.rows,
    targetCorrelation: null,
  };
  const { features } = suggestDesign([...columns, placeholder], none, "regression").design;
  const design: ClusterDesign = {
    task: "clustering",
    features,
    algorithms: [{ algorithm: "kmeans", k: 3, kGrid: [2, 3, 4, 5, 6], maxIter: 300 }],
    seed: 1337,
    engine: { kind: "local" },
  };
  const name = await freeAnalysisName(projectId, input.name ?? `Clusters of ${d.name}`);
  const id = await createAnalysisRow({ projectId, datasetId: d.id, name, design, createdById: user.id });
  return getClustering(projectId, id);
}

/** Saves a design; `version` must be the one the edit started from (someone else's save is a 409). */
export async function updateClustering(
  projectId: string,
  analysisId: string,
  input: { design: ClusterDesign; version: number; name?: string },
): Promise<ClusterAnalysisDto> {
  const a = await find(projectId, analysisId);
  const d = await findDataset(projectId, a.datasetId);
  const columns = new Set(currentVersionOf(d).schema.map((c) => c.name));
  const unknown = input.design.features.map((f) => f.name).filter((n) => !columns.has(n));
  if (unknown.length) throw new AppError("invalid_input", `Not columns of ${d.name}: ${unknown.join(", ")}.`);
  await saveAnalysisDesign(a.id, input);
  return getClustering(projectId, analysisId);
}

/**
 * Trains the saved design on the dataset's current version (a job of mode "train"). A design
 * that cannot train (no feature, k above the rows, an algorithm the engine lacks) is a 400 here,
 * before anything is queued.
 */
export async function startClustering(
  user: User,
  projectId: string,
  analysisId: string,
  /** "Retrain" on a saved model: the design of the version's training, and what to deploy after. */
  retrain?: { design: unknown; intent: RetrainIntent },
): Promise<ClusterTrainingDto> {
  const a = await find(projectId, analysisId);
  const design = ClusterDesignSchema.parse(retrain ? retrain.design : a.design);
  const d = await findDataset(projectId, a.datasetId);
  const version = currentVersionOf(d);
  const problems = problemsOf(design, rowsOf(d));
  if (problems.length)
    throw new AppError(
      "invalid_input",
      `The clustering cannot train: ${problems.map((p) => p.message).join(" ")}`,
      {
        details: { problems },
      },
    );
  const where = design.engine.kind === "local" ? "locally with scikit-learn" : "on Databricks with MLlib";
  const algorithms = design.algorithms
    .map((x) => `${x.algorithm} (${CLUSTER_ALGORITHM_SUPPORT[x.algorithm][design.engine.kind].note})`)
    .join(", ");
  const t = await queueTraining({
    user,
    projectId,
    analysisId: a.id,
    design,
    datasetVersionId: version.id,
    retrain: retrain?.intent,
    logLine: (number) =>
      `${retrain ? "Retraining clustering" : "Clustering"} ${a.name} #${number} on ${d.name} (version ${version.number}) ${where}: ${algorithms}.`,
  });
  return trainingDto(t);
}

/** The project's clustering analyses, last changed first (with their trainings). */
export async function listClusterings(projectId: string): Promise<ClusterAnalysisDto[]> {
  const rows = await ctx().db.mlAnalysis.findMany({
    where: { projectId },
    include,
    orderBy: { updatedAt: "desc" },
  });
  return Promise.all(rows.filter((a) => isClusterDesign(a.design)).map(dto));
}
