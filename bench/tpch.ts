// bench/tpch.ts: builds of TPC-H-shaped flows next to raw DuckDB (issue 18).
//   1. generates TPC-H-shaped tables at scale factor `sf` with DuckDB (nation, customer, orders,
//      lineitem: the columns, key relations, value ranges and row counts of TPC-H; values from a
//      hash, so a scale always gives the same rows; no downloaded data, no extension)
//   2. starts a studio + worker (scripts/lib/stack.ts) on a database of its own, uploads each
//      table as Parquet through the REST API and builds four flows of visual recipes on them:
//        q1  filter -> group (pricing summary)
//        q3  3-way join of filtered inputs -> group -> top 10
//        q10 4-way join -> group -> top 20
//        q18 group -> post-filter (sum > 300) -> joined back to orders, customer, lineitem -> group -> top 100
//   3. runs each build (forced-recursive: every recipe, one statement) and the equivalent hand-written
//      SQL on a raw DuckDB instance (same threads as the worker) over the same stored Parquet, writing
//      Parquet too, interleaved, `reps` times; compares the minimums.
// The build's time is the job's own (queued -> finished, the studio's timestamps); the wall time
// (POST -> the client gets the job's end event over SSE) is printed next to it. Per query it
// prints where the fastest build spent its time (the worker's "Time spent" log line); over every
// build, the fixed overhead: the job's time less its own query + write (p50, p90, min), and the CPU
// time each process used from the POST to the end event (on 2 cores, what the studio and Postgres
// use meanwhile is taken from the build's DuckDB threads).
// Run: npm run bench:tpch -- [sf=0.1] [--reps 5] [--sql: also print the DuckDB SQL each build ran]   (needs Postgres and Redis as npm test does, and
// a studio build: apps/studio/.next-bench, built when missing)
import { randomBytes } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Readable } from "node:stream";
import { datasetVersionPrefix } from "@sous/storage";
import pg from "pg";
import { freePort } from "../scripts/lib/net.ts";
import { buildStudio, prepareDatabase, repoRoot, startStack } from "../scripts/lib/stack.ts";
import { studioApi } from "./lib/bench-setup.ts";
import { cpuMsOf, cpuMsOfCommand } from "./lib/proc-stats.ts";

const args = process.argv.slice(2);
const SF = Number(args.find((a) => /^(sf=)?\d*\.?\d+$/.test(a))?.replace("sf=", "") ?? 0.1);
const repsAt = args.indexOf("--reps");
const REPS = repsAt >= 0 ? Number(args[repsAt + 1]) : 5;
const SHOW_SQL = args.includes("--sql");
const THREADS = 2; // the worker's DuckDB default (LocalEngine)

// @sous/engine-local's own DuckDB (the root package does not depend on it directly).
const duckdb: typeof import("../packages/engine-local/node_modules/@duckdb/node-api") = await import(
  createRequire(path.join(repoRoot, "packages/engine-local/package.json")).resolve("@duckdb/node-api")
);

const runId = randomBytes(3).toString("hex");
const dbName = `sous_bench_tpch_${runId}`;
const adminUrl = process.env.SOUS_BENCH_ADMIN_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const databaseUrl = new URL(adminUrl);
databaseUrl.pathname = `/${dbName}`;
const workDir = path.join(repoRoot, ".test-data", `bench-tpch-${runId}`);
const dataDir = path.join(workDir, "data");
const genDir = path.join(workDir, "generated");
const rawOut = path.join(workDir, "raw-out");
mkdirSync(dataDir, { recursive: true });
mkdirSync(genDir, { recursive: true });
mkdirSync(rawOut, { recursive: true });

const sql = (s: string) => `'${s.replace(/'/g, "''")}'`;
const ms = (n: number) => `${n.toFixed(0)} ms`;

// --- 1. data ---

