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
  /** Runs first, in a transaction with the publish, e.g. creating the dataset. */
  before?: (tx: Tx) => Promise<void>;
  /**
   * Publishes only while this job attempt owns its job: the publishing statement also stamps the
   * attempt's heartbeat (what a check in `before` would do, without a transaction around it) and
   * publishes nothing when no attempt row matched; `notOwner()` is then thrown.
   */
  owner?: { jobId: string; token: string; notOwner: () => Error };
  /** Runs last, in a transaction with the publish. */
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
  /** A build's lease on the dataset (DatasetBuildLock) held by this job: released by the same statement. */
  releaseBuildLock?: { jobId: string };
  /** A line (a build's "Wrote ..." line) appended to the job's log by the same statement. */
  logLine?: { jobId: string; message: string };
}

/**
 * Registers `version` as the dataset's next version and makes it the current one, with `hooks`.
 * Safe under concurrent publishers (an upload racing a build, two jobs): the statement bumps the
 * dataset's `lastVersionNumber` and takes the number from it, so they take turns on the dataset's
 * row and get consecutive numbers instead of one of them hitting the (datasetId, number) unique
 * index. Throws AppError "conflict" when it cannot publish: the dataset was deleted meanwhile, or
 * a writer that bypasses this took the number.
 *
 * One statement (a build's publish was a transaction of four round trips, then two more writes):
 * it checks the owner when `owner` is given, bumps the number, inserts the version, moves the
 * pointer, and ends the activity, releases the build's lease and logs its line when asked. A transaction only wraps it when `before` or `after` hooks need one. The number comes
 * from the row the UPDATE locked, never from a read of the versions: a statement that waited for
 * the lock reads the other tables with the snapshot it started with, which misses the version the
 * lock's previous holder published, while the row it updates is read again once the lock is its.
 */
export async function publishDatasetVersion(
  db: Db,
  version: NewDatasetVersion,
  hooks: PublishHooks = {},
): Promise<{ number: number }> {
  if (!hooks.before && !hooks.after) return publishStatement(db, version, hooks);
  return db.$transaction(async (tx) => {
    await hooks.before?.(tx);
    const published = await publishStatement(tx, version, hooks);
    await hooks.after?.(tx);
    return published;
  });
}

async function publishStatement(
  db: Db | Tx,
  version: NewDatasetVersion,
  hooks: Omit<PublishHooks, "before" | "after">,
): Promise<{ number: number }> {
  const o = hooks.owner;
  const a = hooks.activityDone;
  const line = hooks.logLine;
  // Timestamps from this process, as Prisma writes them (the columns have no time zone).
  const now = new Date();
  const schema = JSON.stringify(version.schema);
  let rows: { owned: number; number: number | null }[];
  try {
    // Versions written before lastVersionNumber existed, or by a writer that bypasses this
    // function, still count: the number never goes back below the newest version there is.
    rows = await db.$queryRaw<{ owned: number; number: number | null }[]>`
      WITH owner AS (
        UPDATE "JobAttempt" SET "heartbeatAt" = now()
        WHERE "jobId" = ${o?.jobId ?? null}::text AND "token" = ${o?.token ?? null}::text
        RETURNING 1
      ), d AS (
        UPDATE "Dataset" SET
          "lastVersionNumber" = GREATEST("lastVersionNumber",
            (SELECT COALESCE(MAX("number"), 0) FROM "DatasetVersion" WHERE "datasetId" = ${version.datasetId})) + 1,
          "currentVersionId" = ${version.versionId}, "schema" = ${schema}::jsonb, "updatedAt" = ${now}::timestamp(3)
        WHERE id = ${version.datasetId} AND (${o === undefined}::boolean OR EXISTS (SELECT 1 FROM owner))
        RETURNING "lastVersionNumber" AS "number"
      ), v AS (
        INSERT INTO "DatasetVersion"
          ("id", "datasetId", "number", "prefix", "status", "schema", "rowCount", "bytes",
           "origin", "jobId", "buildHash", "createdAt")
        SELECT ${version.versionId}::text, ${version.datasetId}::text, d."number", ${version.prefix}::text,
          'PUBLISHED'::"DatasetVersionStatus", ${schema}::jsonb, ${String(version.rowCount)}::bigint,
          ${String(version.bytes)}::bigint, ${version.origin === undefined ? null : version.origin.slice(0, 500)}::text,
          ${version.jobId ?? null}::text, ${version.buildHash ?? null}::text, ${now}::timestamp(3)
        FROM d
      ), a AS (
        UPDATE "JobActivity" SET "state" = 'SUCCEEDED'::"JobState", "finishedAt" = ${now}::timestamp(3),
          "rowsWritten" = ${a ? String(a.rowsWritten) : null}::bigint, "stagingPrefix" = NULL,
          "remote" = CASE WHEN ${a?.remote !== undefined}::boolean THEN ${a?.remote === undefined ? null : JSON.stringify(a.remote)}::jsonb ELSE "remote" END,
          "sparkSql" = CASE WHEN ${a?.sparkSql !== undefined}::boolean THEN ${a?.sparkSql ?? null}::text ELSE "sparkSql" END
        WHERE id = ${a?.id ?? null}::text AND "state" = 'RUNNING'::"JobState" AND EXISTS (SELECT 1 FROM d)
      ), released AS (
        DELETE FROM "DatasetBuildLock"
        WHERE "datasetId" = ${version.datasetId} AND "jobId" = ${hooks.releaseBuildLock?.jobId ?? null}::text
          AND EXISTS (SELECT 1 FROM d)
      ), logged AS (
        INSERT INTO "JobLog" ("jobId", "level", "message", "at")
        SELECT ${line?.jobId ?? null}::text, 'info', ${line?.message ?? ""}::text, ${now}::timestamp(3)
        FROM d WHERE ${line !== undefined}::boolean
      )
      SELECT (SELECT count(*) FROM owner)::int AS owned, (SELECT "number" FROM d) AS "number"`;
  } catch (e) {
    if (!isUniqueViolation(e) && !isRawUniqueViolation(e)) throw e;
    throw new AppError(
      "conflict",
      "Another version of this dataset was published at the same moment. Try again.",
      { cause: e },
    );
  }
  const row = rows[0];
  if (o && Number(row?.owned) !== 1) throw o.notOwner();
  if (row?.number === null || row?.number === undefined) {
    throw new AppError(
      "conflict",
      "The dataset was deleted while its new version was being written; nothing was published.",
    );
  }
  return { number: Number(row.number) };
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
