import "server-only";
import { rm } from "node:fs/promises";
import { renameSqlInput } from "@sous/compiler";
import {
  AppError,
  type DatasetInfo,
  type DatasetPreview,
  DatasetSchemaSchema,
  type RecipeSpec,
  RecipeSpecSchema,
} from "@sous/contracts";
import { isUniqueViolation } from "@sous/db";
import { ACTIVE_JOB_STATES } from "@sous/server-domain";
import { datasetVersionPrefix, mlTrainingPrefix } from "@sous/storage";
import type { DeleteDatasetResult } from "../../shared/api/dataset-manage-schemas.ts";
import { ctx } from "../context.ts";
import { findDataset, nameTaken, sampleCacheDir } from "./dataset-store.ts";
import { datasetDto } from "./dto.ts";
import { listNames, refuseWhileServed, savedModelUsers } from "./saved-model-users.ts";

export async function listDatasets(projectId: string): Promise<DatasetInfo[]> {
  const rows = await ctx().db.dataset.findMany({
    where: { projectId },
    include: { currentVersion: true },
    orderBy: { name: "asc" },
  });
  return rows.map(datasetDto);
}

export async function getDataset(projectId: string, datasetId: string): Promise<DatasetInfo> {
  return datasetDto(await findDataset(projectId, datasetId));
}

export async function previewDataset(
  projectId: string,
  datasetId: string,
  page: { limit: number; offset: number },
): Promise<DatasetPreview> {
  const d = await findDataset(projectId, datasetId);
  const v = d.currentVersion;
  if (!v) {
    throw new AppError("conflict", `Dataset ${d.name} has no data yet. Build it first.`);
  }
  const { storage, engine } = ctx();
  const version = await storage.acquire(v.prefix);
  try {
    const result = await (await engine).previewParquet(version.dir, page);
    return { columns: result.columns, rows: result.rows, totalRows: Number(v.rowCount ?? 0) };
  } finally {
    await version.release();
  }
}

/**
 * Renames a dataset (and/or sets its description). Names are checked as on creation and are
 * unique in the project. Recipes refer to datasets by id, so they keep working. SQL recipes read
 * their inputs by name: their queries are rewritten to the new name in the same transaction
 * (renameSqlInput), and the rename is refused, naming the recipe and why, where a rewrite could
 * change what a query means.
 */
