// bench/job-overhead.ts: the fixed cost of a build job (issue 18: "fixed overhead per job under
// 40 ms p50"), on a flow so small that the query itself costs next to nothing: a 1,000-row source
// -> filter -> top 10, built forced-recursive (one pipeline activity, one statement), `builds`
// times, one at a time, with the worker's own processor (apps/worker registerWorkers) against real
// Postgres, Redis and DuckDB, in this process.
//
// Per build, interleaved with it, the same statement the build ran (its recorded duckdbSql) runs
// on a bare warm DuckDB instance (same threads): the baseline. The machine this runs on is often
// shared and loaded, so only figures of the same run are compared; the load average is printed.
//   job      = enqueue -> the worker's processor returned (BullMQ "completed"): pickup, claim, DB
//              writes, compile, sandbox, query, publish, logs
//   overhead = job - bare statement, p50 and p95 over the builds
// and the p50 of each phase of the job's "Time spent" log line, to see where the overhead goes.
// Run: pnpm exec tsx bench/job-overhead.ts [--builds 20]   (Postgres at DATABASE_URL's server, a
// database of its own, dropped at the end; REDIS_URL defaults to redis://127.0.0.1:6379)
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { newId, type RecipeSpec } from "@sous/contracts";
import { createDb, type Prisma } from "@sous/db";
import { duckString, LocalEngine } from "@sous/engine-local";
import { createBuildQueue, createRedisConnection, enqueueBuild } from "@sous/queue";
import { createLocalStorage, datasetVersionPrefix } from "@sous/storage";
import pg from "pg";
import type { WorkerContext } from "../apps/worker/src/context.ts";
import { defaultBuildSettings } from "../apps/worker/src/jobs/build/settings.ts";
import { registerWorkers } from "../apps/worker/src/registry.ts";
import { planBuild } from "../packages/flow/src/index.ts";
import { insertJob, loadBuildGraph } from "../packages/server-domain/src/index.ts";
import { prepareDatabase } from "../scripts/lib/stack.ts";

const args = process.argv.slice(2);
const at = args.indexOf("--builds");
const BUILDS = at >= 0 ? Number(args[at + 1]) : 20;
const WARMUP = 3;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const ms = (n: number) => `${n.toFixed(1)} ms`;

const runId = randomBytes(3).toString("hex");
const adminUrl = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
adminUrl.pathname = "/postgres";
const dbName = `sous_bench_overhead_${runId}`;
const dbUrl = new URL(adminUrl);
dbUrl.pathname = `/${dbName}`;
await prepareDatabase(dbUrl.toString());
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const dataDir = path.join(tmpdir(), `sous-bench-overhead-${runId}`);
mkdirSync(dataDir, { recursive: true });
const ctx: WorkerContext = {
  db: createDb({ databaseUrl: dbUrl.toString() }),
  storage: createLocalStorage({ root: path.join(dataDir, "storage") }),
  engine: await LocalEngine.create({ allowedDirectories: [dataDir] }),
  dataDir,
};
const bare = await LocalEngine.create({ allowedDirectories: [dataDir] });
const prefix = `sous-bench-overhead-${runId}`;
const queue = createBuildQueue({ connection: createRedisConnection(redisUrl), prefix });
const workers = registerWorkers({
  ctx,
  connection: createRedisConnection(redisUrl),
  prefix,
  queue: { concurrency: 4, lockMs: 30_000, stalledIntervalMs: 15_000, maxStalledCount: 2 },
  build: defaultBuildSettings,
});
await Promise.all(workers.map((w) => w.waitUntilReady()));

