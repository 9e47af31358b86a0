import { randomBytes } from "node:crypto";
import { createDb, type Db } from "@sous/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertJob, type NewJob } from "../src/index.ts";

// insertJob writes a job in one statement and returns its rows without reading them back: what it
// returns must be exactly what Prisma reads, defaults included, or the POST that created a job
// would answer with a job that differs from the one GET returns.
const databaseUrl = process.env.SOUS_TEST_DATABASE_URL ?? "";

describe.skipIf(!databaseUrl)("insertJob", () => {
  let db: Db;
  let projectId: string;

  beforeAll(async () => {
    db = createDb({ databaseUrl });
    const key = `IJ${randomBytes(3).toString("hex").toUpperCase()}`;
    projectId = (await db.project.create({ data: { key, name: "insert job" } })).id;
  });
  afterAll(async () => {
    await db?.project.deleteMany({ where: { id: projectId } });
  });

  const newJob = (activities: NewJob["activities"]): NewJob => ({
    projectId,
    createdById: null,
    mode: "forced-recursive",
    targets: ["d2"],
    plan: { mode: "forced-recursive", targets: ["d2"], note: 'it\'s a "plan"' },
    queuePrefix: "sous-test",
    activities,
    log: { level: "info", message: "Planned 2 activities (it's quoted)." },
  });

  const read = (id: string) =>
    db.job.findUniqueOrThrow({ where: { id }, include: { activities: { orderBy: { position: "asc" } } } });

  it("returns the rows Prisma reads back: the job, its activities in order and their defaults", async () => {
    const written = await insertJob(
      db,
      newJob([
        {
          position: 0,
          recipeId: "r1",
          recipeIds: ["r0", "r1"],
          outputDatasetId: "d1",
          virtualDatasetIds: ["v0"],
          dependsOn: [],
          engine: "local",
        },
        {
          position: 1,
          recipeId: "r2",
          recipeIds: ["r2"],
          outputDatasetId: "d2",
          virtualDatasetIds: [],
          dependsOn: [0],
          engine: "databricks:default",
        },
      ]),
    );
    expect(written.state).toBe("QUEUED");
    expect(await read(written.id)).toEqual(written);
    const logs = await db.jobLog.findMany({ where: { jobId: written.id } });
    expect(logs.map((l) => [l.level, l.message, l.at.getTime()])).toEqual([
      ["info", "Planned 2 activities (it's quoted).", written.queuedAt.getTime()],
    ]);
  });

  it("ends a job with nothing to do at once, and writes nothing when the project is gone", async () => {
    const done = await insertJob(db, newJob([]), new Date("2026-01-02T03:04:05.678Z"));
    expect(done.state).toBe("SUCCEEDED");
    expect(done.startedAt?.toISOString()).toBe("2026-01-02T03:04:05.678Z");
    expect(await read(done.id)).toEqual(done);

    // One statement: a failing part (no such project) leaves no activity or log line behind.
    const before = await db.jobLog.count();
    await expect(
      insertJob(db, {
        ...newJob([
          {
            position: 0,
            recipeId: "r",
            recipeIds: ["r"],
            outputDatasetId: "d",
            virtualDatasetIds: [],
            dependsOn: [],
            engine: "local",
          },
        ]),
        projectId: "no-such-project",
      }),
    ).rejects.toThrow();
    expect(await db.jobLog.count()).toBe(before);
    expect(await db.jobActivity.count({ where: { recipeId: "r", outputDatasetId: "d" } })).toBe(0);
  });
});