/** TPC-H-shaped tables as SQL over range(): hash(i, k) gives column k of row i its value. */
function tables(sf: number): Record<string, string> {
  const customers = Math.max(1, Math.round(150_000 * sf));
  const orders = Math.max(1, Math.round(1_500_000 * sf));
  const u = (i: string, k: number, n: number) => `(hash(${i}, ${k}) % ${n})::BIGINT`; // 0..n-1
  const segments = "['AUTOMOBILE','BUILDING','FURNITURE','MACHINERY','HOUSEHOLD']";
  const nations =
    "['ALGERIA','ARGENTINA','BRAZIL','CANADA','EGYPT','ETHIOPIA','FRANCE','GERMANY','INDIA','INDONESIA','IRAN','IRAQ','JAPAN','JORDAN','KENYA','MOROCCO','MOZAMBIQUE','PERU','CHINA','ROMANIA','SAUDI ARABIA','VIETNAM','RUSSIA','UNITED KINGDOM','UNITED STATES']";
  const orderDate = (i: string) => `(DATE '1992-01-01' + ${u(i, 4, 2406)}::INTEGER)`;
  return {
    nation: `SELECT i::BIGINT AS n_nationkey, ${nations}[i + 1] AS n_name, (i % 5)::BIGINT AS n_regionkey,
        'nation comment ' || i AS n_comment FROM range(25) t(i)`,
    customer: `SELECT i::BIGINT AS c_custkey, 'Customer#' || lpad(i::VARCHAR, 9, '0') AS c_name,
        'addr ' || md5(i::VARCHAR)[1:12] AS c_address, ${u("i", 1, 25)}::BIGINT AS c_nationkey,
        (10 + ${u("i", 1, 25)}) || '-' || (100 + ${u("i", 2, 900)}) || '-' || (1000 + ${u("i", 3, 9000)}) AS c_phone,
        round(${u("i", 4, 1099999)} / 100.0 - 999.99, 2)::DOUBLE AS c_acctbal,
        ${segments}[${u("i", 5, 5)} + 1] AS c_mktsegment, 'customer comment ' || ${u("i", 6, 10000)} AS c_comment
        FROM range(1, ${customers + 1}) t(i)`,
    // Keys as TPC-H spreads them (sparse: 8 of every 32), customers 1..N, dates 1992-01-01 + 0..2405 days.
    orders: `SELECT (i // 8) * 32 + i % 8 + 1 AS o_orderkey, 1 + ${u("i", 1, customers)} AS o_custkey,
        ['O','F','P'][${u("i", 2, 3)} + 1] AS o_orderstatus, round(1000 + ${u("i", 3, 45000000)} / 100.0, 2)::DOUBLE AS o_totalprice,
        ${orderDate("i")} AS o_orderdate, ['1-URGENT','2-HIGH','3-MEDIUM','4-NOT SPECIFIED','5-LOW'][${u("i", 5, 5)} + 1] AS o_orderpriority,
        'Clerk#' || lpad((1 + ${u("i", 6, Math.max(1, Math.round(1000 * sf)))})::VARCHAR, 9, '0') AS o_clerk,
        0::BIGINT AS o_shippriority, 'order comment ' || ${u("i", 7, 10000)} AS o_comment
        FROM range(${orders}) t(i)`,
    // 1 to 7 lines per order (4 on average: about 6M lines at sf=1), as TPC-H.
    lineitem: `SELECT o_orderkey AS l_orderkey, 1 + ${u("k", 1, Math.round(200_000 * sf))} AS l_partkey,
        1 + ${u("k", 2, Math.round(10_000 * sf))} AS l_suppkey, n::BIGINT AS l_linenumber, q AS l_quantity,
        round(q * (900 + ${u("k", 3, 110000)} / 100.0), 2)::DOUBLE AS l_extendedprice,
        (${u("k", 4, 11)} / 100.0)::DOUBLE AS l_discount, (${u("k", 5, 9)} / 100.0)::DOUBLE AS l_tax,
        CASE WHEN ship + rcpt <= DATE '1995-06-17' THEN ['R','A'][${u("k", 6, 2)} + 1] ELSE 'N' END AS l_returnflag,
        CASE WHEN ship > DATE '1995-06-17' THEN 'O' ELSE 'F' END AS l_linestatus,
        ship AS l_shipdate, o_orderdate + (30 + ${u("k", 7, 61)})::INTEGER AS l_commitdate, ship + rcpt AS l_receiptdate,
        ['DELIVER IN PERSON','COLLECT COD','NONE','TAKE BACK RETURN'][${u("k", 8, 4)} + 1] AS l_shipinstruct,
        ['REG AIR','AIR','RAIL','SHIP','TRUCK','MAIL','FOB'][${u("k", 9, 7)} + 1] AS l_shipmode,
        'line comment ' || ${u("k", 10, 10000)} AS l_comment
      FROM (
        SELECT o_orderkey, o_orderdate, n, o_orderkey * 8 + n AS k,
          (1 + (hash(o_orderkey * 8 + n, 11) % 50)::BIGINT)::DOUBLE AS q,
          o_orderdate + (1 + (hash(o_orderkey * 8 + n, 12) % 121)::BIGINT)::INTEGER AS ship,
          (1 + (hash(o_orderkey * 8 + n, 13) % 30)::BIGINT)::INTEGER AS rcpt
        FROM (SELECT (i // 8) * 32 + i % 8 + 1 AS o_orderkey, ${orderDate("i")} AS o_orderdate, 1 + ${u("i", 8, 7)} AS lines
              FROM range(${orders}) t(i)) o, range(1, 8) r(n)
        WHERE n <= lines)`,
  };
}

