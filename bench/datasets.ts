// bench/datasets.ts: the dataset figures (issue 5), printed as four lines.
//   1. import throughput of a ~1 GB CSV (10M rows, mixed types) through Sous' importer (detect,
//      check, infer, Parquet, staged + committed in local storage) next to DuckDB's own
//      read_csv -> Parquet of the same file, in the same process (goal >= 0.8x)
//   2. peak RSS of the process during the import (goal < 1 GiB)
//   3. time to compute the column stats on the 10M rows (goal < 3 s), next to a plain DuckDB
//      scan of the same files (count(*), min and max of every column) in the same process: the
//      machine is shared and noisy, the ratio is the figure to compare
//   4. p50 / p95 of the sample query (what POST .../sample runs: a filter-free page of 10,000
//      rows of a 10k-row sample, as the JSON the API sends) (goal p95 < 150 ms), the current path
//      (rows serialised by DuckDB) next to the previous one (rows read into JS, the response
//      validated with zod, JSON.stringify), interleaved in the same process
//   5. with SOUS_BENCH_STUDIO_URL and SOUS_BENCH_API_KEY (a running studio, e.g. a test stack):
//      p50 / p95 of the real HTTP route for that page, repeated (served from the page cache) and
//      uncached (a new offset each time)
//   6. with --upload [MB] (alone): upload + import of a generated pipe-delimited file of MB MB
//      (default 700) through a studio it starts, next to DuckDB's read_csv -> Parquet of the same
//      file, in MB/s, with the studio's peak RSS, and where the time goes (bench/lib/upload-import.ts)
// Run: pnpm exec tsx bench/datasets.ts [rows] [--stats-only]   The CSV is written under /tmp and
// deleted after. --stats-only skips 1 and 2: DuckDB writes the rows as Parquet directly (faster).

import { once } from "node:events";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type DatasetSchema, SamplePageSchema } from "@sous/contracts";
import {
  computeColumnStatsScoped,
  duckIdent,
  duckString,
  importToParquet,
  LocalEngine,
  type Meaning,
  querySample,
  querySampleJson,
  writeSample,
} from "@sous/engine-local";
import { createLocalStorage, datasetVersionPrefix } from "@sous/storage";

const args = process.argv.slice(2);
// --upload [MB]: only the upload + import figure through a running studio (bench/lib/upload-import.ts).
const uploadAt = args.indexOf("--upload");
if (uploadAt >= 0) {
  const { uploadImportBench } = await import("./lib/upload-import.ts");
  await uploadImportBench(Number(args[uploadAt + 1] ?? 700) || 700);
  process.exit(0);
}
const ROWS = Number(args.find((a) => /^\d+$/.test(a)) ?? 10_000_000);
const STATS_ONLY = args.includes("--stats-only");
const dir = mkdtempSync(path.join(tmpdir(), "sous-bench-datasets-"));
const csv = path.join(dir, "big.csv");
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;

