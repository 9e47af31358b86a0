import type { Db } from "@sous/db";

/**
 * Takes the build lease of a dataset for a job: free, expired (its worker died), or already this
 * job's (a redelivered job picks up where it was). One statement, so two workers cannot both win.
 */
export async function tryAcquireDatasetLease(
  db: Db,
  args: { datasetId: string; jobId: string; leaseMs: number },
): Promise<boolean> {
  const expires = new Date(Date.now() + args.leaseMs);
  const n = await db.$executeRaw`
    INSERT INTO "DatasetBuildLock" ("datasetId", "jobId", "expiresAt")
    VALUES (${args.datasetId}, ${args.jobId}, ${expires})
    ON CONFLICT ("datasetId") DO UPDATE
      SET "jobId" = EXCLUDED."jobId", "expiresAt" = EXCLUDED."expiresAt", "acquiredAt" = now()
      WHERE "DatasetBuildLock"."expiresAt" < now() OR "DatasetBuildLock"."jobId" = EXCLUDED."jobId"`;
  return n === 1;
}

export async function renewDatasetLease(
  db: Db,
  args: { datasetId: string; jobId: string; leaseMs: number },
): Promise<void> {
  await db.datasetBuildLock.updateMany({
    where: { datasetId: args.datasetId, jobId: args.jobId },
    data: { expiresAt: new Date(Date.now() + args.leaseMs) },
  });
}

export async function releaseDatasetLease(db: Db, args: { datasetId: string; jobId: string }): Promise<void> {
  await db.datasetBuildLock.deleteMany({ where: { datasetId: args.datasetId, jobId: args.jobId } });
}

/** Who holds the lease (for the "waiting for job X" log line). */
export async function datasetLeaseHolder(db: Db, datasetId: string): Promise<string | null> {
  const l = await db.datasetBuildLock.findUnique({ where: { datasetId }, select: { jobId: true } });
  return l?.jobId ?? null;
}