// --- 2. the flows, and the same questions as hand-written SQL ---

type Spec = { kind: string; version: 1; params: Record<string, unknown> };
interface RecipeDef {
  name: string;
  inputs: string[]; // table names or earlier outputs
  output: string;
  spec: Spec;
}
const filter = (rules: Record<string, unknown>[]): Spec => ({
  kind: "filter",
  version: 1,
  params: { filter: { combine: "and", rules } },
});
const join = (on: [string, string][]): Spec => ({
  kind: "join",
  version: 1,
  params: { type: "inner", on: on.map(([left, right]) => ({ left, right })) },
});
const group = (keys: string[], aggs: [string, string][]): Spec => ({
  kind: "group",
  version: 1,
  params: {
    keys,
    aggregations: [],
    globalCount: false,
    customAggregations: aggs.map(([as, formula]) => ({ formula, as })),
  },
});
const topN = (n: number, orderBy: [string, "asc" | "desc"][]): Spec => ({
  kind: "topN",
  version: 1,
  params: { n, orderBy: orderBy.map(([column, direction]) => ({ column, direction })) },
});

const REVENUE = "sum(l_extendedprice * (1 - l_discount))";

interface Query {
  name: string;
  recipes: RecipeDef[];
  /** Raw DuckDB SQL; `t(name)` is the stored table's read_parquet(...). */
  raw: (t: (name: string) => string) => string;
}

