// bench/datasets.ts: the dataset figures (issue 5), printed as four lines.
//   1. import throughput of a ~1 GB CSV (10M rows, mixed types) through Sous' importer (detect,
//      check, infer, Parquet, staged + committed in local storage) next to DuckDB's own
//      read_csv -> Parquet of the same file, in the same process (goal >= 0.8x)
//   2. peak RSS of the process during the import (goal < 1 GiB)
//   3. time to compute the column stats on the 10M rows (goal < 3 s)
//   4. p95 of the sample query (what POST .../sample runs: filter-free page of 10,000 rows of a
//      10k-row sample, serialised to JSON) (goal < 150 ms)
// Run: pnpm exec tsx bench/datasets.ts [rows]   The CSV is written under /tmp and deleted after.

import { once } from "node:events";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  computeColumnStats,
  duckString,
  importToParquet,
  LocalEngine,
  querySample,
  writeSample,
} from "@sous/engine-local";
import { createLocalStorage, datasetVersionPrefix } from "@sous/storage";

const ROWS = Number(process.argv[2] ?? 10_000_000);
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

try {
  const t0 = performance.now();
  const bytes = await generate();
  console.log(
    `generated ${ROWS.toLocaleString("en-US")} rows, ${mib(bytes)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const engine = await LocalEngine.create({ allowedDirectories: [dir], threads: 2 });
  const storage = createLocalStorage({ root: path.join(dir, "storage") });

  // 1 + 2: Sous' import, sampling RSS every 20 ms.
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const staged = await storage.stage(
    datasetVersionPrefix({ projectId: "p", datasetId: "d", versionId: "v1" }),
  );
  const t1 = performance.now();
  const imported = await importToParquet(engine, { file: csv, outDir: staged.dir });
  await staged.commit();
  const sousS = (performance.now() - t1) / 1000;
  clearInterval(timer);

  const rawDir = path.join(dir, "raw");
  mkdirSync(rawDir);
  const t2 = performance.now();
  await engine.runWrite(
    `COPY (SELECT * FROM read_csv(${duckString(csv)})) TO ${duckString(path.join(rawDir, "x.parquet"))} (FORMAT parquet, COMPRESSION snappy)`,
  );
  const duckS = (performance.now() - t2) / 1000;
  const mbs = (s: number) => `${(bytes / 1024 / 1024 / s).toFixed(0)} MiB/s`;
  console.log(
    `import: ${mbs(sousS)} (${sousS.toFixed(1)} s, ${imported.rowCount.toLocaleString("en-US")} rows) vs DuckDB read_csv ${mbs(duckS)} (${duckS.toFixed(1)} s): ${(duckS / sousS).toFixed(2)}x (goal >= 0.8x)`,
  );
  console.log(`peak RSS during import: ${mib(peak)} (goal < 1024 MiB)`);

  // 3: column stats on the whole 10M rows.
  const versionDir = await storage.materialize(
    datasetVersionPrefix({ projectId: "p", datasetId: "d", versionId: "v1" }),
  );
  const t3 = performance.now();
  const stats = await computeColumnStats(engine, {
    source: path.join(versionDir, "*.parquet"),
    schema: imported.schema,
    rowCount: imported.rowCount,
  });
  console.log(
    `column stats on ${imported.rowCount.toLocaleString("en-US")} rows x ${stats.length} columns: ${((performance.now() - t3) / 1000).toFixed(2)} s (goal < 3 s)`,
  );

  // 4: the sample query behind POST .../sample, 10,000 rows at once.
  const sampleFile = path.join(dir, "sample.parquet");
  await writeSample(engine, {
    dir: versionDir,
    schema: imported.schema,
    rowCount: imported.rowCount,
    sampling: { method: "first", n: 10_000 },
    outFile: sampleFile,
  });
  const times: number[] = [];
  for (let i = 0; i < 60; i++) {
    const t = performance.now();
    const page = await querySample(engine, {
      file: sampleFile,
      schema: imported.schema,
      meanings: {},
      query: { offset: 0, limit: 10_000, filters: [] },
    });
    JSON.stringify(page);
    if (i >= 10) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const p95 = times[Math.floor(times.length * 0.95)] ?? Number.NaN;
  console.log(
    `sample page of 10,000 rows: p50 ${times[times.length >> 1]?.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (goal < 150 ms)`,
  );
  engine.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
