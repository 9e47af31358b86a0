// bench/slice.ts: the foundation's figures (issue 3).
//   1. enqueue -> worker start latency of build jobs, p50/p95 over 200 jobs (real Redis, BullMQ)
//   2. the slice on a 1M-row CSV (import to Parquet + compiled GROUP BY written as a new version)
//      next to raw DuckDB running the same GROUP BY on the same file, in the same process.
// Run: pnpm exec tsx bench/slice.ts   (REDIS_URL defaults to redis://127.0.0.1:6379)
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { compileRecipe, renderWriteParquet } from "@sous/compiler";
import { QueueName, type RecipeSpec } from "@sous/contracts";
import { duckString, importCsvToParquet, LocalEngine } from "@sous/engine-local";
import { createBuildQueue, createRedisConnection, enqueueBuild } from "@sous/queue";
import { createLocalStorage } from "@sous/storage";
import { Worker } from "bullmq";
import { ms, pct } from "./lib/bench-setup.ts";

async function queueLatency(n: number) {
  const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const prefix = `sous-bench-${randomBytes(4).toString("hex")}`;
  const conn = createRedisConnection(url);
  const queue = createBuildQueue({ connection: conn, prefix });
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let resolveAll: () => void = () => {};
  const all = new Promise<void>((r) => {
    resolveAll = r;
  });
  const worker = new Worker(
    QueueName.build,
    async (job) => {
      latencies.push(performance.now() - (sentAt.get(job.data.jobId) ?? Number.NaN));
      if (latencies.length === n) resolveAll();
    },
    { connection: createRedisConnection(url), prefix, concurrency: 1 },
  );
  await worker.waitUntilReady();
  for (let i = 0; i < n; i++) {
    const jobId = `bench-${i}`;
    sentAt.set(jobId, performance.now());
    await enqueueBuild(queue, { jobId });
    // One at a time, as users submit builds: measure pickup latency, not backlog drain.
    while (latencies.length <= i) await new Promise((r) => setImmediate(r));
  }
  await all;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return { p50: pct(latencies, 50), p95: pct(latencies, 95) };
}

async function writeCsv(file: string, rows: number) {
  const out = createWriteStream(file);
  out.write("customer,amount,day\n");
  let buf = "";
  for (let i = 0; i < rows; i++) {
    buf += `c${(i * 7919) % 50_000},${((i * 37) % 10_000) / 100},2024-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once("drain", () => r()));
      buf = "";
    }
  }
  out.end(buf);
  await new Promise<void>((r) => out.once("finish", () => r()));
}

async function slice(rows: number) {
  const dir = path.join(tmpdir(), `sous-bench-${randomBytes(4).toString("hex")}`);
  mkdirSync(dir, { recursive: true });
  const csv = path.join(dir, "orders.csv");
  await writeCsv(csv, rows);
  const engine = await LocalEngine.create({ allowedDirectories: [dir] });
  const storage = createLocalStorage({ root: path.join(dir, "storage") });
  const spec: RecipeSpec = {
    kind: "group",
    version: 1,
    params: {
      keys: ["customer"],
      aggregations: [{ column: "amount", fn: "sum", as: "total" }],
      globalCount: true,
    },
  };

  const runSous = async (i: number | string) => {
    const t0 = performance.now();
    const input = await storage.stage(`bench/in-${i}/`);
    const imported = await importCsvToParquet(engine, { file: csv, outDir: input.dir });
    await input.commit();
    const t1 = performance.now();
    const output = await storage.stage(`bench/out-${i}/`);
    const compiled = compileRecipe({
      spec,
      dialect: "duckdb",
      inputs: [{ name: "orders", schema: imported.schema, location: { format: "parquet", path: input.dir } }],
    });
    const written = await engine.runWrite(
      renderWriteParquet({ selectSql: compiled.sql, path: output.dir, dialect: "duckdb" }),
    );
    await output.commit();
    const t2 = performance.now();
    return { elapsed: t2 - t0, build: t2 - t1, written };
  };
  const runRaw = async (i: number | string) => {
    const t0 = performance.now();
    await engine.withConnection((c) =>
      c.run(
        `COPY (SELECT customer, count(*) AS count, sum(amount) AS total FROM read_csv(${duckString(csv)}) GROUP BY customer) TO ${duckString(path.join(dir, `raw-${i}.parquet`))} (FORMAT parquet)`,
      ),
    );
    return performance.now() - t0;
  };

  await runRaw("warm"); // warm up both paths (file cache, DuckDB)
  await runSous("warm");
  const sous: number[] = [];
  const build: number[] = [];
  const raw: number[] = [];
  let written = 0;
  for (let i = 0; i < 5; i++) {
    raw.push(await runRaw(i));
    const r = await runSous(i);
    sous.push(r.elapsed);
    build.push(r.build);
    written = r.written;
  }
  engine.close();
  rmSync(dir, { recursive: true, force: true });
  return { sous: pct(sous, 50), build: pct(build, 50), raw: pct(raw, 50), written };
}

const q = await queueLatency(200);
console.log(`enqueue -> worker start over 200 jobs: p50 ${ms(q.p50)}, p95 ${ms(q.p95)}  (goal p50 < 20 ms)`);
const s = await slice(1_000_000);
console.log(
  `1M-row CSV slice (import to Parquet + group + write version): median ${ms(s.sous)}; raw DuckDB GROUP BY on the CSV: median ${ms(s.raw)}; ratio ${(s.sous / s.raw).toFixed(2)}x (goal <= 1.3x); ${s.written} groups`,
);
console.log(
  `  of which the build (group on the imported Parquet + write version): median ${ms(s.build)}; ratio to raw ${(s.build / s.raw).toFixed(2)}x`,
);
process.exit(0);
