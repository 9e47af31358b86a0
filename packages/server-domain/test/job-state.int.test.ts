import { randomBytes } from "node:crypto";
import { createDb, type Db } from "@sous/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endJob, IllegalTransitionError, moveActivities, moveJob, requestJobCancel } from "../src/index.ts";

// The state machine's writes against the real Postgres: a refused move changes nothing, and two
// writers racing on one job (a cancel and a finish, a cancel and a start) leave exactly one winner.
const databaseUrl = process.env.SOUS_TEST_DATABASE_URL ?? "";

describe.skipIf(!databaseUrl)("job state writes", () => {
  let db: Db;
  let projectId: string;

  beforeAll(async () => {
    db = createDb({ databaseUrl });
    const key = `JS${randomBytes(3).toString("hex").toUpperCase()}`;
    projectId = (await db.project.create({ data: { key, name: "job states" } })).id;
  });
  afterAll(async () => {
    await db?.project.deleteMany({ where: { id: projectId } });
  });

  /** A job in `state` with two activities: one in `first`, one QUEUED. */
  async function job(state: "QUEUED" | "RUNNING" | "SUCCEEDED", first: "QUEUED" | "RUNNING" = "QUEUED") {
    const j = await db.job.create({
      data: {
        projectId,
        targets: [],
        mode: "build-only-this",
        state,
        activities: {
          create: [0, 1].map((position) => ({
            position,
            recipeId: `r${position}`,
            outputDatasetId: `d${position}`,
            engine: "local",
            state: position === 0 ? first : "QUEUED",
          })),
        },
      },
    });
    return j.id;
  }
  const read = (id: string) =>
    db.job.findUniqueOrThrow({ where: { id }, include: { activities: { orderBy: { position: "asc" } } } });

  it("refuses a move out of a final state and changes nothing", async () => {
    const id = await job("SUCCEEDED");
    const before = await read(id);
    expect(await moveJob(db, id, "CANCELLED")).toEqual({ moved: false, state: "SUCCEEDED" });
    expect(await moveJob(db, id, "RUNNING")).toEqual({ moved: false, state: "SUCCEEDED" });
    expect(await read(id)).toEqual(before);
    expect(await moveJob(db, "no-such-job", "RUNNING")).toEqual({ moved: false, state: null });
  });

  it("throws on a move the table forbids, before writing", async () => {
    const id = await job("QUEUED");
    await expect(moveJob(db, id, "SUCCEEDED", { from: ["QUEUED"] })).rejects.toThrow(IllegalTransitionError);
    await expect(moveActivities(db, { jobId: id }, "SKIPPED", { from: ["RUNNING"] })).rejects.toThrow(
      /cannot move from RUNNING to SKIPPED/,
    );
    const j = await read(id);
    expect(j.state).toBe("QUEUED");
    expect(j.activities.map((a) => a.state)).toEqual(["QUEUED", "QUEUED"]);
  });

  it("moves activities only from the states the table allows, stamping times", async () => {
    const id = await job("RUNNING");
    expect(await moveActivities(db, { jobId: id }, "RUNNING", { data: { attempts: { increment: 1 } } })).toBe(
      2,
    );
    // A queued -> succeeded shortcut does not exist: nothing is RUNNING -> ... yet both are RUNNING now.
    expect(await moveActivities(db, { jobId: id }, "SKIPPED")).toBe(0);
    const a = (await read(id)).activities[0]!;
    expect(await moveActivities(db, { id: a.id }, "SUCCEEDED", { data: { rowsWritten: 7n } })).toBe(1);
    expect(await moveActivities(db, { id: a.id }, "FAILED")).toBe(0);
    const after = (await read(id)).activities;
    expect(after.map((x) => [x.state, x.attempts])).toEqual([
      ["SUCCEEDED", 1],
      ["RUNNING", 1],
    ]);
    expect(after[0]!.rowsWritten).toBe(7n);
    expect(after[0]!.finishedAt).not.toBeNull();
    expect(after[1]!.startedAt).not.toBeNull();
    expect(after[1]!.finishedAt).toBeNull();
  });

  it("a cancel racing a finish on running jobs ends each in exactly one final state", async () => {
    const ids = await Promise.all(Array.from({ length: 16 }, () => job("RUNNING", "RUNNING")));
    const results = await Promise.all(
      ids.map(async (id) => {
        const [finished, cancelled] = await Promise.all([
          db.$transaction((tx) => moveJob(tx, id, "SUCCEEDED", { from: ["RUNNING"] })),
          endJob(db, id, "CANCELLED", {
            from: ["RUNNING"],
            errorCode: "cancelled",
            error: "Cancelled.",
            skippedError: "Skipped: the job was cancelled.",
          }),
        ]);
        return { id, finished: finished.moved, cancelled: cancelled.moved };
      }),
    );
    for (const r of results) {
      expect(Number(r.finished) + Number(r.cancelled), r.id).toBe(1);
      const j = await read(r.id);
      expect(j.state).toBe(r.finished ? "SUCCEEDED" : "CANCELLED");
      // The loser wrote nothing: a finished job's activities are as the worker left them.
      expect(j.activities.map((a) => a.state)).toEqual(
        r.finished ? ["RUNNING", "QUEUED"] : ["CANCELLED", "SKIPPED"],
      );
      expect(j.errorCode).toBe(r.finished ? null : "cancelled");
      expect(j.finishedAt).not.toBeNull();
    }
  });

  it("a user's cancel racing the worker's start: the job either never starts or runs flagged", async () => {
    const ids = await Promise.all(Array.from({ length: 16 }, () => job("QUEUED")));
    const results = await Promise.all(
      ids.map(async (id, i) => {
        // The start is staggered by 0 to 80 ms so that both orders happen (the cancel takes three
        // statements, the start one).
        const [cancel, start] = await Promise.all([
          requestJobCancel(db, id),
          new Promise((r) => setTimeout(r, [0, 10, 40, 80][i % 4])).then(() =>
            moveJob(db, id, "RUNNING", { from: ["QUEUED", "RUNNING"], data: { startedAt: new Date() } }),
          ),
        ]);
        return { id, cancel, started: start.moved };
      }),
    );
    for (const r of results) {
      const j = await read(r.id);
      expect(j.cancelRequestedAt).not.toBeNull();
      if (r.started) {
        // Started first: the cancel only flagged it, the worker will end it.
        expect(r.cancel).toEqual({ outcome: "requested" });
        expect(j.state).toBe("RUNNING");
        expect(j.activities.map((a) => a.state)).toEqual(["QUEUED", "QUEUED"]);
      } else {
        expect(r.cancel).toEqual({ outcome: "cancelled" });
        expect(j.state).toBe("CANCELLED");
        expect(j.activities.map((a) => a.state)).toEqual(["SKIPPED", "SKIPPED"]);
      }
    }
  });

  it("a cancel is requested once, and refused on a finished job", async () => {
    const id = await job("RUNNING");
    expect(await requestJobCancel(db, id, new Date("2026-01-01T00:00:00Z"))).toEqual({
      outcome: "requested",
    });
    expect(await requestJobCancel(db, id, new Date("2026-02-01T00:00:00Z"))).toEqual({
      outcome: "requested",
    });
    expect((await read(id)).cancelRequestedAt?.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(await requestJobCancel(db, await job("SUCCEEDED"))).toEqual({
      outcome: "finished",
      state: "SUCCEEDED",
    });
    expect(await requestJobCancel(db, "no-such-job")).toEqual({ outcome: "not-found" });
  });

  it("a cancel the worker carried out before the request's own read is the request's, not a finished job", async () => {
    const id = await job("RUNNING", "RUNNING");
    // The worker learns of the flag by NOTIFY and ends the job: here, as soon as the flag is written.
    const workerEndsOnFlag = new Proxy(db, {
      get(target, prop) {
        if (prop !== "job") return Reflect.get(target, prop);
        return new Proxy(target.job, {
          get(jobs, name) {
            if (name !== "updateMany") return Reflect.get(jobs, name);
            return async (args: Parameters<typeof jobs.updateMany>[0]) => {
              const flagged = await jobs.updateMany(args);
              await endJob(db, id, "CANCELLED", {
                from: ["RUNNING"],
                errorCode: "cancelled",
                error: "Cancelled.",
                skippedError: "Skipped: the job was cancelled.",
              });
              return flagged;
            };
          },
        });
      },
    });
    expect(await requestJobCancel(workerEndsOnFlag, id)).toEqual({ outcome: "requested" });
    expect((await read(id)).state).toBe("CANCELLED");
    // Cancelled already, by an earlier request: this one is refused.
    expect(await requestJobCancel(db, id)).toEqual({ outcome: "finished", state: "CANCELLED" });
  });

  it("ending a job checks the caller's guard in the same transaction: a failing guard writes nothing", async () => {
    const id = await job("RUNNING", "RUNNING");
    await expect(
      endJob(db, id, "FAILED", {
        errorCode: "worker_lost",
        error: "lost",
        skippedError: "Skipped: the job failed.",
        before: async () => {
          throw new Error("not the owner");
        },
      }),
    ).rejects.toThrow("not the owner");
    const j = await read(id);
    expect(j.state).toBe("RUNNING");
    expect(j.activities.map((a) => a.state)).toEqual(["RUNNING", "QUEUED"]);
  });

  it("writes the job's last line with its end, and no line when the job had ended already", async () => {
    const id = await job("RUNNING", "RUNNING");
    const end = () =>
      endJob(db, id, "CANCELLED", {
        from: ["RUNNING"],
        errorCode: "cancelled",
        error: "Cancelled.",
        skippedError: "Skipped: the job was cancelled.",
        line: { level: "warn", message: "Job cancelled." },
      });
    const lines = async () =>
      (await db.jobLog.findMany({ where: { jobId: id }, select: { level: true, message: true } })).map(
        (l) => `${l.level} ${l.message}`,
      );
    expect((await end()).moved).toBe(true);
    expect(await lines()).toEqual(["warn Job cancelled."]);
    expect((await end()).moved).toBe(false);
    expect(await lines()).toEqual(["warn Job cancelled."]);
  });
});