try {
  // --- the flow: src (1,000 rows) -> filter -> top 10 ---
  const key = `O_${runId.toUpperCase()}`;
  const projectId = (await ctx.db.project.create({ data: { key, name: key } })).id;
  const src = await ctx.db.dataset.create({ data: { projectId, name: "src" } });
  const versionId = newId();
  const srcPrefix = datasetVersionPrefix({ projectId, datasetId: src.id, versionId });
  const staged = await ctx.storage.stage(srcPrefix);
  const n = await ctx.engine.runWrite(
    `COPY (SELECT i AS id, 'c' || (i % 50) AS customer, (i % 97) * 0.5 AS amount FROM range(1000) t(i)) TO ${duckString(path.join(staged.dir, "part-0.parquet"))} (FORMAT parquet)`,
  );
  const { schema } = await ctx.engine.describeParquet(staged.dir);
  await staged.commit();
  await ctx.db.datasetVersion.create({
    data: {
      id: versionId,
      datasetId: src.id,
      number: 1,
      prefix: srcPrefix,
      status: "PUBLISHED",
      schema,
      rowCount: BigInt(n),
    },
  });
  await ctx.db.dataset.update({ where: { id: src.id }, data: { currentVersionId: versionId, schema } });
  const recipe = async (name: string, spec: RecipeSpec, input: string) => {
    const out = await ctx.db.dataset.create({ data: { projectId, name: `${name}_out` } });
    await ctx.db.recipe.create({
      data: {
        projectId,
        name,
        kind: spec.kind,
        spec: spec as unknown as Prisma.InputJsonValue,
        io: {
          create: [
            { datasetId: input, role: "INPUT", position: 0 },
            { datasetId: out.id, role: "OUTPUT", position: 0 },
          ],
        },
      },
    });
    return out.id;
  };
  const filtered = await recipe(
    "big_amounts",
    {
      kind: "filter",
      version: 1,
      params: { filter: { combine: "and", rules: [{ column: "amount", op: "gt", value: 10 }] } },
    } as RecipeSpec,
    src.id,
  );
  const target = await recipe(
    "top_amounts",
    {
      kind: "topN",
      version: 1,
      params: {
        n: 10,
        orderBy: [
          { column: "amount", direction: "desc" },
          { column: "id", direction: "asc" },
        ],
      },
    } as RecipeSpec,
    filtered,
  );

  // --- one build: what POST /jobs does (plan, job row), then timed from the enqueue ---
  const done = new Map<string, () => void>();
  workers[0]!.on("completed", (job) => done.get(job.id ?? "")?.());
  workers[0]!.on("failed", (job, err) => {
    console.error(`job ${job?.id} failed: ${err.message}`);
    process.exitCode = 1;
  });
  const build = async () => {
    const r = planBuild({
      graph: await loadBuildGraph(ctx.db, projectId),
      targets: [target],
      mode: "forced-recursive",
      pipelines: true,
    });
    if (!r.ok) throw new Error(JSON.stringify(r));
    const job = await insertJob(ctx.db, { projectId, createdById: null, plan: r.plan, queuePrefix: prefix });
    const finished = new Promise<void>((resolve) => done.set(job.id, resolve));
    const t0 = performance.now();
    await enqueueBuild(queue, { jobId: job.id });
    await finished;
    const jobMs = performance.now() - t0;
    done.delete(job.id);
    const row = await ctx.db.job.findUniqueOrThrow({
      where: { id: job.id },
      select: { state: true, error: true, activities: { select: { duckdbSql: true } } },
    });
    if (row.state !== "SUCCEEDED") throw new Error(`job ${row.state}: ${row.error}`);
    const logs = await ctx.db.jobLog.findMany({ where: { jobId: job.id }, select: { message: true } });
    const spent = logs.map((l) => l.message).find((m) => m.startsWith("Time spent")) ?? "";
    return { jobMs, sql: row.activities[0]!.duckdbSql!, spent };
  };

  // The bare statement: the build's own COPY, to a folder of the bench's, on a warm instance.
  const bareDir = path.join(dataDir, "bare");
  mkdirSync(bareDir, { recursive: true });
  const runBare = async (sql: string) => {
    const own = sql.replace(
      /TO '[^']*'( \(FORMAT parquet[^)]*\))\s*$/,
      `TO ${duckString(path.join(bareDir, "out.parquet"))}$1`,
    );
    const t0 = performance.now();
    await bare.runWrite(own);
    return performance.now() - t0;
  };

  const load0 = loadavg();
  const jobs: number[] = [];
  const bares: number[] = [];
  const over: number[] = [];
  const phases = new Map<string, number[]>();
  for (let i = 0; i < WARMUP + BUILDS; i++) {
    const b = await build();
    const q = await runBare(b.sql);
    if (i < WARMUP) continue;
    jobs.push(b.jobMs);
    bares.push(q);
    over.push(b.jobMs - q);
    // "Time spent: total 61 ms; queue pickup 2 ms, compile 1.2 ms, ...": each phase's figure.
    for (const m of b.spent.replace(/^Time spent: /, "").matchAll(/(?:^|[;,] )([a-zA-Z +]+?) ([\d.]+) ms/g)) {
      const list = phases.get(m[1]!) ?? [];
      list.push(Number(m[2]));
      phases.set(m[1]!, list);
    }
  }
  const load1 = loadavg();
  console.log(
    `load average ${load0.map((x) => x.toFixed(1)).join(" ")} at the start, ${load1.map((x) => x.toFixed(1)).join(" ")} at the end (${(await import("node:os")).cpus().length} cores)`,
  );
  console.log(
    `where the job's time goes (p50 per phase of its "Time spent" line): ${[...phases]
      .map(([k, v]) => `${k} ${ms(pct(v, 50))}`)
      .join(", ")}`,
  );
  console.log(
    `job (enqueue -> processor done) p50 ${ms(pct(jobs, 50))}, p95 ${ms(pct(jobs, 95))}; bare DuckDB statement p50 ${ms(pct(bares, 50))}`,
  );
  console.log(
    `fixed overhead per job over ${BUILDS} builds of a 1,000-row filter -> top 10: p50 ${ms(pct(over, 50))}, p95 ${ms(pct(over, 95))} (goal p50 < 40 ms); job/bare p50 ${(pct(jobs, 50) / pct(bares, 50)).toFixed(1)}x`,
  );
} finally {
  await Promise.all(workers.map((w) => w.close()));
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  await ctx.db.$disconnect();
  ctx.engine.close();
  bare.close();
  rmSync(dataDir, { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(dbName)} WITH (FORCE)`);
  await admin.end();
}
process.exit(process.exitCode ?? 0);