export async function updateDataset(
  projectId: string,
  datasetId: string,
  input: { name?: string; description?: string },
): Promise<DatasetInfo> {
  const { db } = ctx();
  if (input.name === undefined && input.description === undefined)
    throw new AppError("invalid_input", "Give a new `name` or `description`.");
  const d = await findDataset(projectId, datasetId);
  const newName = input.name !== undefined && input.name !== d.name ? input.name : null;
  const rewrites = newName === null ? [] : await rewriteSqlReaders(projectId, d, newName);
  try {
    await db.$transaction(async (tx) => {
      await tx.dataset.update({
        where: { id: d.id },
        data: {
          ...(newName !== null ? { name: newName } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
        },
      });
      for (const r of rewrites) {
        const updated = await tx.recipe.updateMany({
          where: { id: r.id, revision: r.revision },
          data: { spec: r.spec, revision: { increment: 1 } },
        });
        if (updated.count === 0)
          throw new AppError(
            "conflict",
            `SQL recipe ${r.name} was changed while ${d.name} was being renamed. Rename it again.`,
          );
      }
    });
  } catch (e) {
    if (isUniqueViolation(e) && input.name) throw nameTaken(input.name);
    throw e;
  }
  return datasetDto(await findDataset(projectId, datasetId));
}

/** The SQL recipes reading `d`, with their queries rewritten to read it as `newName`. */
async function rewriteSqlReaders(
  projectId: string,
  d: { id: string; name: string },
  newName: string,
): Promise<{ id: string; name: string; revision: number; spec: RecipeSpec }[]> {
  const readers = await ctx().db.recipe.findMany({
    where: { projectId, kind: "sql", io: { some: { datasetId: d.id, role: "INPUT" } } },
    select: {
      id: true,
      name: true,
      revision: true,
      spec: true,
      io: { where: { role: "INPUT" }, select: { dataset: { select: { schema: true } } } },
    },
    orderBy: { name: "asc" },
  });
  const refused: string[] = [];
  const rewrites = readers.flatMap((r) => {
    const spec = RecipeSpecSchema.parse(r.spec);
    if (spec.kind !== "sql") return [];
    const columns = r.io.flatMap((x) => {
      const schema = DatasetSchemaSchema.safeParse(x.dataset.schema);
      return schema.success ? schema.data.map((c) => c.name) : [];
    });
    const renamed = renameSqlInput({ sql: spec.params.sql, from: d.name, to: newName, columns });
    if (!renamed.ok) {
      refused.push(
        `SQL recipe ${r.name} reads ${d.name} by name and its query cannot be rewritten: ${renamed.reason}`,
      );
      return [];
    }
    return [
      {
        id: r.id,
        name: r.name,
        revision: r.revision,
        spec: { ...spec, params: { ...spec.params, sql: renamed.sql } },
      },
    ];
  });
  if (refused.length)
    throw new AppError(
      "conflict",
      `${refused.join(". ")}. Edit that query (or remove ${d.name} from it) first.`,
    );
  return rewrites;
}

/**
 * Deletes a dataset with every stored version (files and cached samples).
 *
 * - The recipe that writes it goes too when this is its only output (a recipe must write
 *   something); a recipe with other outputs (split) counts as a reader below.
 * - Recipes that read it: refused with a 409 naming them, unless `force`, which deletes them
 *   too. Their own output datasets stay, with their data, like after deleting a recipe.
 * - A dataset a running job is building, or that a recipe to be deleted is running for, is
 *   refused (cancel the job or wait).
 */
export async function deleteDataset(
  projectId: string,
  datasetId: string,
  opts: { force: boolean },
): Promise<DeleteDatasetResult> {
  const { db, storage } = ctx();
  const d = await findDataset(projectId, datasetId);
  const links = await db.recipeIo.findMany({
    where: { datasetId: d.id },
    include: { recipe: { select: { id: true, name: true, io: { select: { role: true } } } } },
  });
  const byId = new Map(links.map((l) => [l.recipe.id, l.recipe]));
  const soleWriter = links.find(
    (l) => l.role === "OUTPUT" && l.recipe.io.filter((x) => x.role === "OUTPUT").length === 1,
  )?.recipe;
  const others = [...byId.values()]
    .filter((r) => r.id !== soleWriter?.id)
    .sort((a, b) => a.name.localeCompare(b.name));
  if (others.length > 0 && !opts.force) {
    const names = listNames(others.map((r) => r.name));
    throw new AppError(
      "conflict",
      `${d.name} is used by recipe${others.length > 1 ? "s" : ""} ${names}. Delete ${others.length > 1 ? "them" : "it"} first, or delete with force=true to delete ${others.length > 1 ? "them" : "it"} too (${others.length > 1 ? "their" : "its"} output datasets stay).`,
    );
  }
  // The Lab's analyses of it and the saved models trained on it go with it (the database cascades):
  // never silently, and never while an API endpoint serves one of those models.
  const [analyses, savedModels] = await Promise.all([
    db.mlAnalysis.findMany({
      where: { datasetId: d.id },
      select: {
        id: true,
        name: true,
        trainings: { select: { id: true, job: { select: { id: true, state: true } } } },
      },
      orderBy: { name: "asc" },
    }),
    db.savedModel.findMany({
      where: { datasetId: d.id },
      select: { id: true, name: true },
      orderBy: { name: "asc" },
    }),
  ]);
  refuseWhileServed(
    await savedModelUsers(
      projectId,
      savedModels.map((m) => m.id),
    ),
    `${d.name} is the training data of saved model${savedModels.length > 1 ? "s" : ""} ${listNames(savedModels.map((m) => m.name))}, which`,
  );
  const training = analyses
    .flatMap((a) => a.trainings)
    .find((t) => (ACTIVE_JOB_STATES as readonly string[]).includes(t.job.state));
  if (training)
    throw new AppError(
      "conflict",
      `Job ${training.job.id} is training a model on ${d.name}. Cancel the job or wait for it to end, then delete.`,
    );
  if ((analyses.length > 0 || savedModels.length > 0) && !opts.force) {
    const parts = [
      savedModels.length > 0
        ? `saved model${savedModels.length > 1 ? "s" : ""} ${listNames(savedModels.map((m) => m.name))}`
        : "",
      analyses.length > 0
        ? `Lab analys${analyses.length > 1 ? "es" : "is"} ${listNames(analyses.map((a) => a.name))}`
        : "",
    ].filter(Boolean);
    throw new AppError(
      "conflict",
      `${d.name} is the training data of ${parts.join(" and ")}. Delete ${parts.length > 1 || savedModels.length + analyses.length > 1 ? "them" : "it"} first, or delete with force=true to delete ${parts.length > 1 || savedModels.length + analyses.length > 1 ? "them" : "it"} too.`,
    );
  }
  const recipes = [...(soleWriter ? [soleWriter] : []), ...others];
  const recipeIds = recipes.map((r) => r.id);
  const active = await db.jobActivity.findFirst({
    where: {
      job: { projectId, state: { in: ACTIVE_JOB_STATES } },
      OR: [
        { outputDatasetId: d.id },
        { recipeId: { in: recipeIds } },
        // Pipelines: recipes merged into one statement, and the datasets computed inside it.
        ...recipeIds.map((id) => ({ recipeIds: { array_contains: [id] } })),
        { virtualDatasetIds: { array_contains: [d.id] } },
      ],
    },
    select: { jobId: true },
  });
  if (active)
    throw new AppError(
      "conflict",
      `Job ${active.jobId} is building ${d.name} or a recipe that uses it. Cancel the job or wait for it to end, then delete.`,
    );

  const versions = await db.datasetVersion.findMany({
    where: { datasetId: d.id },
    select: { id: true, prefix: true },
  });
  await db.$transaction([
    db.recipe.deleteMany({ where: { projectId, id: { in: recipeIds } } }),
    db.flowNodeLayout.deleteMany({ where: { projectId, nodeId: { in: [d.id, ...recipeIds] } } }),
    // Cascades to its versions' rows, its recipe links and a stale build lock.
    db.dataset.delete({ where: { id: d.id } }),
  ]);
  // Rows first, then files: nobody is handed a version whose files are going away.
  const folder = datasetVersionPrefix({ projectId, datasetId: d.id, versionId: "x" }).replace(
    /versions\/x\/$/,
    "",
  );
  try {
    for (const v of versions) {
      await storage.deletePrefix(v.prefix);
      await rm(sampleCacheDir(v.id), { recursive: true, force: true });
    }
    await storage.deletePrefix(folder);
    // The trainings' artifacts (the saved models' versions score with them: gone too).
    for (const t of analyses.flatMap((a) => a.trainings))
      await storage.deletePrefix(mlTrainingPrefix({ projectId, trainingId: t.id }));
  } catch (e) {
    console.error(`[datasets] deleted ${d.id} but not all its files`, e);
  }
  return {
    dataset: { id: d.id, name: d.name },
    recipes: recipes.map((r) => ({ id: r.id, name: r.name })),
    savedModels,
    analyses: analyses.map((a) => ({ id: a.id, name: a.name })),
  };
}
