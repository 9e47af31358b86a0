// The remote path's unhappy cases, run by a REAL worker process (apps/worker/src/main.ts) whose
// stdout and stderr are captured: a SQL error the cluster reports, a cancel that lands while the
// statement runs, per-user tokens (missing, then stored), and a token sealed under an old
// SOUS_SECRET_KEY. At the end, no token appears in the worker's console output, the job rows,
// the activities or the log lines.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { createSecretBox } from "@sous/config";
import type { RecipeSpec } from "@sous/contracts";
import { connectionSecretContext, userTokenContext } from "@sous/databricks";
import { type DatabricksEmulator, startDatabricksEmulator } from "@sous/databricks-emulator";
import { type BuildQueue, createBuildQueue, createRedisConnection, enqueueBuild } from "@sous/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Proc, spawnWorker, stop } from "../../../scripts/lib/test-processes.ts";
import type { WorkerContext } from "../src/context.ts";
import {
  addDatabricksConnection,
  addRecipe,
  addSource,
  closeTestContext,
  createProject,
  createTestContext,
  databaseUrl,
  hasServices,
  redisUrl,
  selfCross,
  submitBuild,
  waitFor,
  waitForJobRow,
} from "./fixture.ts";

const TOKEN = `dapi${randomBytes(12).toString("hex")}`; // the only token the emulator accepts
const WRONG_SERVICE_TOKEN = `dapi${randomBytes(12).toString("hex")}`;
const KEY = randomBytes(32).toString("base64"); // the worker's SOUS_SECRET_KEY
const OLD_KEY = randomBytes(32).toString("base64"); // a key the worker no longer has
const SECRETS = [TOKEN, WRONG_SERVICE_TOKEN];

const sync = { kind: "sync", version: 1, params: {} } as RecipeSpec;

