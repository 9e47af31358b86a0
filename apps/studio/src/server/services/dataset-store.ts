import "server-only";
import { AppError, type DatasetSchema, DatasetSchemaSchema, newId } from "@sous/contracts";
import { isUniqueViolation } from "@sous/db";
import { pruneDatasetVersions, publishDatasetVersion } from "@sous/server-domain";
import { datasetVersionPrefix, type StagedWrite, sampleCacheDir as sampleCacheDirUnder } from "@sous/storage";
import { ctx } from "../context.ts";
import { env } from "../env.ts";

// Writing dataset versions: a version's files are staged under a fresh prefix, then published
// by @sous/server-domain (one transaction registers the version and moves the dataset's pointer,
// the same rule as the worker's builds). Readers only ever follow the pointer, so they see the
// old version or the new one, never a partial one.

/** A dataset of the project, with its current version; another project's id is "not found". */
export async function findDataset(projectId: string, datasetId: string) {
  const d = await ctx().db.dataset.findFirst({
    where: { id: datasetId, projectId },
    include: { currentVersion: true },
  });
  if (!d) throw new AppError("not_found", "Dataset not found.");
  return d;
}

export type DatasetRow = Awaited<ReturnType<typeof findDataset>>;

/** The current version, or a conflict naming the dataset when it has none. */
export function currentVersionOf(d: DatasetRow) {
  const v = d.currentVersion;
  if (!v) throw new AppError("conflict", `Dataset ${d.name} has no data yet. Build or import it first.`);
  return { ...v, schema: DatasetSchemaSchema.parse(v.schema) };
}

export const nameTaken = (name: string) =>
  new AppError("conflict", `A dataset named ${name} already exists in this project. Choose another name.`);

/**
 * Stages a new version, lets `write` fill it, and publishes it: as version 1 of a new dataset
 * (`create`) or as the next version of `datasetId`. Anything that fails removes the files.
 */
export async function writeVersion(opts: {
  projectId: string;
  target: { create: string } | { datasetId: string };
  origin: string;
  write: (staged: StagedWrite) => Promise<{ schema: DatasetSchema; rowCount: number }>;
}): Promise<{ datasetId: string; versionId: string }> {
  const { db, storage } = ctx();
  const datasetId = "create" in opts.target ? newId() : opts.target.datasetId;
  if ("create" in opts.target) {
    const taken = await db.dataset.findUnique({
      where: { projectId_name: { projectId: opts.projectId, name: opts.target.create } },
    });
    if (taken) throw nameTaken(opts.target.create);
  }
  const versionId = newId();
  const prefix = datasetVersionPrefix({ projectId: opts.projectId, datasetId, versionId });
  const staged = await storage.stage(prefix);
  try {
    const { schema, rowCount } = await opts.write(staged);
    const { bytes } = await staged.commit();
    await publishDatasetVersion(
      db,
      { datasetId, versionId, prefix, schema, rowCount, bytes, origin: opts.origin },
      {
        before: async (tx) => {
          if ("create" in opts.target) {
            await tx.dataset.create({
              data: { id: datasetId, projectId: opts.projectId, name: opts.target.create, schema },
            });
          }
        },
      },
    );
  } catch (e) {
    await staged.abort();
    if (isUniqueViolation(e) && "create" in opts.target) throw nameTaken(opts.target.create);
    throw e;
  }
  await pruneDatasetVersions(ctx(), datasetId, env().SOUS_DATASET_VERSIONS_KEPT).catch((e) =>
    console.error("[datasets] pruning versions failed", e),
  );
  return { datasetId, versionId };
}

/** Where the cached samples and stats of a version live (local to this process' data dir). */
export function sampleCacheDir(versionId: string): string {
  return sampleCacheDirUnder(ctx().dataDir, versionId);
}
