// The upload + import figure of bench/datasets.ts (issue 18): a pipe-delimited file of about
// `mb` MB, generated here, uploaded to a running studio (its own database and data dir) through
// POST /projects/:id/datasets, next to DuckDB's own read_csv -> Parquet of the same file in this
// process (threads as the studio's engine), in the same run. The studio's resident memory
// (VmRSS of its process) is sampled every 20 ms during the upload. Each round also sends the file
// through the import dialog's upload (stored, not imported): the studio's CPU for receiving it,
// which with DuckDB's own CPU bounds the streamed import on this machine's cores. Then, in this
// process, where the time of the stored-file path goes (write, sniff, convert, commit) next to
// the streamed one.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { open } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { Readable } from "node:stream";
import {
  detectImportOptions,
  importCsvStream,
  importToParquet,
  LocalEngine,
  STREAM_HEAD_MAX_BYTES,
  StreamHead,
} from "@sous/engine-local";
import { createLocalStorage, datasetVersionPrefix } from "@sous/storage";
import pg from "pg";
import { freePort } from "../../scripts/lib/net.ts";
import { buildStudio, prepareDatabase, repoRoot, startStack } from "../../scripts/lib/stack.ts";
import { studioApi } from "./bench-setup.ts";
import { cpuMsOf, rssOf } from "./proc-stats.ts";

const THREADS = 2; // the studio's DuckDB default (LocalEngine)

const duckdb: typeof import("../../packages/engine-local/node_modules/@duckdb/node-api") = await import(
  createRequire(path.join(repoRoot, "packages/engine-local/package.json")).resolve("@duckdb/node-api")
);

