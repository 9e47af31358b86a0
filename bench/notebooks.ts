// bench/notebooks.ts: what a notebook cell run costs over running the same SQL directly on DuckDB
// (issue #17: under 30 ms p50).
//   1. uploads two generated datasets (orders, customers) to a studio through the REST API and
//      creates a notebook;
//   2. for three cells (a grouped join, the first 1,000 rows, a filter returning more than the
//      10,000 rows a run returns), interleaved `reps` times: the cell through the API (POST .../run,
//      timed by this client: HTTP, auth, the compiler's check and translation, the sandbox, the
//      query, the stored result, JSON) and the SAME translated DuckDB SQL on a raw DuckDB instance in
//      this process (same threads as the studio's engine) over the same stored Parquet, reading
//      every row it returns;
//   3. prints each cell's medians and the overhead (cell - raw, paired per repetition).
// Run: npm run bench:notebooks -- [--reps 30]
// It uses the test stack named by SOUS_TEST_STUDIO_URL, SOUS_TEST_STACK_DATA_DIR and
// SOUS_TEST_ADMIN_EMAIL/PASSWORD (`source .test-data/stack-<name>/env.sh` after
// `pnpm exec tsx scripts/test-stack.ts <name>`); without them it starts a studio of its own
// (apps/studio/.next-bench, built when missing) on a database of its own, dropped at the end.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { compileRecipe } from "@sous/compiler";
import { datasetVersionPrefix } from "@sous/storage";
import pg from "pg";
import { freePort } from "../scripts/lib/net.ts";
import { buildStudio, prepareDatabase, repoRoot, startStack } from "../scripts/lib/stack.ts";
import { studioApi } from "./lib/bench-setup.ts";

const args = process.argv.slice(2);
const repsAt = args.indexOf("--reps");
const REPS = repsAt >= 0 ? Number(args[repsAt + 1]) : 30;
const THREADS = 2; // the studio's LocalEngine default
const ORDERS = 60_000;

const duckdb: typeof import("../packages/engine-local/node_modules/@duckdb/node-api") = await import(
  createRequire(path.join(repoRoot, "packages/engine-local/package.json")).resolve("@duckdb/node-api")
);

const runId = randomBytes(3).toString("hex");
/** Set when the bench started a studio of its own: stops it and drops its database. */
const owned: { cleanup?: () => Promise<void> } = {};

async function studio(): Promise<{ base: string; dataDir: string; email: string; password: string }> {
  const url = process.env.SOUS_TEST_STUDIO_URL;
  const dataDir = process.env.SOUS_TEST_STACK_DATA_DIR;
  if (url && dataDir) {
    return {
      base: `${url}/api/v1`,
      dataDir,
      email: process.env.SOUS_TEST_ADMIN_EMAIL ?? "",
      password: process.env.SOUS_TEST_ADMIN_PASSWORD ?? "",
    };
  }
  const dbName = `sous_bench_notebooks_${runId}`;
  const adminUrl =
    process.env.SOUS_BENCH_ADMIN_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${dbName}`;
  const own = path.join(repoRoot, ".test-data", `bench-notebooks-${runId}`);
  mkdirSync(own, { recursive: true });
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(dbName)}`);
  await admin.end();
  await prepareDatabase(databaseUrl.toString());
  const distDir = process.env.SOUS_BENCH_NEXT_DIST_DIR ?? ".next-bench";
  if (!existsSync(path.join(repoRoot, "apps/studio", distDir, "BUILD_ID"))) buildStudio(distDir);
  const stackOptions = {
    apiNodePort: await freePort(),
    env: {
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      SOUS_QUEUE_PREFIX: `sous-bench-notebooks-${runId}`,
      SOUS_DATA_DIR: own,
      SOUS_SECRET_KEY: randomBytes(32).toString("base64"),
      SOUS_SEED_DEMO: "0",
      SOUS_DEMO_DATABRICKS: "0",
    },
    port: await freePort(),
    distDir,
    quiet: true,
    log: () => {},
  };
  const stack = await startStack(stackOptions);
  const creds = { email: "bench@sous.test", name: "Bench", password: randomBytes(12).toString("base64url") };
  await fetch(`${stack.url}/api/v1/auth/setup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(creds),
  });
  owned.cleanup = async () => {
    await stack.stop();
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(dbName)} WITH (FORCE)`);
    await c.end();
    rmSync(own, { recursive: true, force: true });
  };
  return { base: `${stack.url}/api/v1`, dataDir: own, email: creds.email, password: creds.password };
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
};

