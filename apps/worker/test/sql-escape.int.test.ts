// The escape corpus through real builds: an attacker's project holds one SQL recipe per escape
// attempt (written straight into Postgres, as if the API had let it through), and the worker
// builds them all, locally (DuckDB) and on the Databricks emulator. A victim project's dataset
// must not appear in any output, log or statement sent to the cluster, and must not change.
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import { createSecretBox } from "@sous/config";
import type { RecipeSpec } from "@sous/contracts";
import { connectionSecretContext, createClusterLoad } from "@sous/databricks";
import {
  type DatabricksEmulator,
  queryLocalDuckDb,
  startDatabricksEmulator,
} from "@sous/databricks-emulator";
import type { BuildQueue } from "@sous/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EscapeTargets, SQL_ESCAPES } from "../../../packages/compiler/test/sql-escape-corpus.ts";
import type { WorkerContext } from "../src/context.ts";
import {
  addDatabricksConnection,
  addRecipe,
  addSource,
  closeTestContext,
  createProject,
  createTestContext,
  hasServices,
  startTestWorkers,
  submitBuild,
  type TestWorkers,
  waitForJobRow,
} from "./fixture.ts";

const MARKER = "victim-salary-93ad";
const TOKEN = `dapi${randomBytes(12).toString("hex")}`;

describe.skipIf(!hasServices)("the SQL escape corpus through builds (local and Databricks emulator)", () => {
  let ctx: WorkerContext & { dataDir: string };
  let queue: BuildQueue;
  let workers: TestWorkers | undefined;
  let emu: DatabricksEmulator;
  let targets: EscapeTargets;
  const prefix = `sous-wescape-${randomBytes(4).toString("hex")}`;
  const connectionId = `dbxescape${randomBytes(6).toString("hex")}`;
  let profileId = "";

  beforeAll(async () => {
    ctx = await createTestContext("escape");
    ctx.remote = {
      secretBox: createSecretBox(randomBytes(32).toString("base64")),
      load: createClusterLoad(),
    };
    const storageRoot = path.join(ctx.dataDir, "storage");
    emu = await startDatabricksEmulator({ token: TOKEN, mounts: { "dbfs:/mnt/sous": storageRoot } });
    ({ profileId } = await addDatabricksConnection(ctx.db, {
      id: connectionId,
      workspaceUrl: emu.url,
      secret: ctx.remote.secretBox.seal(
        JSON.stringify({ token: TOKEN }),
        connectionSecretContext(connectionId),
      ),
      tokenLast4: TOKEN.slice(-4),
    }));

    const victimProject = await createProject(ctx.db, "VIC");
    const victimId = await addSource(ctx, victimProject, "salaries", `'${MARKER}' AS secret, i AS n`, 5);
    const victim = await ctx.db.dataset.findUniqueOrThrow({
      where: { id: victimId },
      include: { currentVersion: true },
    });
    const victimDir = path.join(storageRoot, victim.currentVersion!.prefix);
    targets = {
      input: "orders",
      victimName: "salaries",
      victimFile: path.join(victimDir, readdirSync(victimDir).find((f) => f.endsWith(".parquet"))!),
      victimDir,
      victimGlob: `${storageRoot}/projects/*/datasets/*/versions/*/*.parquet`,
      storageRoot,
      clusterDir: `dbfs:/mnt/sous/${victim.currentVersion!.prefix}`,
    };

    workers = startTestWorkers(ctx, {
      prefix,
      concurrency: 2,
      build: { parallelism: 2, activityTimeoutMs: 60_000, cancelPollMs: 100 },
    });
    queue = workers.queue;
  });

  afterAll(async () => {
    await workers?.close();
    await ctx?.db.connection.deleteMany({ where: { id: connectionId } });
    await emu?.stop();
    await closeTestContext(ctx);
  });

  it.each([
    ["locally", false],
    ["on Databricks", true],
  ] as const)(
    "0 of the corpus get through a build %s",
    async (_label, remote) => {
      const projectId = await createProject(ctx.db, remote ? "ATD" : "ATL");
      if (remote)
        await ctx.db.project.update({
          where: { id: projectId },
          data: { engine: { kind: "databricks", connectionId, profileId } },
        });
      const orders = await addSource(ctx, projectId, "orders", "i AS id", 3);
      const victimFiles = readdirSync(targets.victimDir);
      const sentBefore = emu.statements.length;
      const outputs: string[] = [];
      // A NUL character cannot be stored (the API refuses it with a 400: the studio's test says so).
      const storable = SQL_ESCAPES.filter((a) => !a.sql(targets).includes("\u0000"));
      for (const [i, attempt] of storable.entries()) {
        const spec = { kind: "sql", version: 1, params: { sql: attempt.sql(targets) } } as RecipeSpec;
        const r = await addRecipe(ctx.db, projectId, {
          name: `escape_${i}`,
          spec,
          inputs: [orders],
          output: `out_${i}`,
        });
        outputs.push(r.outputId);
      }
      const { jobId, activities } = await submitBuild(ctx.db, queue, projectId, outputs, "build-only-this");
      expect(activities).toBe(storable.length);
      const job = await waitForJobRow(ctx.db, jobId, 240_000);
      expect(job.activities.filter((a) => a.state === "SUCCEEDED").length).toBeLessThan(storable.length);

      // What was written, logged, recorded or sent never holds the victim's data or paths.
      for (const a of job.activities) {
        const out = await ctx.db.dataset.findUniqueOrThrow({
          where: { id: a.outputDatasetId },
          include: { currentVersion: true },
        });
        if (!out.currentVersion) continue;
        const version = await ctx.storage.acquire(out.currentVersion.prefix);
        const rows = await queryLocalDuckDb(`SELECT * FROM read_parquet('${version.dir}/*.parquet')`).finally(
          () => version.release(),
        );
        expect(JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(
          MARKER,
        );
      }
      const logs = await ctx.db.jobLog.findMany({ where: { jobId } });
      expect(logs.map((l) => l.message).join("\n")).not.toContain(MARKER);
      const sent = emu.statements.slice(sentBefore);
      for (const s of sent) expect(s).not.toContain(targets.clusterDir);
      if (!remote) expect(sent).toEqual([]);
      expect(readdirSync(targets.victimDir)).toEqual(victimFiles);
    },
    300_000,
  );
});
