import { rm } from "node:fs/promises";
import { AppError, type DatasetSchema } from "@sous/contracts";
import { type Db, isUniqueViolation, type Prisma } from "@sous/db";
import { type DatasetStorage, sampleCacheDir } from "@sous/storage";

// Publishing and pruning dataset versions: the one home of both rules, used by the studio
// (uploads, imports, schema edits) and the worker (builds). A version's files are complete in
// storage before it is published; publishing is one transaction that registers the version and
// moves the dataset's pointer, so readers see the old version or the new one, never a partial one.

type Tx = Prisma.TransactionClient;

export interface NewDatasetVersion {
  datasetId: string;
  versionId: string;
  /** The storage prefix its files were committed under (datasetVersionPrefix). */
  prefix: string;
  schema: DatasetSchema;
  rowCount: number | bigint;
  bytes: number | bigint;
  /** Human-readable origin for the versions tab ("upload orders.csv", "schema edit", ...). */
  origin?: string;
  /** Builds only: the job that wrote it and the hash of what built it. */
  jobId?: string;
  buildHash?: string;
}

export interface PublishHooks {
  /** Runs first in the transaction, e.g. creating the dataset or checking the job is still ours. */
  before?: (tx: Tx) => Promise<void>;
  /** Runs last in the transaction, e.g. marking the activity that wrote the version done. */
  after?: (tx: Tx) => Promise<void>;
}

/**
 * Registers `version` as the dataset's next version and makes it the current one, in one
 * transaction with `hooks`. Safe under concurrent publishers (an upload racing a build, two jobs):
 * the dataset's row is locked before the next number is read, so they take turns and get
 * consecutive numbers instead of one of them hitting the (datasetId, number) unique index.
 * Throws AppError "conflict" when it cannot publish: the dataset was deleted meanwhile, or a
 * writer that bypasses this lock took the number.
 */
export async function publishDatasetVersion(
  db: Db,
  version: NewDatasetVersion,
  hooks: PublishHooks = {},
): Promise<{ number: number }> {
  return db.$transaction(async (tx) => {
    await hooks.before?.(tx);
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "Dataset" WHERE id = ${version.datasetId} FOR UPDATE`;
    if (locked.length === 0) {
      throw new AppError(
        "conflict",
        "The dataset was deleted while its new version was being written; nothing was published.",
      );
    }
    const last = await tx.datasetVersion.aggregate({
      where: { datasetId: version.datasetId },
      _max: { number: true },
    });
    const number = (last._max.number ?? 0) + 1;
    try {
      await tx.datasetVersion.create({
        data: {
          id: version.versionId,
          datasetId: version.datasetId,
          number,
          prefix: version.prefix,
          status: "PUBLISHED",
          schema: version.schema,
          rowCount: BigInt(version.rowCount),
          bytes: BigInt(version.bytes),
          ...(version.origin === undefined ? {} : { origin: version.origin.slice(0, 500) }),
          ...(version.jobId === undefined ? {} : { jobId: version.jobId }),
          ...(version.buildHash === undefined ? {} : { buildHash: version.buildHash }),
        },
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      throw new AppError(
        "conflict",
        "Another version of this dataset was published at the same moment. Try again.",
        { cause: e },
      );
    }
    await tx.dataset.update({
      where: { id: version.datasetId },
      data: { currentVersionId: version.versionId, schema: version.schema },
    });
    await hooks.after?.(tx);
    return { number };
  });
}

/**
 * Keeps the newest `keep` published versions of a dataset (at least one, and the current one
 * always) and removes the rest: the row first, so no reader is handed a version whose files are
 * going away, then its files, then the samples and stats cached for it under `dataDir`.
 * Concurrent prunes of the same dataset each remove a version once. Returns the removed ids.
 */
export async function pruneDatasetVersions(
  deps: { db: Db; storage: DatasetStorage; dataDir: string },
  datasetId: string,
  keep: number,
): Promise<string[]> {
  const { db, storage, dataDir } = deps;
  const versions = await db.datasetVersion.findMany({
    where: { datasetId, status: "PUBLISHED" },
    orderBy: { number: "desc" },
    select: { id: true, prefix: true },
  });
  const removed: string[] = [];
  for (const v of versions.slice(Math.max(1, keep))) {
    // Never the current version, checked in the delete itself: a stale read must not remove it.
    const { count } = await db.datasetVersion.deleteMany({ where: { id: v.id, currentOf: { is: null } } });
    if (count === 0) continue;
    await storage.deletePrefix(v.prefix);
    await rm(sampleCacheDir(dataDir, v.id), { recursive: true, force: true });
    removed.push(v.id);
  }
  return removed;
}
