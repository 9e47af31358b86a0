import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, createJobChangeListener, type Db, type JobChangeListener } from "../src/index.ts";

// The job triggers (migration job_change_notify) and the process-wide LISTEN connection that wakes
// the studio's event streams: every kind of job write notifies the job's project, and a dropped
// connection comes back and says that changes may have been missed.
const databaseUrl = process.env.SOUS_TEST_DATABASE_URL ?? "";

describe.skipIf(!databaseUrl)("job change notifications", () => {
  let db: Db;
  let listener: JobChangeListener;
  const appName = `sous-test-${randomBytes(4).toString("hex")}`;
  let projectA: string;
  let projectB: string;
  const seenA: (string | null)[] = [];
  const seenB: (string | null)[] = [];

  beforeAll(async () => {
    db = createDb({ databaseUrl });
    const key = () => `JC${randomBytes(3).toString("hex").toUpperCase()}`;
    projectA = (await db.project.create({ data: { key: key(), name: "A" } })).id;
    projectB = (await db.project.create({ data: { key: key(), name: "B" } })).id;
    listener = createJobChangeListener({ databaseUrl, applicationName: appName, reconnectMs: 100 });
    listener.subscribe(projectA, (id) => seenA.push(id));
    listener.subscribe(projectB, (id) => seenB.push(id));
    for (let i = 0; i < 200 && !listener.listening; i++) await new Promise((r) => setTimeout(r, 50));
    if (!listener.listening) throw new Error("the listener did not connect within 10 s");
  });
  afterAll(async () => {
    await listener?.close();
    await db?.project.deleteMany({ where: { id: { in: [projectA, projectB] } } });
  });

  /** Waits for `jobId` to be notified to project A after `write`, and returns how often it was. */
  async function notifiedBy(jobId: string, write: () => Promise<unknown>): Promise<number> {
    seenA.length = 0;
    await write();
    await expect.poll(() => seenA.includes(jobId), { timeout: 10_000 }).toBe(true);
    return seenA.filter((id) => id === jobId).length;
  }

  it("notifies the job's project on every job, activity and log write, and no other project", async () => {
    seenB.length = 0;
    const job = await db.job.create({ data: { projectId: projectA, mode: "smart", targets: [] } });
    await expect.poll(() => seenA.includes(job.id), { timeout: 10_000 }).toBe(true);
    expect(
      await notifiedBy(job.id, () =>
        db.job.update({ where: { id: job.id }, data: { state: "RUNNING", startedAt: new Date() } }),
      ),
    ).toBe(1);
    const activity = { jobId: job.id, recipeId: "r", outputDatasetId: "d", engine: "local" };
    expect(
      await notifiedBy(job.id, () =>
        db.jobActivity.createMany({
          data: [0, 1, 2].map((position) => ({ ...activity, position })),
        }),
      ),
    ).toBe(1);
    expect(
      await notifiedBy(job.id, () =>
        db.jobActivity.updateMany({ where: { jobId: job.id }, data: { rowsWritten: 42n } }),
      ),
    ).toBe(1);
    // A batch of 200 log lines is one notification, not 200.
    expect(
      await notifiedBy(job.id, () =>
        db.jobLog.createMany({
          data: Array.from({ length: 200 }, (_, i) => ({
            jobId: job.id,
            level: "info",
            message: `line ${i}`,
          })),
        }),
      ),
    ).toBe(1);
    // Nothing of A reached B's subscriber.
    expect(seenB).toEqual([]);
  });

  it("comes back after its connection is killed, and tells subscribers they may have missed changes", async () => {
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      seenA.length = 0;
      const killed = await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
        [appName],
      );
      expect(killed.rowCount).toBe(1);
      await expect.poll(() => seenA.includes(null), { timeout: 15_000 }).toBe(true);
      expect(listener.listening).toBe(true);
      const job = await db.job.create({ data: { projectId: projectA, mode: "smart", targets: [] } });
      await expect.poll(() => seenA.includes(job.id), { timeout: 10_000 }).toBe(true);
    } finally {
      await admin.end();
    }
  });
});

describe("job change notifications on a database that does not deliver them", () => {
  it("leaves `listening` false behind the embedded PGlite's socket server, so streams keep polling", async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, "127.0.0.1", () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const lite = await PGlite.create();
    const server = new PGLiteSocketServer({ db: lite, port, host: "127.0.0.1", maxConnections: 8 } as never);
    await server.start();
    const errors: string[] = [];
    const listener = createJobChangeListener({
      databaseUrl: `postgresql://postgres@127.0.0.1:${port}/postgres`,
      probeMs: 1000,
      onError: (e) => errors.push(e.message),
    });
    try {
      listener.subscribe("p", () => {});
      await expect
        .poll(() => errors, { timeout: 15_000 })
        .toContainEqual(expect.stringMatching(/does not deliver/));
      expect(listener.listening).toBe(false);
    } finally {
      await listener.close();
      await server.stop();
      await lite.close();
    }
  });
});
