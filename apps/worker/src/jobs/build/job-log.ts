import type { Db } from "@sous/db";

/** Appends a line to the job's log (stored in Postgres, paginated by id). */
export async function jobLog(
  db: Db,
  jobId: string,
  level: "info" | "warn" | "error",
  message: string,
): Promise<void> {
  await db.jobLog.create({ data: { jobId, level, message } });
}