async function generate(): Promise<number> {
  const out = createWriteStream(csv);
  out.write("id,customer,amount,quantity,category,day,at,paid,note\n");
  const cats = ["books", "garden", "toys", "food", "music", "sports", "tools", "health"];
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  let buf = "";
  for (let i = 0; i < ROWS; i++) {
    const d = 1 + (i % 28);
    const m = 1 + (i % 12);
    buf += `${i},cust_${Math.floor(rnd() * 100000)},${(rnd() * 1000).toFixed(2)},${Math.floor(rnd() * 50)},${cats[i % 8]},2024-${m < 10 ? "0" : ""}${m}-${d < 10 ? "0" : ""}${d},2024-${m < 10 ? "0" : ""}${m}-${d < 10 ? "0" : ""}${d} ${String(i % 24).padStart(2, "0")}:15:00,${i % 3 === 0},"note ${i % 997} with, a comma"\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, "drain");
      buf = "";
    }
  }
  out.end(buf);
  await once(out, "close");
  return statSync(csv).size;
}

const ms = (t: number) => `${t.toFixed(1)} ms`;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? Number.NaN;

try {
  const engine = await LocalEngine.create({ allowedDirectories: [dir], threads: 2 });
  const storage = createLocalStorage({ root: path.join(dir, "storage") });
  const prefix = datasetVersionPrefix({ projectId: "p", datasetId: "d", versionId: "v1" });
  let schema: DatasetSchema;
  let rowCount: number;

  if (!STATS_ONLY) {
    const t0 = performance.now();
    const bytes = await generate();
    console.log(
      `generated ${ROWS.toLocaleString("en-US")} rows, ${mib(bytes)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    // 1 + 2: Sous' import, sampling RSS every 20 ms.
    let peak = process.memoryUsage.rss();
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 20);
    const staged = await storage.stage(prefix);
    const t1 = performance.now();
    const imported = await importToParquet(engine, { file: csv, outDir: staged.dir });
    await staged.commit();
    const sousS = (performance.now() - t1) / 1000;
    clearInterval(timer);
    schema = imported.schema;
    rowCount = imported.rowCount;

    const rawDir = path.join(dir, "raw");
    mkdirSync(rawDir);
    const t2 = performance.now();
    await engine.runWrite(
      `COPY (SELECT * FROM read_csv(${duckString(csv)})) TO ${duckString(path.join(rawDir, "x.parquet"))} (FORMAT parquet, COMPRESSION snappy)`,
    );
    const duckS = (performance.now() - t2) / 1000;
    const mbs = (s: number) => `${(bytes / 1024 / 1024 / s).toFixed(0)} MiB/s`;
    console.log(
      `import: ${mbs(sousS)} (${sousS.toFixed(1)} s, ${rowCount.toLocaleString("en-US")} rows) vs DuckDB read_csv ${mbs(duckS)} (${duckS.toFixed(1)} s): ${(duckS / sousS).toFixed(2)}x (goal >= 0.8x)`,
    );
    console.log(`peak RSS during import: ${mib(peak)} (goal < 1024 MiB)`);
    rmSync(csv, { force: true });
    rmSync(rawDir, { recursive: true, force: true });
  } else {
    // The same columns and kinds of values as the CSV, written by DuckDB straight to Parquet.
    const staged = await storage.stage(prefix);
    const t0 = performance.now();
    await engine.runWrite(
      `COPY (SELECT i::BIGINT AS id, 'cust_' || (hash(i, 1) % 100000) AS customer, round((hash(i, 2) % 100000) / 100.0, 2)::DOUBLE AS amount,
          (hash(i, 3) % 50)::BIGINT AS quantity, ['books','garden','toys','food','music','sports','tools','health'][i % 8 + 1] AS category,
          make_date(2024, (i % 12 + 1)::INTEGER, (i % 28 + 1)::INTEGER) AS day,
          make_timestamp(2024, (i % 12 + 1)::BIGINT, (i % 28 + 1)::BIGINT, (i % 24)::BIGINT, 15, 0) AS "at",
          i % 3 = 0 AS paid, 'note ' || (i % 997) || ' with, a comma' AS note
        FROM range(${ROWS}) t(i)) TO ${duckString(path.join(staged.dir, "part-0.parquet"))} (FORMAT parquet, COMPRESSION snappy)`,
    );
    await staged.commit();
    console.log(
      `wrote ${ROWS.toLocaleString("en-US")} rows as Parquet with DuckDB in ${((performance.now() - t0) / 1000).toFixed(1)} s (--stats-only: no import figures)`,
    );
    const written = await storage.acquire(prefix);
    const d = await engine.describeParquet(written.dir).finally(() => written.release());
    schema = d.schema;
    rowCount = d.rowCount;
  }

  // 3: column stats on all the rows, between two plain scans of the same files.
  // Leased for the rest of the run (a bench process; its lease ends with it).
  const versionDir = (await storage.acquire(prefix)).dir;
  const glob = path.join(versionDir, "*.parquet");
  const scan = async () => {
    const t = performance.now();
    const minMax = schema.map((c) => `min(${duckIdent(c.name)}), max(${duckIdent(c.name)})`).join(", ");
    await engine.withConnection((c) =>
      c.runAndReadAll(`SELECT count(*), ${minMax} FROM read_parquet(${duckString(glob)})`),
    );
    return (performance.now() - t) / 1000;
  };
  const base1 = await scan();
  const t3 = performance.now();
  const stats = await computeColumnStatsScoped(engine, { source: glob, schema, rowCount });
  const statsS = (performance.now() - t3) / 1000;
  const base2 = await scan();
  const baseS = (base1 + base2) / 2;
  console.log(
    `column stats on ${rowCount.toLocaleString("en-US")} rows x ${stats.columns.length} columns: ${statsS.toFixed(2)} s (goal < 3 s); plain DuckDB count/min/max scan of the same files ${baseS.toFixed(2)} s (${base1.toFixed(2)} / ${base2.toFixed(2)}): ${(statsS / baseS).toFixed(2)}x the scan` +
      (stats.sampled
        ? `; distinct / top values / histograms on ${stats.rowsScanned.toLocaleString("en-US")} rows spread over the file (sampled: true)`
        : ""),
  );

  // 4: the sample query behind POST .../sample, 10,000 rows at once, both ways, interleaved.
  const sampleFile = path.join(dir, "sample.parquet");
  const sampleRows = await writeSample(engine, {
    dir: versionDir,
    schema,
    rowCount,
    sampling: { method: "first", n: 10_000 },
    outFile: sampleFile,
  });
  const sampleStats = await computeColumnStatsScoped(engine, {
    source: sampleFile,
    schema,
    rowCount: sampleRows,
  });
  const meanings = Object.fromEntries(
    sampleStats.columns.map((c) => [c.name, (c.meaning ?? null) as Meaning | null]),
  );
  const opts = { file: sampleFile, schema, meanings, query: { offset: 0, limit: 10_000, filters: [] } };
  const head = {
    sampling: { method: "first" as const, n: 10_000 },
    versionId: "v1",
    columns: schema,
    sampleRows,
  };
  const previous = async () => {
    const page = await querySample(engine, opts);
    return JSON.stringify(SamplePageSchema.parse({ ...head, ...page })).length;
  };
  const current = async () => {
    const page = await querySampleJson(engine, opts);
    return `${JSON.stringify({ ...head, matchingRows: page.matchingRows }).slice(0, -1)},"rows":${page.rowsJson}}`
      .length;
  };
  const before: number[] = [];
  const after: number[] = [];
  for (let i = 0; i < 70; i++) {
    for (const [fn, out] of [
      [previous, before],
      [current, after],
    ] as const) {
      const t = performance.now();
      await fn();
      if (i >= 10) out.push(performance.now() - t);
    }
  }
  console.log(
    `sample page of 10,000 rows: p50 ${ms(pct(after, 0.5))}, p95 ${ms(pct(after, 0.95))} (goal < 150 ms); previous path (rows into JS, zod, JSON.stringify) p50 ${ms(pct(before, 0.5))}, p95 ${ms(pct(before, 0.95))}: ${(pct(before, 0.95) / pct(after, 0.95)).toFixed(2)}x faster at p95`,
  );
  engine.close();

  // 5: the real route, when a studio is given.
  const url = process.env.SOUS_BENCH_STUDIO_URL;
  const apiKey = process.env.SOUS_BENCH_API_KEY;
  if (url && apiKey) await httpSample(url, apiKey);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

async function httpSample(url: string, apiKey: string): Promise<void> {
  const headers = { authorization: `Bearer ${apiKey}` };
  const post = async (p: string, body: string, type = "application/json") => {
    const r = await fetch(`${url}/api/v1${p}`, {
      method: "POST",
      headers: { ...headers, "content-type": type },
      body,
    });
    const text = await r.text();
    if (r.status >= 300) throw new Error(`${p}: ${r.status} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
  const project = await post(
    "/projects",
    JSON.stringify({ key: `BENCH${Date.now() % 100000}`, name: "Datasets bench" }),
  );
  const lines = ["id,customer,amount,quantity,category,day,paid,note"];
  for (let i = 0; i < 10_000; i++)
    lines.push(
      `${i},cust_${(i * 7919) % 100000},${((i * 37) % 100000) / 100},${i % 50},c${i % 8},2024-0${1 + (i % 9)}-1${i % 10},${i % 3 === 0},"note ${i % 997} with, a comma"`,
    );
  const ds = await post(`/projects/${project.id}/datasets?name=bench`, `${lines.join("\n")}\n`, "text/csv");
  // Timed calls read the body as text: the figure is the API's, not the client's JSON parsing.
  const sample = async (query: object) => {
    const r = await fetch(`${url}/api/v1/projects/${project.id}/datasets/${ds.id}/sample`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ limit: 10_000, ...query }),
    });
    const text = await r.text();
    if (r.status !== 200) throw new Error(`sample: ${r.status} ${text.slice(0, 300)}`);
    return text.length;
  };
  await sample({}); // draws the sample and its stats
  const time = async (queryOf: (i: number) => object) => {
    const xs: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      await sample(queryOf(i));
      xs.push(performance.now() - t);
    }
    return xs;
  };
  // The fixed cost of any authenticated call (API key, project role), for comparison.
  const trivial: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    await (await fetch(`${url}/api/v1/projects/${project.id}`, { headers })).text();
    trivial.push(performance.now() - t);
  }
  const cached = await time(() => ({}));
  const uncached = await time((i) => ({ offset: i + 1 }));
  const sorted = await time((i) => ({ offset: i + 1, sort: { column: "amount", desc: i % 2 === 0 } }));
  console.log(
    `HTTP POST .../sample, 10,000 rows: repeated (page cache) p50 ${ms(pct(cached, 0.5))}, p95 ${ms(pct(cached, 0.95))}; new offset each time p50 ${ms(pct(uncached, 0.5))}, p95 ${ms(pct(uncached, 0.95))}; sorted, new offset each time p50 ${ms(pct(sorted, 0.5))}, p95 ${ms(pct(sorted, 0.95))} (goal p95 < 150 ms); GET /projects/:id (fixed cost of a call) p50 ${ms(pct(trivial, 0.5))}, p95 ${ms(pct(trivial, 0.95))}`,
  );
}
