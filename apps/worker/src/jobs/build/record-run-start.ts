import type { Db } from "@sous/db";

/** What an activity is about to run: its DuckDB statement and the staging prefix it writes. */
export interface RunStart {
  activityId: string;
  duckdbSql: string;
  stagingPrefix: string;
}

/**
 * Records, before the statements run, what each activity runs and where it writes (a worker killed
 * mid-write leaves that prefix, and the retry deletes it), with the job's "Running ..." line: one
 * raw statement where Prisma took one update per activity (each reading its row back) and an
 * insert, on the build's path.
 */
export async function recordRunStart(
  db: Db,
  jobId: string,
  runs: RunStart[],
  message: string,
): Promise<void> {
  await db.$executeRaw`
    WITH a AS (
      UPDATE "JobActivity" SET "duckdbSql" = x."duckdbSql", "stagingPrefix" = x."stagingPrefix"
      FROM jsonb_to_recordset(${JSON.stringify(runs)}::jsonb)
        AS x("activityId" text, "duckdbSql" text, "stagingPrefix" text)
      WHERE "JobActivity"."id" = x."activityId"
    )
    INSERT INTO "JobLog" ("jobId", "at", "level", "message")
    VALUES (${jobId}::text, ${new Date()}::timestamp(3), 'info', ${message}::text)`;
}