const QUERIES: Query[] = [
  {
    name: "q1",
    recipes: [
      {
        name: "q1_shipped",
        inputs: ["lineitem"],
        output: "q1_lines",
        spec: filter([{ column: "l_shipdate", op: "lte", value: "1998-09-02" }]),
      },
      {
        name: "q1_summary",
        inputs: ["q1_lines"],
        output: "q1_pricing_summary",
        spec: group(
          ["l_returnflag", "l_linestatus"],
          [
            ["sum_qty", "sum(l_quantity)"],
            ["sum_base_price", "sum(l_extendedprice)"],
            ["sum_disc_price", REVENUE],
            ["sum_charge", "sum(l_extendedprice * (1 - l_discount) * (1 + l_tax))"],
            ["avg_qty", "avg(l_quantity)"],
            ["avg_price", "avg(l_extendedprice)"],
            ["avg_disc", "avg(l_discount)"],
            ["count_order", "count()"],
          ],
        ),
      },
    ],
    raw: (
      t,
    ) => `SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty, sum(l_extendedprice) AS sum_base_price,
        sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price,
        sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge, avg(l_quantity) AS avg_qty,
        avg(l_extendedprice) AS avg_price, avg(l_discount) AS avg_disc, count(*) AS count_order
      FROM ${t("lineitem")} WHERE l_shipdate <= DATE '1998-09-02' GROUP BY l_returnflag, l_linestatus`,
  },
  {
    name: "q3",
    recipes: [
      {
        name: "q3_building",
        inputs: ["customer"],
        output: "q3_customers",
        spec: filter([{ column: "c_mktsegment", op: "equals", value: "BUILDING" }]),
      },
      {
        name: "q3_early_orders",
        inputs: ["orders"],
        output: "q3_orders",
        spec: filter([{ column: "o_orderdate", op: "lt", value: "1995-03-15" }]),
      },
      {
        name: "q3_late_lines",
        inputs: ["lineitem"],
        output: "q3_lines",
        spec: filter([{ column: "l_shipdate", op: "gt", value: "1995-03-15" }]),
      },
      {
        name: "q3_customer_orders",
        inputs: ["q3_customers", "q3_orders"],
        output: "q3_co",
        spec: join([["c_custkey", "o_custkey"]]),
      },
      {
        name: "q3_with_lines",
        inputs: ["q3_co", "q3_lines"],
        output: "q3_col",
        spec: join([["o_orderkey", "l_orderkey"]]),
      },
      {
        name: "q3_revenue",
        inputs: ["q3_col"],
        output: "q3_revenue_per_order",
        spec: group(["o_orderkey", "o_orderdate", "o_shippriority"], [["revenue", REVENUE]]),
      },
      {
        name: "q3_top",
        inputs: ["q3_revenue_per_order"],
        output: "q3_shipping_priority",
        spec: topN(10, [
          ["revenue", "desc"],
          ["o_orderdate", "asc"],
        ]),
      },
    ],
    raw: (
      t,
    ) => `SELECT o_orderkey, o_orderdate, o_shippriority, sum(l_extendedprice * (1 - l_discount)) AS revenue
      FROM ${t("customer")} c JOIN ${t("orders")} o ON c_custkey = o_custkey JOIN ${t("lineitem")} l ON l_orderkey = o_orderkey
      WHERE c_mktsegment = 'BUILDING' AND o_orderdate < DATE '1995-03-15' AND l_shipdate > DATE '1995-03-15'
      GROUP BY o_orderkey, o_orderdate, o_shippriority ORDER BY revenue DESC, o_orderdate LIMIT 10`,
  },
  {
    name: "q10",
    recipes: [
      {
        name: "q10_quarter_orders",
        inputs: ["orders"],
        output: "q10_orders",
        spec: filter([{ column: "o_orderdate", op: "between", value: "1993-10-01", max: "1993-12-31" }]),
      },
      {
        name: "q10_returned",
        inputs: ["lineitem"],
        output: "q10_lines",
        spec: filter([{ column: "l_returnflag", op: "equals", value: "R" }]),
      },
      {
        name: "q10_customer_orders",
        inputs: ["customer", "q10_orders"],
        output: "q10_co",
        spec: join([["c_custkey", "o_custkey"]]),
      },
      {
        name: "q10_with_lines",
        inputs: ["q10_co", "q10_lines"],
        output: "q10_col",
        spec: join([["o_orderkey", "l_orderkey"]]),
      },
      {
        name: "q10_with_nation",
        inputs: ["q10_col", "nation"],
        output: "q10_coln",
        spec: join([["c_nationkey", "n_nationkey"]]),
      },
      {
        name: "q10_revenue",
        inputs: ["q10_coln"],
        output: "q10_revenue_per_customer",
        spec: group(
          ["c_custkey", "c_name", "c_acctbal", "c_phone", "n_name", "c_address", "c_comment"],
          [["revenue", REVENUE]],
        ),
      },
      {
        name: "q10_top",
        inputs: ["q10_revenue_per_customer"],
        output: "q10_returned_items",
        spec: topN(20, [["revenue", "desc"]]),
      },
    ],
    raw: (t) => `SELECT c_custkey, c_name, c_acctbal, c_phone, n_name, c_address, c_comment,
        sum(l_extendedprice * (1 - l_discount)) AS revenue
      FROM ${t("customer")} c JOIN ${t("orders")} o ON c_custkey = o_custkey JOIN ${t("lineitem")} l ON l_orderkey = o_orderkey
        JOIN ${t("nation")} n ON c_nationkey = n_nationkey
      WHERE o_orderdate >= DATE '1993-10-01' AND o_orderdate < DATE '1994-01-01' AND l_returnflag = 'R'
      GROUP BY c_custkey, c_name, c_acctbal, c_phone, n_name, c_address, c_comment ORDER BY revenue DESC LIMIT 20`,
  },
  {
    name: "q18",
    recipes: [
      {
        name: "q18_qty_per_order",
        inputs: ["lineitem"],
        output: "q18_order_qty",
        spec: group(["l_orderkey"], [["order_qty", "sum(l_quantity)"]]),
      },
      {
        name: "q18_large",
        inputs: ["q18_order_qty"],
        output: "q18_large_orders",
        spec: filter([{ column: "order_qty", op: "gt", value: 300 }]),
      },
      {
        name: "q18_orders",
        inputs: ["q18_large_orders", "orders"],
        output: "q18_lo",
        spec: join([["l_orderkey", "o_orderkey"]]),
      },
      {
        name: "q18_customers",
        inputs: ["q18_lo", "customer"],
        output: "q18_loc",
        spec: join([["o_custkey", "c_custkey"]]),
      },
      {
        // Joined back to the lines: renamed, since the large orders already have l_orderkey.
        name: "q18_lines",
        inputs: ["q18_loc", "lineitem"],
        output: "q18_locl",
        spec: {
          kind: "join",
          version: 1,
          params: { type: "inner", on: [{ left: "l_orderkey", right: "l_orderkey" }], rightPrefix: "li_" },
        },
      },
      {
        name: "q18_sum",
        inputs: ["q18_locl"],
        output: "q18_large_volume",
        spec: group(
          ["c_name", "o_custkey", "l_orderkey", "o_orderdate", "o_totalprice"],
          [["quantity", "sum(li_l_quantity)"]],
        ),
      },
      {
        name: "q18_top",
        inputs: ["q18_large_volume"],
        output: "q18_large_volume_customers",
        spec: topN(100, [
          ["o_totalprice", "desc"],
          ["o_orderdate", "asc"],
        ]),
      },
    ],
    raw: (t) => `SELECT c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice, sum(l_quantity) AS quantity
      FROM ${t("customer")} c JOIN ${t("orders")} o ON c_custkey = o_custkey JOIN ${t("lineitem")} l ON o_orderkey = l_orderkey
      WHERE o_orderkey IN (SELECT l_orderkey FROM ${t("lineitem")} GROUP BY l_orderkey HAVING sum(l_quantity) > 300)
      GROUP BY c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice ORDER BY o_totalprice DESC, o_orderdate LIMIT 100`,
  },
];