const sql = (s: string) => `'${s.replace(/'/g, "''")}'`;
/** A command's standard output (it fails with its standard error). */
const run = (cmd: string, args: string[]) =>
  new Promise<string>((resolve, reject) =>
    execFile(cmd, args, { maxBuffer: 16 << 20 }, (e, out, err) =>
      e ? reject(new Error(`${cmd}: ${err || e.message}`)) : resolve(out),
    ),
  );
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function uploadImportBench(mb: number): Promise<void> {
  const runId = randomBytes(3).toString("hex");
  const workDir = path.join(repoRoot, ".test-data", `bench-upload-${runId}`);
  const dataDir = path.join(workDir, "data");
  const file = path.join(workDir, "big.csv");
  mkdirSync(dataDir, { recursive: true });
  const adminUrl =
    process.env.SOUS_BENCH_ADMIN_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const dbName = `sous_bench_upload_${runId}`;
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${dbName}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const instance = await duckdb.DuckDBInstance.create(":memory:", { threads: String(THREADS) });
  const conn = await instance.connect();
  let stack: Awaited<ReturnType<typeof startStack>> | null = null;
  try {
    // ~87 bytes a row: ids, text, decimals, dates, timestamps, booleans, a quoted field with the delimiter.
    const rows = Math.round((mb * 1e6) / 87);
    const t0 = performance.now();
    await conn.run(
      `COPY (SELECT i AS id, 'cust_' || (hash(i, 1) % 100000) AS customer, round((hash(i, 2) % 100000) / 100.0, 2) AS amount,
          (hash(i, 3) % 50)::BIGINT AS quantity, ['books','garden','toys','food','music','sports','tools','health'][i % 8 + 1] AS category,
          DATE '2024-01-01' + (i % 365)::INTEGER AS day, TIMESTAMP '2024-01-01 00:15:00' + INTERVAL (i % 86400) SECOND AS at,
          i % 3 = 0 AS paid, 'note ' || (i % 997) || CASE WHEN i % 10 = 0 THEN ' with | a pipe' ELSE ' plain' END AS note
        FROM range(${rows}) t(i)) TO ${sql(file)} (HEADER, DELIMITER '|')`,
    );
    const bytes = statSync(file).size;
    const mbs = (ms: number) => `${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s`;
    console.log(
      `generated ${rows.toLocaleString("en-US")} rows, ${(bytes / 1e6).toFixed(0)} MB pipe-delimited in ${secs(performance.now() - t0)}`,
    );

    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(dbName)}`);
    await prepareDatabase(databaseUrl.toString());
    const distDir = process.env.SOUS_BENCH_NEXT_DIST_DIR ?? ".next-bench-datasets";
    if (!existsSync(path.join(repoRoot, "apps/studio", distDir, "BUILD_ID"))) buildStudio(distDir);
    stack = await startStack({
      apiNodePort: await freePort(),
      env: {
        DATABASE_URL: databaseUrl.toString(),
        REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
        SOUS_QUEUE_PREFIX: `sous-bench-upload-${runId}`,
        SOUS_DATA_DIR: dataDir,
        SOUS_SECRET_KEY: randomBytes(32).toString("base64"),
        SOUS_UPLOAD_MAX_BYTES: String(8 * 1024 * 1024 * 1024),
        SOUS_SEED_DEMO: "0",
        SOUS_DEMO_DATABRICKS: "0",
      },
      port: await freePort(),
      distDir,
      quiet: true,
      log: () => {},
    });
    const base = `${stack.url}/api/v1`;
    const creds = {
      email: "bench@sous.test",
      name: "Bench",
      password: randomBytes(12).toString("base64url"),
    };
    await fetch(`${base}/auth/setup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(creds),
    });
    const api = await studioApi(base, creds.email, creds.password);
    const project = await api("/projects", { method: "POST", json: { key: `UP_${runId}`, name: "Upload" } });
    const pid = stack.studio.pid;
    if (pid === undefined) throw new Error("the studio is not running");

    /**
     * One upload + import, sent by `client`: curl (as a user would send a file: its own process,
     * little CPU) or Node's fetch with a web stream (the bench's own process: more CPU, taken from
     * the studio and DuckDB on this 2-core machine).
     */
    const upload = async (name: string, client: "curl" | "fetch") => {
      const before = rssOf(pid);
      let peak = before;
      const timer = setInterval(() => {
        peak = Math.max(peak, rssOf(pid));
      }, 20);
      const cpu0 = cpuMsOf(pid);
      const t = performance.now();
      const url = `${base}/projects/${project.id}/datasets?name=${name}`;
      const headers: Record<string, string> = {
        ...api.headers,
        "content-type": "text/csv",
        "content-length": String(bytes),
      };
      let status: number;
      let text: string;
      if (client === "curl") {
        const out = await run("curl", [
          "-sS",
          "-X",
          "POST",
          ...Object.entries(headers).flatMap(([k, v]) => ["-H", `${k}: ${v}`]),
          "--data-binary",
          `@${file}`,
          "-w",
          "\n%{http_code}",
          url,
        ]);
        const cut = out.lastIndexOf("\n");
        text = out.slice(0, cut);
        status = Number(out.slice(cut + 1));
      } else {
        const res = await fetch(url, {
          method: "POST",
          headers,
          body: Readable.toWeb(createReadStream(file, { highWaterMark: 1 << 20 })) as ReadableStream,
          duplex: "half",
        } as RequestInit);
        text = await res.text();
        status = res.status;
      }
      const ms = performance.now() - t;
      const cpu = cpuMsOf(pid) - cpu0;
      clearInterval(timer);
      if (status !== 201 && status !== 200) throw new Error(`upload: ${status} ${text.slice(0, 300)}`);
      const body = JSON.parse(text) as {
        id: string;
        currentVersion: { id: string };
        import?: { rowCount: number };
      };
      // The streamed import writes part-00000.parquet, part-00001.parquet...; the stored-file path part-0.parquet.
      const versionDir = path.join(
        dataDir,
        "storage",
        datasetVersionPrefix({
          projectId: project.id,
          datasetId: body.id,
          versionId: body.currentVersion.id,
        }),
      );
      const parts = readdirSync(versionDir).filter((f) => f.endsWith(".parquet"));
      const how = parts.includes("part-0.parquet") ? "stored-file path" : `streamed, ${parts.length} parts`;
      return { ms, cpu, peak, before, rows: body.import?.rowCount, how };
    };
    const duck = async () => {
      const out = path.join(workDir, "duck.parquet");
      const cpu0 = process.cpuUsage();
      const t = performance.now();
      await conn.run(`COPY (SELECT * FROM read_csv(${sql(file)})) TO ${sql(out)} (FORMAT parquet)`);
      const ms = performance.now() - t;
      const cpu = process.cpuUsage(cpu0);
      rmSync(out, { force: true });
      return { ms, cpu: (cpu.user + cpu.system) / 1000 };
    };
    /**
     * The same bytes through the import dialog's upload (received and stored, its start previewed,
     * nothing imported): what the studio spends on a file of this size besides DuckDB's read.
     */
    const receiveOnly = async () => {
      const cpu0 = cpuMsOf(pid);
      const t = performance.now();
      const out = await run("curl", [
        "-sS",
        "-X",
        "POST",
        ...Object.entries({ ...api.headers, "content-type": "text/csv" }).flatMap(([k, v]) => [
          "-H",
          `${k}: ${v}`,
        ]),
        "--data-binary",
        `@${file}`,
        "-w",
        "\n%{http_code}",
        `${base}/projects/${project.id}/datasets/uploads?fileName=big.csv`,
      ]);
      const status = Number(out.slice(out.lastIndexOf("\n") + 1));
      if (status !== 201) throw new Error(`dialog upload: ${status} ${out.slice(0, 300)}`);
      return { ms: performance.now() - t, cpu: cpuMsOf(pid) - cpu0 };
    };
    // The first request to a route loads its code (about a second of CPU here): not part of an
    // upload's figure, so a small file goes first.
    const warm = await fetch(`${base}/projects/${project.id}/datasets?name=warm_up`, {
      method: "POST",
      headers: { ...api.headers, "content-type": "text/csv" },
      body: "a|b\n1|x\n",
    });
    if (warm.status !== 201) throw new Error(`warm-up upload: ${warm.status} ${await warm.text()}`);
    // Interleaved, twice each: the machine is shared, the ratio within a round is the figure.
    for (let round = 1; round <= 2; round++) {
      const s = await upload(`big_${round}`, "curl");
      const { ms: d, cpu: dCpu } = await duck();
      const f = await upload(`big_fetch_${round}`, "fetch");
      console.log(
        `round ${round}: Sous upload (curl) + import ${mbs(s.ms)} (${secs(s.ms)}, ${s.rows?.toLocaleString("en-US")} rows, ${s.how}) vs DuckDB read_csv -> Parquet ${mbs(d)} (${secs(d)}): ${(s.ms / d).toFixed(2)}x DuckDB's time (goal <= 1.3x); studio RSS peak ${(Math.max(s.peak, f.peak) / 2 ** 20).toFixed(0)} MiB (${(s.before / 2 ** 20).toFixed(0)} MiB before; goal < 1024 MiB); CPU time: studio ${secs(s.cpu)}, DuckDB alone ${secs(dCpu)}; sent by Node's fetch from this process instead: ${secs(f.ms)}, ${(f.ms / d).toFixed(2)}x (${f.how})`,
      );
      const r = await receiveOnly();
      // On 2 cores the streamed import cannot end before both cores did DuckDB's work and this.
      const floor = (dCpu + r.cpu) / THREADS;
      console.log(
        `  receiving alone (the dialog's upload: stored, previewed, not imported): ${secs(r.ms)}, studio CPU ${secs(r.cpu)}; DuckDB's CPU plus that on ${THREADS} cores: ${secs(floor)}, ${(floor / d).toFixed(2)}x DuckDB's time`,
      );
    }
    await stack.stop();
    stack = null;

    // Where the time goes, in this process: the stored-file path step by step, then the streamed one.
    const engine = await LocalEngine.create({ allowedDirectories: [workDir], threads: THREADS });
    const storage = createLocalStorage({ root: path.join(workDir, "split") });
    const scratch = path.join(workDir, "scratch");
    mkdirSync(scratch, { recursive: true });
    try {
      const t1 = performance.now();
      await storage.putStream("uploads/u/data", createReadStream(file, { highWaterMark: 1 << 20 }));
      const write = performance.now() - t1;
      const stored = path.join(workDir, "split", "uploads/u/data");
      const t2 = performance.now();
      const options = await engine.withConnection((c) => detectImportOptions(c, stored, "big.csv"));
      const sniff = performance.now() - t2;
      const staged = await storage.stage(
        datasetVersionPrefix({ projectId: "p", datasetId: "d", versionId: "a" }),
      );
      const t3 = performance.now();
      await importToParquet(engine, { file: stored, outDir: staged.dir, options });
      const convert = performance.now() - t3;
      const t4 = performance.now();
      await staged.commit();
      const commit = performance.now() - t4;
      const staged2 = await storage.stage(
        datasetVersionPrefix({ projectId: "p", datasetId: "d", versionId: "b" }),
      );
      const t5 = performance.now();
      const headFile = path.join(scratch, "head.csv");
      const body = createReadStream(file, { highWaterMark: 1 << 20 });
      const fh = await open(file);
      const start = Buffer.alloc(STREAM_HEAD_MAX_BYTES);
      const { bytesRead } = await fh.read(start, 0, start.length, 0);
      await fh.close();
      const head = new StreamHead().add(start.subarray(0, bytesRead));
      if (!head) throw new Error("no head");
      writeFileSync(headFile, head.head);
      const streamed = await importCsvStream(engine, {
        headFile,
        body,
        outDir: staged2.dir,
        scratchDir: scratch,
      });
      await staged2.commit();
      const stream = performance.now() - t5;
      console.log(
        `split of the stored-file path (in this process): write + fsync ${secs(write)}, sniff ${secs(sniff)}, describe + convert ${secs(convert)}, commit (fsync) ${secs(commit)}: ${secs(write + sniff + convert + commit)}; streamed path (head, segments converted as they arrive, commit) ${secs(stream)}${streamed ? "" : " (fell back!)"}`,
      );
    } finally {
      engine.close();
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
    await stack?.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(dbName)} WITH (FORCE)`);
    await admin.end();
    rmSync(workDir, { recursive: true, force: true });
  }
}
