// claimJob against the real Postgres: one statement claims the job for an attempt and moves it to
// RUNNING, so what it returns and what the row says must agree in every case a delivery can meet.
import { createDb, type Db } from "@sous/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimJob } from "../src/jobs/build/job-attempt.ts";
import { createProject, databaseUrl } from "./fixture.ts";

const timing = { heartbeatMs: 50, staleMs: 400 };

describe.skipIf(!databaseUrl)("claiming a job", () => {
  let db: Db;
  let projectId: string;

  beforeAll(async () => {
    db = createDb({ databaseUrl });
    projectId = await createProject(db, "CLAIM");
  });
  afterAll(async () => {
    await db?.project.deleteMany({ where: { id: projectId } });
  });

  const queuedJob = (data: { mode?: string; cancelRequestedAt?: Date } = {}) =>
    db.job.create({
      data: { projectId, targets: [], mode: data.mode ?? "smart", state: "QUEUED", ...data },
    });
  const row = (id: string) =>
    db.job.findUniqueOrThrow({ where: { id }, select: { state: true, startedAt: true } });

  it("claims a queued job and starts it in the same statement, returning what the processor reads", async () => {
    const requested = new Date(Date.now() - 1000);
    const job = await queuedJob({ mode: "train", cancelRequestedAt: requested });
    const claimed = await claimJob(db, job.id, timing);
    expect(claimed?.attempt.number).toBe(1);
    expect(claimed?.waited).toBe(false);
    expect(claimed?.job).toEqual({ mode: "train", cancelRequestedAt: requested });
    const r = await row(job.id);
    expect(r.state).toBe("RUNNING");
    expect(r.startedAt).not.toBeNull();
  });

  it("leaves a job another attempt is running alone while that attempt beats", async () => {
    const job = await queuedJob();
    // Alive for a minute: a slow machine must not make it look dead before the second delivery.
    const alive = { heartbeatMs: 50, staleMs: 60_000 };
    const first = await claimJob(db, job.id, alive);
    const startedAt = (await row(job.id)).startedAt;
    // A second delivery waits; told to stop, it gives up having changed nothing.
    const stop = new AbortController();
    const waits: number[] = [];
    const second = claimJob(db, job.id, alive, stop.signal, async (owner) => {
      waits.push(owner);
      stop.abort();
    });
    expect(await second).toBeNull();
    expect(waits).toEqual([first!.attempt.number]);
    expect((await db.jobAttempt.findUniqueOrThrow({ where: { jobId: job.id } })).token).toBe(
      first!.attempt.token,
    );
    expect((await row(job.id)).startedAt).toEqual(startedAt);
  });

  it("takes over from a silent attempt, says it waited, and keeps the job's first start time", async () => {
    const job = await queuedJob();
    const first = await claimJob(db, job.id, timing);
    const startedAt = (await row(job.id)).startedAt;
    // The first attempt never beats again: the next delivery waits for it to go stale, then runs.
    const next = await claimJob(db, job.id, timing);
    expect(next?.attempt.number).toBe(first!.attempt.number + 1);
    expect(next?.waited).toBe(true);
    expect((await row(job.id)).startedAt).toEqual(startedAt);
  });

  it("returns nothing and changes nothing for a job that ended or does not exist", async () => {
    const job = await queuedJob();
    await db.job.update({ where: { id: job.id }, data: { state: "CANCELLED", finishedAt: new Date() } });
    expect(await claimJob(db, job.id, timing)).toBeNull();
    expect(await row(job.id)).toEqual({ state: "CANCELLED", startedAt: null });
    expect(await db.jobAttempt.count({ where: { jobId: job.id } })).toBe(0);
    expect(await claimJob(db, "no-such-job", timing)).toBeNull();
  });
});