// --- 3. the run ---

const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(dbName)}`);
await prepareDatabase(databaseUrl.toString());

// The raw side: an instance of its own, opened once the data is generated (not the one that just
// wrote 6M rows per sf), then kept warm across the runs.
const openRaw = async () => {
  const instance = await duckdb.DuckDBInstance.create(":memory:", { threads: String(THREADS) });
  return { instance, conn: await instance.connect() };
};
let raw = await openRaw();

let stack: Awaited<ReturnType<typeof startStack>> | null = null;
try {
  const t0 = performance.now();
  const files: Record<string, { file: string; rows: number; bytes: number }> = {};
  for (const [name, select] of Object.entries(tables(SF))) {
    const file = path.join(genDir, `${name}.parquet`);
    const r = await raw.conn.runAndReadAll(`COPY (${select}) TO ${sql(file)} (FORMAT parquet)`);
    files[name] = { file, rows: Number(r.getRows()[0]?.[0] ?? 0), bytes: statSync(file).size };
  }
  raw.conn.closeSync();
  raw.instance.closeSync();
  raw = await openRaw();
  console.log(
    `generated sf=${SF}: ${Object.entries(files)
      .map(([n, f]) => `${n} ${f.rows.toLocaleString("en-US")} rows`)
      .join(", ")} in ${ms(performance.now() - t0)}`,
  );

  // A build of its own (others' test stacks rebuild theirs while they run): SOUS_BENCH_NEXT_DIST_DIR,
  // else .next-bench, built when missing.
  const distDir = process.env.SOUS_BENCH_NEXT_DIST_DIR ?? ".next-bench";
  if (!existsSync(path.join(repoRoot, "apps/studio", distDir, "BUILD_ID"))) buildStudio(distDir);
  const port = await freePort();
  // Not an object literal: stacks that also start the API node take its port (apiNodePort).
  const stackOptions = {
    apiNodePort: await freePort(),
    env: {
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      SOUS_QUEUE_PREFIX: `sous-bench-tpch-${runId}`,
      SOUS_DATA_DIR: dataDir,
      SOUS_SECRET_KEY: randomBytes(32).toString("base64"),
      SOUS_UPLOAD_MAX_BYTES: String(8 * 1024 * 1024 * 1024),
      SOUS_SEED_DEMO: "0",
      SOUS_DEMO_DATABRICKS: "0",
    },
    port,
    distDir,
    quiet: true,
    log: () => {},
  };
  stack = await startStack(stackOptions);
  const base = `${stack.url}/api/v1`;
  const creds = { email: "bench@sous.test", name: "Bench", password: randomBytes(12).toString("base64url") };
  await fetch(`${base}/auth/setup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(creds),
  });
  const api = await studioApi(base, creds.email, creds.password);
  const auth = api.headers;

  const project = await api("/projects", { method: "POST", json: { key: `TPCH_${runId}`, name: "TPC-H" } });
  const projectId: string = project.id;
  const datasets = new Map<string, string>();
  const stored = new Map<string, string>();
  const t1 = performance.now();
  let uploaded = 0;
  for (const [name, f] of Object.entries(files)) {
    const d = await api(`/projects/${projectId}/datasets?name=${name}`, {
      method: "POST",
      headers: { "content-type": "application/vnd.apache.parquet", "content-length": String(f.bytes) },
      body: Readable.toWeb(createReadStream(f.file)) as ReadableStream,
      // @ts-expect-error Node's fetch needs this for a streamed body (not in lib.dom's RequestInit)
      duplex: "half",
    });
    uploaded += f.bytes;
    datasets.set(name, d.id);
    const versions = await api(`/projects/${projectId}/datasets/${d.id}/versions`);
    const current = (versions as { id: string; current: boolean }[]).find((v) => v.current)!;
    const prefix = datasetVersionPrefix({ projectId, datasetId: d.id, versionId: current.id });
    stored.set(name, path.join(dataDir, "storage", prefix));
  }
  console.log(
    `uploaded and imported ${(uploaded / 1024 / 1024).toFixed(0)} MiB of Parquet through the API in ${ms(performance.now() - t1)}`,
  );

  const targets = new Map<string, string>();
  for (const q of QUERIES) {
    for (const r of q.recipes) {
      const created = await api(`/projects/${projectId}/recipes`, {
        method: "POST",
        json: {
          name: r.name,
          inputs: r.inputs.map((i) => datasets.get(i)!),
          output: { name: r.output },
          spec: r.spec,
        },
      });
      datasets.set(r.output, created.outputs[0]);
    }
    targets.set(q.name, datasets.get(q.recipes[q.recipes.length - 1]!.output)!);
  }

  const t = (name: string) => `read_parquet(${sql(path.join(stored.get(name)!, "*.parquet"))})`;
  const runRaw = async (q: Query) => {
    const out = path.join(rawOut, `${q.name}.parquet`);
    const s = performance.now();
    const r = await raw.conn.runAndReadAll(`COPY (${q.raw(t)}) TO ${sql(out)} (FORMAT parquet)`);
    return { ms: performance.now() - s, rows: Number(r.getRows()[0]?.[0] ?? 0) };
  };
  // CPU time used from the POST to the end event, per process: on 2 cores, whatever the studio,
  // Postgres and this client use while a build runs is taken from its DuckDB threads.
  const studioPid = stack.studio.pid;
  const workerPid = stack.worker.pid;
  type CpuNow = { studio: number; worker: number; postgres: number; bench: number };
  const cpuNow = (): CpuNow => ({
    studio: studioPid ? cpuMsOf(studioPid) : 0,
    worker: workerPid ? cpuMsOf(workerPid) : 0,
    postgres: cpuMsOfCommand("postgres"),
    bench: cpuMsOf(process.pid),
  });
  const cpuSpent: CpuNow = { studio: 0, worker: 0, postgres: 0, bench: 0 };
  let cpuBuilds = 0;
  /** Waits for the job's "end" event (SSE, pushed on NOTIFY: no polling load on the studio meanwhile). */
  const waitForEnd = async (jobId: string) => {
    const res = await fetch(`${base}/projects/${projectId}/jobs/${jobId}/events`, { headers: auth });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buf = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += value;
        if (/^event: end$/m.test(buf) || /"type":"end"/.test(buf)) return;
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
  };
  const runBuild = async (q: Query) => {
    const cpu0 = cpuNow();
    const s = performance.now();
    const job = await api(`/projects/${projectId}/jobs`, {
      method: "POST",
      json: { targets: [targets.get(q.name)], mode: "forced-recursive" },
    });
    await waitForEnd(job.id);
    const wall = performance.now() - s;
    const cpu1 = cpuNow();
    for (const k of Object.keys(cpu1) as (keyof CpuNow)[]) cpuSpent[k] += cpu1[k] - cpu0[k];
    cpuBuilds++;
    for (;;) {
      const j = await api(`/projects/${projectId}/jobs/${job.id}`);
      if (j.state === "SUCCEEDED") {
        const jobMs = Date.parse(j.finishedAt) - Date.parse(j.queuedAt);
        const rows = j.activities.reduce(
          (n: number, a: { rowsWritten: number | null }) => n + (a.rowsWritten ?? 0),
          0,
        );
        return {
          ms: jobMs,
          wall,
          rows,
          jobId: job.id as string,
          activities: j.activities.length as number,
          sql: j.activities.map((a: { duckdbSql: string | null }) => a.duckdbSql ?? "").join(";\n"),
        };
      }
      if (j.state === "FAILED" || j.state === "CANCELLED")
        throw new Error(`${q.name}: job ${j.state}: ${j.error}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  type Build = Awaited<ReturnType<typeof runBuild>>;
  const results = new Map<string, { raw: number[]; builds: Build[]; rawRows: number }>();
  for (const q of QUERIES) results.set(q.name, { raw: [], builds: [], rawRows: 0 });
  for (let rep = 0; rep < REPS; rep++) {
    for (const q of QUERIES) {
      const r = results.get(q.name)!;
      // Alternate which goes first: neither always runs on the caches the other warmed.
      const order = rep % 2 === 0 ? (["raw", "build"] as const) : (["build", "raw"] as const);
      for (const which of order) {
        if (which === "raw") {
          const x = await runRaw(q);
          r.raw.push(x.ms);
          r.rawRows = x.rows;
        } else r.builds.push(await runBuild(q));
      }
    }
  }

  const ratios: number[] = [];
  const parts: string[] = [];
  for (const q of QUERIES) {
    const r = results.get(q.name)!;
    const rawMin = Math.min(...r.raw);
    const best = r.builds.reduce((a, b) => (b.ms < a.ms ? b : a));
    const wallMin = Math.min(...r.builds.map((b) => b.wall));
    const ratio = best.ms / rawMin;
    ratios.push(ratio);
    parts.push(`${q.name} ${ratio.toFixed(2)}x`);
    if (best.rows !== r.rawRows)
      console.log(`  warning: ${q.name} build wrote ${best.rows} rows, raw DuckDB ${r.rawRows}`);
    const logs: { message: string }[] = await api(`/projects/${projectId}/jobs/${best.jobId}/logs`);
    const spent = logs.map((l) => l.message).filter((m) => m.startsWith("Time spent"));
    console.log(
      `${q.name}: build ${ms(best.ms)} (wall ${ms(wallMin)}, ${best.activities} activit${best.activities === 1 ? "y" : "ies"}, ${best.rows} rows) vs raw DuckDB ${ms(rawMin)}: ${ratio.toFixed(2)}x, overhead ${ms(best.ms - rawMin)}`,
    );
    for (const line of spent) console.log(`  ${line}`);
    // The build's own statement on the raw instance: tells the SQL's cost from the orchestration's.
    const compiled: number[] = [];
    const own = best.sql.replace(
      /\) TO '[^']*' \(FORMAT parquet\)\s*$/,
      `) TO ${sql(path.join(rawOut, "own.parquet"))} (FORMAT parquet)`,
    );
    for (let i = 0; i < 3; i++) {
      const s = performance.now();
      await raw.conn.run(own);
      compiled.push(performance.now() - s);
    }
    // The same statement on a new instance each run, as each build gets one (its sandbox's).
    const fresh: number[] = [];
    for (let i = 0; i < 3; i++) {
      const instance = await duckdb.DuckDBInstance.create(":memory:", { threads: String(THREADS) });
      const conn = await instance.connect();
      const s = performance.now();
      await conn.run(own);
      fresh.push(performance.now() - s);
      conn.closeSync();
      instance.closeSync();
    }
    console.log(
      `  the build's compiled SQL on raw DuckDB: ${ms(Math.min(...compiled))} (${(Math.min(...compiled) / rawMin).toFixed(2)}x the hand-written SQL); on a new instance each run ${ms(Math.min(...fresh))}`,
    );
    if (SHOW_SQL) console.log(`  the build ran:\n${best.sql}`);
  }
  // The fixed cost of a build (the issue's "overhead per job"): each build's time less its own
  // query + write, over every build of the run, read from its "Time spent" line.
  const fixed: number[] = [];
  for (const r of results.values())
    for (const b of r.builds) {
      const logs: { message: string }[] = await api(`/projects/${projectId}/jobs/${b.jobId}/logs`);
      const query = logs
        .map((l) => l.message.match(/^Time spent: .*query \+ write ([\d.]+) ms/)?.[1])
        .find((m) => m !== undefined);
      if (query !== undefined) fixed.push(b.ms - Number(query));
    }
  fixed.sort((a, b) => a - b);
  const per = (n: number) => ms(n / Math.max(1, cpuBuilds));
  console.log(
    `CPU time per build (POST to end event, ${cpuBuilds} builds): worker ${per(cpuSpent.worker)}, studio ${per(cpuSpent.studio)}, Postgres (every backend on the machine) ${per(cpuSpent.postgres)}, this client ${per(cpuSpent.bench)}`,
  );
  const pct = (q: number) => fixed[Math.min(fixed.length - 1, Math.floor(q * fixed.length))] ?? Number.NaN;
  console.log(
    `fixed overhead per build (job time less its query + write): p50 ${ms(pct(0.5))}, p90 ${ms(pct(0.9))}, min ${ms(fixed[0] ?? Number.NaN)} over ${fixed.length} builds`,
  );
  const geo = Math.exp(ratios.reduce((a, b) => a + Math.log(b), 0) / ratios.length);
  console.log(`tpch sf=${SF}: ${parts.join(" ")} of raw DuckDB (geo-mean ${geo.toFixed(2)}x)`);
} finally {
  raw.conn.closeSync();
  raw.instance.closeSync();
  await stack?.stop();
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(dbName)} WITH (FORCE)`);
  await admin.end();
  rmSync(workDir, { recursive: true, force: true });
}
