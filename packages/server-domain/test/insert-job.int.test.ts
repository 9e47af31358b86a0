import { randomBytes } from "node:crypto";
import type { PlannedActivity } from "@sous/contracts";
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

  const activity = (
    position: number,
    recipeIds: string[],
    more: Partial<PlannedActivity> = {},
  ): PlannedActivity => ({
    position,
    recipeIds,
    recipeNames: recipeIds.map((r) => `recipe "${r}"`),
    outputDatasetId: `d${position}`,
    outputDatasetName: `it's d${position}`,
    virtualDatasetIds: [],
    virtualDatasetNames: [],
    engine: "local",
    dependsOn: [],
    reason: "forced",
    ...more,
  });
  const newJob = (activities: PlannedActivity[]): NewJob => ({
    projectId,
    createdById: null,
    plan: {
      mode: "forced-recursive",
      targets: activities.map((a) => a.outputDatasetId),
      pipelines: true,
      activities,
      upToDate: [],
    },
    queuePrefix: "sous-test",
  });

  const read = (id: string) =>
    db.job.findUniqueOrThrow({ where: { id }, include: { activities: { orderBy: { position: "asc" } } } });

  it("returns the rows Prisma reads back: the job, its activities in order and their defaults", async () => {
    const written = await insertJob(
      db,
      newJob([
        activity(0, ["r0", "r1"], { virtualDatasetIds: ["v0"], virtualDatasetNames: ["v0"] }),
        activity(1, ["r2"], { dependsOn: [0], engine: "databricks:c1:p1" }),
      ]),
    );
    expect(written.state).toBe("QUEUED");
    // An activity runs as its last recipe (a pipeline's merged ones come before it).
    expect(written.activities.map((a) => a.recipeId)).toEqual(["r1", "r2"]);
    expect(await read(written.id)).toEqual(written);
    const logs = await db.jobLog.findMany({ where: { jobId: written.id } });
    expect(logs.map((l) => [l.level, l.message, l.at.getTime()])).toEqual([
      ["info", "Planned 2 activities (forced-recursive).", written.queuedAt.getTime()],
    ]);
  });

  it("ends a job with nothing to do at once, and writes nothing when the project is gone", async () => {
    const done = await insertJob(db, newJob([]), new Date("2026-01-02T03:04:05.678Z"));
    expect(done.state).toBe("SUCCEEDED");
    expect(done.startedAt?.toISOString()).toBe("2026-01-02T03:04:05.678Z");
    expect(await read(done.id)).toEqual(done);
    expect((await db.jobLog.findMany({ where: { jobId: done.id } })).map((l) => l.message)).toEqual([
      "Nothing to build: every dataset asked for is up to date.",
    ]);

    // One statement: a failing part (no such project) leaves no activity or log line behind.
    const before = await db.jobLog.count();
    await expect(
      insertJob(db, {
        ...newJob([activity(0, ["r"], { outputDatasetId: "d" })]),
        projectId: "no-such-project",
      }),
    ).rejects.toThrow();
    expect(await db.jobLog.count()).toBe(before);
    expect(await db.jobActivity.count({ where: { recipeId: "r", outputDatasetId: "d" } })).toBe(0);
  });
});