// The first run starts the emulator's cluster (its Spark): tens of seconds on a busy machine.
describe.skipIf(!hasServices)(
  "remote runs: failure, cancel, per-user tokens, rotated key",
  { timeout: 200_000 },
  () => {
    let ctx: WorkerContext & { dataDir: string };
    let queue: BuildQueue;
    let emu: DatabricksEmulator;
    let worker: Proc | undefined;
    const prefix = `sous-wpaths-${randomBytes(4).toString("hex")}`;
    const connection = createRedisConnection(redisUrl);
    const box = createSecretBox(KEY);
    const tag = randomBytes(5).toString("hex");
    const ids = {
      service: `dbxsvc${tag}`,
      perUser: `dbxusr${tag}`,
      oldKey: `dbxold${tag}`,
    };
    const profiles: Record<string, string> = {};
    let userId = "";

    async function addConnection(
      id: string,
      o: { isolation: "service" | "per-user"; secret: string | null; last4: string | null },
    ) {
      const c = await addDatabricksConnection(ctx.db, {
        id,
        workspaceUrl: emu.url,
        secret: o.secret,
        tokenLast4: o.last4,
        isolation: o.isolation,
      });
      profiles[id] = c.profileId;
    }

    beforeAll(async () => {
      ctx = await createTestContext("rpaths");
      emu = await startDatabricksEmulator({
        token: TOKEN,
        mounts: { "dbfs:/mnt/sous": path.join(ctx.dataDir, "storage") },
      });
      await addConnection(ids.service, {
        isolation: "service",
        secret: box.seal(JSON.stringify({ token: TOKEN }), connectionSecretContext(ids.service)),
        last4: TOKEN.slice(-4),
      });
      // Per-user: the service token is one the workspace rejects, so a success proves the user's ran.
      await addConnection(ids.perUser, {
        isolation: "per-user",
        secret: box.seal(
          JSON.stringify({ token: WRONG_SERVICE_TOKEN }),
          connectionSecretContext(ids.perUser),
        ),
        last4: WRONG_SERVICE_TOKEN.slice(-4),
      });
      await addConnection(ids.oldKey, {
        isolation: "service",
        secret: createSecretBox(OLD_KEY).seal(
          JSON.stringify({ token: TOKEN }),
          connectionSecretContext(ids.oldKey),
        ),
        last4: TOKEN.slice(-4),
      });
      const user = await ctx.db.user.create({
        data: { email: `analyst-${tag}@sous.test`, name: `Analyst ${tag}`, passwordHash: "x" },
      });
      userId = user.id;
      queue = createBuildQueue({ connection, prefix });
      worker = await spawnWorker({
        DATABASE_URL: databaseUrl,
        REDIS_URL: redisUrl,
        SOUS_QUEUE_PREFIX: prefix,
        SOUS_DATA_DIR: ctx.dataDir,
        SOUS_STORAGE: "local",
        SOUS_SECRET_KEY: KEY,
        SOUS_WORKER_CONCURRENCY: "2",
        SOUS_SEED_DEMO: "0",
      });
    }, 90_000);

    afterAll(async () => {
      await stop(worker);
      await queue?.obliterate({ force: true }).catch(() => {});
      await queue?.close();
      connection.disconnect();
      if (ctx) {
        await ctx.db.connection.deleteMany({ where: { id: { in: Object.values(ids) } } });
        await ctx.db.user.deleteMany({ where: { id: userId } }).catch(() => {});
        await closeTestContext(ctx);
      }
      await emu?.stop();
    });

    /** orders -> <recipe> on a connection's profile, built by the worker process as `userId`. */
    async function build(
      connectionId: string,
      spec: RecipeSpec,
      name: string,
      o: { rows?: number; selfJoin?: boolean; drift?: (versionId: string) => Promise<void> } = {},
    ) {
      const projectId = await createProject(ctx.db, "RP");
      await ctx.db.project.update({
        where: { id: projectId },
        data: { engine: { kind: "databricks", connectionId, profileId: profiles[connectionId]! } },
      });
      const orders = await addSource(
        ctx,
        projectId,
        "orders",
        "CAST(i AS INTEGER) AS id, CAST(i % 13 AS INTEGER) AS qty",
        o.rows ?? 200,
      );
      if (o.drift) {
        const d = await ctx.db.dataset.findUniqueOrThrow({ where: { id: orders } });
        await o.drift(d.currentVersionId!);
      }
      const r = await addRecipe(ctx.db, projectId, {
        name,
        spec,
        inputs: o.selfJoin ? [orders, orders] : [orders],
        output: `${name}_out`,
      });
      // Created as the analyst, then enqueued: the job runs under the token of whoever started it.
      const { jobId } = await submitBuild(ctx.db, null, projectId, [r.outputId], "build-only-this", {
        prefix,
      });
      await ctx.db.job.update({ where: { id: jobId }, data: { createdById: userId } });
      await enqueueBuild(queue, { jobId });
      return { jobId, outputId: r.outputId, projectId };
    }

    async function logsOf(jobId: string) {
      const logs = await ctx.db.jobLog.findMany({ where: { jobId }, orderBy: { id: "asc" } });
      return logs.map((l) => l.message).join("\n");
    }

    async function noOutput(outputId: string) {
      const out = await ctx.db.dataset.findUniqueOrThrow({
        where: { id: outputId },
        include: { versions: true },
      });
      expect(out.currentVersionId).toBeNull();
      expect(out.versions).toEqual([]);
      const files = await ctx.storage.list(`projects/${out.projectId}/datasets/${outputId}`).catch(() => []);
      expect(files).toEqual([]);
    }

    it("a SQL error on the cluster fails the job with a message naming the recipe; nothing is published", async () => {
      // The files under the mount no longer have the column the recipe was designed on (someone
      // rewrote them): the statement compiles, and the cluster rejects it.
      const drifted = {
        kind: "filter",
        version: 1,
        params: { filter: { combine: "and", rules: [{ column: "discount", op: "gt", value: 0 }] } },
      } as RecipeSpec;
      const { jobId, outputId } = await build(ids.service, drifted, "bad_query", {
        drift: async (versionId) => {
          const v = await ctx.db.datasetVersion.findUniqueOrThrow({ where: { id: versionId } });
          const columns = v.schema as { name: string; type: string }[];
          await ctx.db.datasetVersion.update({
            where: { id: versionId },
            data: { schema: [...columns, { name: "discount", type: "integer" }] },
          });
        },
      });
      const job = await waitForJobRow(ctx.db, jobId, 180_000);
      const logs = await logsOf(jobId);
      expect(job.state, `${job.error}\n${logs}`).toBe("FAILED");
      expect(job.error).toMatch(/^Recipe bad_query failed on Databricks: /);
      expect(job.error).toMatch(/discount/);
      expect(job.activities[0]?.state).toBe("FAILED");
      expect(job.activities[0]?.error).toBe(job.error);
      expect(logs).toMatch(/Recipe bad_query failed on Databricks/);
      // Not retried: a SQL error is the user's to fix.
      expect(job.activities[0]?.attempts).toBe(1);
      await noOutput(outputId);
    });

    it("cancel during the statement cancels it on the cluster, publishes nothing and ends CANCELLED", async () => {
      const before = emu.statements.length;
      const { jobId, outputId } = await build(ids.service, selfCross, "slow_cross", {
        rows: 8000,
        selfJoin: true,
      });
      const clusterId = await waitFor(
        "the statement to run on the cluster",
        async () => {
          const act = await ctx.db.jobActivity.findFirst({ where: { jobId } });
          const id = (act?.remote as { clusterId?: string } | null)?.clusterId;
          return id && emu.activeStatements(id) > 0 ? id : null;
        },
        60_000,
      );
      expect(emu.statements.slice(before).some((s) => /INSERT OVERWRITE DIRECTORY/i.test(s))).toBe(true);
      // What POST /projects/:id/jobs/:jobId/cancel does for a RUNNING job (studio cancelJob).
      const requestedAt = Date.now();
      await ctx.db.job.update({ where: { id: jobId }, data: { cancelRequestedAt: new Date() } });
      await ctx.db.jobLog.create({ data: { jobId, level: "warn", message: "Cancel requested by Analyst." } });
      const job = await waitForJobRow(ctx.db, jobId, 30_000);
      const cancelMs = Date.now() - requestedAt;
      expect(job.state, `${job.error}\n${await logsOf(jobId)}`).toBe("CANCELLED");
      expect(job.activities[0]?.state).toBe("CANCELLED");
      expect(cancelMs).toBeLessThan(10_000);
      expect(emu.cancelled.some((s) => /INSERT OVERWRITE DIRECTORY/i.test(s) && /CROSS JOIN/i.test(s))).toBe(
        true,
      );
      await waitFor("the cluster to be idle", async () => emu.activeStatements(clusterId) === 0, 10_000);
      await noOutput(outputId);
      console.log(`[remote-paths] cancel to CANCELLED: ${cancelMs} ms`);
    });

    it("per-user mode: a user without a token gets a clear message; with one, the job runs under it", async () => {
      const first = await build(ids.perUser, sync, "copy_mine");
      const failed = await waitForJobRow(ctx.db, first.jobId, 180_000);
      expect(failed.state).toBe("FAILED");
      expect(failed.error).toMatch(
        /runs jobs under each user's own token, and you have not stored one.*Account page/,
      );
      expect(failed.error).toContain(ids.perUser);
      expect(failed.activities[0]?.attempts).toBe(1);

      await ctx.db.userConnectionSecret.create({
        data: {
          userId,
          connectionId: ids.perUser,
          secret: box.seal(TOKEN, userTokenContext(ids.perUser, userId)),
          last4: TOKEN.slice(-4),
        },
      });
      const second = await build(ids.perUser, sync, "copy_mine");
      const ok = await waitForJobRow(ctx.db, second.jobId, 180_000);
      expect(ok.state, `${ok.error}\n${await logsOf(second.jobId)}`).toBe("SUCCEEDED");
      const out = await ctx.db.dataset.findUniqueOrThrow({ where: { id: second.outputId } });
      expect(out.currentVersionId).not.toBeNull();
    });

    it("a token sealed under a previous SOUS_SECRET_KEY fails the job with 're-enter it', not a crash", async () => {
      const { jobId, outputId } = await build(ids.oldKey, sync, "copy_old");
      const job = await waitForJobRow(ctx.db, jobId, 180_000);
      expect(job.state).toBe("FAILED");
      expect(job.error).toMatch(
        /set, but unreadable with the current key \(SOUS_SECRET_KEY changed\): re-enter it/,
      );
      expect(job.error).toContain(ids.oldKey);
      expect(job.activities[0]?.attempts).toBe(1);
      await noOutput(outputId);
    });

    it("no token appears in the worker's stdout/stderr, the job rows, activities or log lines", async () => {
      const jobs = await ctx.db.job.findMany({
        where: { createdById: userId },
        include: { activities: true, logs: true },
      });
      expect(jobs.length).toBeGreaterThanOrEqual(5);
      const dump = JSON.stringify(jobs, (_k, v) => (typeof v === "bigint" ? String(v) : v));
      const console = worker?.output() ?? "";
      expect(console).toMatch(/\[worker\] ready/);
      for (const secret of SECRETS) {
        expect(dump).not.toContain(secret);
        expect(console).not.toContain(secret);
        expect(dump).not.toContain(secret.slice(4)); // not even without its prefix
      }
    });
  },
);