try {
  const { base, dataDir, email, password } = await studio();
  const api = await studioApi(base, email, password);

  const projectId: string = (
    await api("/projects", { method: "POST", json: { key: `NBB_${runId}`, name: "Bench" } })
  ).id;
  const orders = ["order_id,customer_id,amount,status"];
  for (let i = 1; i <= ORDERS; i++)
    orders.push(`${i},${i % 1000},${(i * 37) % 500},${i % 3 ? "open" : "done"}`);
  const customers = ["customer_id,region"];
  for (let c = 0; c < 1000; c++) customers.push(`${c},r${c % 7}`);
  const stored = new Map<string, { dir: string; schema: unknown }>();
  for (const [name, lines] of [
    ["orders", orders],
    ["customers", customers],
  ] as const) {
    const d = await api(`/projects/${projectId}/datasets?name=${name}`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: `${lines.join("\n")}\n`,
    });
    const info = await api(`/projects/${projectId}/datasets/${d.id}`);
    const prefix = datasetVersionPrefix({ projectId, datasetId: d.id, versionId: info.currentVersion.id });
    stored.set(name, { dir: path.join(dataDir, "storage", prefix), schema: info.schema });
  }
  const notebook = await api(`/projects/${projectId}/notebooks`, { method: "POST", json: { name: "bench" } });
  const cells: [string, string][] = [
    [
      "grouped join",
      "SELECT c.region, count(*) AS n, sum(o.amount) AS total\nFROM orders o JOIN customers c ON o.customer_id = c.customer_id\nGROUP BY c.region ORDER BY c.region",
    ],
    ["first 1,000 rows", "SELECT * FROM orders ORDER BY order_id LIMIT 1000"],
    [
      "filter, 20k rows (10k returned)",
      "SELECT order_id, amount FROM orders WHERE status = 'open' AND amount < 300",
    ],
  ];

  const instance = await duckdb.DuckDBInstance.create(":memory:", { threads: String(THREADS) });
  const raw = await instance.connect();
  const rawSql = (sql: string) =>
    compileRecipe({
      spec: { kind: "sql", version: 1, params: { sql } },
      dialect: "duckdb",
      inputs: [...stored].map(([name, s]) => ({
        name,
        schema: s.schema as never,
        location: { format: "parquet", path: s.dir },
      })),
    }).sql;

  const overheads: number[] = [];
  console.log(
    `notebooks bench: ${ORDERS} orders, ${REPS} repetitions per cell, raw DuckDB with ${THREADS} threads`,
  );
  for (const [label, sql] of cells) {
    const duck = rawSql(sql);
    const cellMs: number[] = [];
    const rawMs: number[] = [];
    let rows = 0;
    // One warm-up of each (the first sandbox, the first Parquet read).
    await api(`/projects/${projectId}/notebooks/${notebook.id}/cells/bench/run`, {
      method: "POST",
      json: { sql },
    });
    await (await raw.runAndReadAll(duck)).getRowsJson();
    for (let r = 0; r < REPS; r++) {
      const t0 = performance.now();
      const res = await api(`/projects/${projectId}/notebooks/${notebook.id}/cells/bench/run`, {
        method: "POST",
        json: { sql },
      });
      cellMs.push(performance.now() - t0);
      rows = res.rowCount;
      const t1 = performance.now();
      await (await raw.runAndReadAll(duck)).getRowsJson();
      rawMs.push(performance.now() - t1);
      overheads.push(cellMs.at(-1)! - rawMs.at(-1)!);
    }
    console.log(
      `  ${label.padEnd(34)} ${String(rows).padStart(6)} rows: cell p50 ${quantile(cellMs, 0.5).toFixed(1)} ms, raw DuckDB p50 ${quantile(rawMs, 0.5).toFixed(1)} ms`,
    );
  }
  raw.closeSync();
  instance.closeSync();
  console.log(
    `notebooks: cell overhead p50 ${quantile(overheads, 0.5).toFixed(1)} ms, p95 ${quantile(overheads, 0.95).toFixed(1)} ms over raw DuckDB`,
  );
} finally {
  await owned.cleanup?.();
}
