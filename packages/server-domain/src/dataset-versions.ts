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
  /**
   * Publishes only while this job attempt owns its job: the statement that locks the dataset also
   * stamps the attempt's heartbeat (what a check in `before` would do, one round trip fewer on
   * every build) and `notOwner()` is thrown, publishing nothing, when no attempt row matched.
   */
  owner?: { jobId: string; token: string; notOwner: () => Error };
  /** Runs last in the transaction, e.g. marking the activity that wrote the version done. */
  after?: (tx: Tx) => Promise<void>;
  /**
   * A build's activity that wrote the version: moved from RUNNING to SUCCEEDED (finishedAt
   * stamped, staging prefix cleared, these fields set) by the same statement that registers the
   * version, as `moveActivities` would in `after`, one round trip fewer on every build.
   */
  activityDone?: {
    id: string;
    rowsWritten: bigint;
    /** Remote runs: the cluster, Spark UI link and timings (left as they are when absent). */
    remote?: unknown;
    /** The SparkSQL shown for the activity (left as it is when absent). */
    sparkSql?: string | null;
  };
}

/**
 * Registers `version` as the dataset's next version and makes it the current one, in one
 * transaction with `hooks`. Safe under concurrent publishers (an upload racing a build, two jobs):
 * the dataset's row is locked before the next number is read, so they take turns and get
 * consecutive numbers instead of one of them hitting the (datasetId, number) unique index.
 * Throws AppError "conflict" when it cannot publish: the dataset was deleted meanwhile, or a
 * writer that bypasses this lock took the number.
 *
 * Two statements besides the hooks (it took four, then the activity's): the lock (with the owner's
 * check when `owner` is given), then one that
 * reads the next number, inserts the version, moves the pointer and ends the activity. The number
 * is read in a statement of its own after the lock, never in the locking one: a statement that
 * waited for the lock still reads with the snapshot it started with, which misses the version the
 * lock's previous holder published.
 */
export async function publishDatasetVersion(
  db: Db,
  version: NewDatasetVersion,
  hooks: PublishHooks = {},
): Promise<{ number: number }> {
  return db.$transaction(async (tx) => {
    await hooks.before?.(tx);
    const o = hooks.owner;
    let found: boolean;
    if (o) {
      const [lock] = await tx.$queryRaw<{ owned: number; found: number }[]>`
        WITH owner AS (
          UPDATE "JobAttempt" SET "heartbeatAt" = now() WHERE "jobId" = ${o.jobId} AND "token" = ${o.token}
          RETURNING 1
        ), locked AS (
          SELECT id FROM "Dataset" WHERE id = ${version.datasetId} FOR UPDATE
        )
        SELECT (SELECT count(*) FROM owner)::int AS owned, (SELECT count(*) FROM locked)::int AS found`;
      if (Number(lock?.owned) !== 1) throw o.notOwner();
      found = Number(lock?.found) === 1;
    } else {
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM "Dataset" WHERE id = ${version.datasetId} FOR UPDATE`;
      found = locked.length > 0;
    }
    if (!found) {
      throw new AppError(
        "conflict",
        "The dataset was deleted while its new version was being written; nothing was published.",
      );
    }
    // Timestamps from this process, as Prisma writes them (the columns have no time zone).
    const now = new Date();
    const schema = JSON.stringify(version.schema);
    const a = hooks.activityDone;
    let rows: { number: number }[];
    try {
      rows = await tx.$queryRaw<{ number: number }[]>`
        WITH v AS (
          INSERT INTO "DatasetVersion"
            ("id", "datasetId", "number", "prefix", "status", "schema", "rowCount", "bytes",
             "origin", "jobId", "buildHash", "createdAt")
          SELECT ${version.versionId}::text, ${version.datasetId}::text, COALESCE(MAX("number"), 0) + 1, ${version.prefix}::text,
            'PUBLISHED'::"DatasetVersionStatus", ${schema}::jsonb, ${String(version.rowCount)}::bigint,
            ${String(version.bytes)}::bigint, ${version.origin === undefined ? null : version.origin.slice(0, 500)}::text,
            ${version.jobId ?? null}::text, ${version.buildHash ?? null}::text, ${now}::timestamp(3)
          FROM "DatasetVersion" WHERE "datasetId" = ${version.datasetId}
          RETURNING "number"
        ), d AS (
          UPDATE "Dataset" SET "currentVersionId" = ${version.versionId}, "schema" = ${schema}::jsonb,
            "updatedAt" = ${now}::timestamp(3)
          WHERE id = ${version.datasetId}
        ), a AS (
          UPDATE "JobActivity" SET "state" = 'SUCCEEDED'::"JobState", "finishedAt" = ${now}::timestamp(3),
            "rowsWritten" = ${a ? String(a.rowsWritten) : null}::bigint, "stagingPrefix" = NULL,
            "remote" = CASE WHEN ${a?.remote !== undefined}::boolean THEN ${a?.remote === undefined ? null : JSON.stringify(a.remote)}::jsonb ELSE "remote" END,
            "sparkSql" = CASE WHEN ${a?.sparkSql !== undefined}::boolean THEN ${a?.sparkSql ?? null}::text ELSE "sparkSql" END
          WHERE id = ${a?.id ?? null}::text AND "state" = 'RUNNING'::"JobState"
        )
        SELECT "number" FROM v`;
    } catch (e) {
      if (!isUniqueViolation(e) && !isRawUniqueViolation(e)) throw e;
      throw new AppError(
        "conflict",
        "Another version of this dataset was published at the same moment. Try again.",
        { cause: e },
      );
    }
    await hooks.after?.(tx);
    return { number: Number(rows[0]!.number) };
  });
}

/** A unique index refused a raw statement's row (Postgres 23505, however the driver wraps it). */
function isRawUniqueViolation(e: unknown): boolean {
  const text =
    e instanceof Error ? `${e.message} ${JSON.stringify((e as { meta?: unknown }).meta ?? {})}` : "";
  return /23505|unique constraint/i.test(text);
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
