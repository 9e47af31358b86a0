// bench/ml.ts (npm run bench:ml): the Lab's local training against a plain scikit-learn script,
// and scoring compiled to SQL against Python scoring (bench/ml-scoring.ts), in one run.
//   - a seeded 200k-row, 30-column table (25 numeric with NULLs, 5 categorical) written by DuckDB;
//   - Sous: trainLocal (python/sous_ml/train.py: read, split, the pipeline, metrics, charts,
//     pickle and portable model), the process as the worker starts it;
//   - plain: bench/plain_sklearn.py, the same pipeline, seed and split as an analyst writes it;
//   interleaved, min of RUNS each; the test AUCs must be equal (same seed, same split).
// Run: pnpm run bench:ml [rows] [trees] [--no-scoring]
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { duckString, LocalEngine } from "@sous/engine-local";
import type { TrainRequest } from "@sous/ml";
import { defaultPython, mlLocalAvailability, repoRoot, trainLocal } from "@sous/ml-local";

const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const ROWS = Number(args[0] ?? 200_000);
const TREES = Number(args[1] ?? 50);
const DEPTH = 12;
const SEED = 42;
const RUNS = 2;
const NUMERIC = Array.from({ length: 25 }, (_, i) => `n${i}`);
const CATEGORICAL = Array.from({ length: 5 }, (_, i) => `c${i}`);

const available = mlLocalAvailability();
if (!available.ok) throw new Error(`cannot run: ${available.reason}`);
const dir = path.join(tmpdir(), `sous-bench-ml-${randomBytes(4).toString("hex")}`);
mkdirSync(dir, { recursive: true });
const parquet = path.join(dir, "data.parquet");
const engine = await LocalEngine.create({ allowedDirectories: [dir] });
const u = (k: number) => `((hash(i * 37 + ${k}) % 1000003)::DOUBLE / 1000003)`;
await engine.runWrite(
  `COPY (SELECT
     ${NUMERIC.map((n, k) => `CASE WHEN hash(i * 91 + ${k}) % 50 = 0 THEN NULL ELSE ${u(k)} * ${k + 1} END AS ${n}`).join(", ")},
     ${CATEGORICAL.map((c, k) => `'v' || (hash(i * 13 + ${k}) % ${4 + k * 6})::VARCHAR AS ${c}`).join(", ")},
     (${u(0)} + ${u(1)} * 0.5 - ${u(2)} + CASE WHEN hash(i * 13) % 4 = 0 THEN 0.4 ELSE 0 END + ${u(99)} * 0.8) > 0.75 AS label
   FROM range(${ROWS}) t(i)) TO ${duckString(parquet)} (FORMAT parquet)`,
);
engine.close();

const request: TrainRequest = {
  parquet,
  task: "binary",
  target: "label",
  features: [
    ...NUMERIC.map((name) => ({
      name,
      type: "numeric" as const,
      impute: { method: "mean" as const },
      rescale: "standard" as const,
    })),
    ...CATEGORICAL.map((name) => ({
      name,
      type: "categorical" as const,
      impute: { method: "most_frequent" as const },
      maxLevels: 20,
    })),
  ],
  validation: { kind: "random_split", testRatio: 0.2, seed: SEED },
  algorithms: [{ algorithm: "randomForest", nTrees: TREES, maxDepth: DEPTH, minSamplesLeaf: 2 }],
  metric: "auc",
  outputDir: path.join(dir, "out"),
};

const sous: number[] = [];
const plain: number[] = [];
let aucSous = Number.NaN;
let aucPlain = Number.NaN;
for (let run = 0; run < RUNS; run++) {
  rmSync(request.outputDir, { recursive: true, force: true });
  const t0 = performance.now();
  const r = await trainLocal(request);
  sous.push((performance.now() - t0) / 1000);
  if (!r.ok) throw new Error(r.error.message);
  aucSous = r.models[0]!.metrics.auc!;
  const t1 = performance.now();
  const p = spawnSync(
    defaultPython,
    [
      path.join(repoRoot, "bench/plain_sklearn.py"),
      parquet,
      "label",
      NUMERIC.join(","),
      CATEGORICAL.join(","),
      String(TREES),
      String(DEPTH),
      String(SEED),
    ],
    { encoding: "utf8" },
  );
  plain.push((performance.now() - t1) / 1000);
  if (p.status !== 0) throw new Error(`plain script failed: ${p.stderr}`);
  aucPlain = JSON.parse(p.stdout.trim().split("\n").at(-1)!).auc;
  console.log(
    `run ${run + 1}: sous ${sous.at(-1)!.toFixed(2)} s (AUC ${aucSous}), plain scikit-learn ${plain.at(-1)!.toFixed(2)} s (AUC ${aucPlain})`,
  );
}
rmSync(dir, { recursive: true, force: true });
const ratio = Math.min(...sous) / Math.min(...plain);
const aucDiff = Math.abs(aucSous - aucPlain);
console.log(
  `train ${ROWS.toLocaleString("en-US")} rows x ${NUMERIC.length + CATEGORICAL.length} columns, random forest ${TREES} trees depth ${DEPTH}: sous ${Math.min(...sous).toFixed(2)} s, plain ${Math.min(...plain).toFixed(2)} s (min of ${RUNS})`,
);

let scoring = "sql scoring not run";
if (!process.argv.includes("--no-scoring")) {
  const s = spawnSync("pnpm", ["exec", "tsx", path.join(repoRoot, "bench/ml-scoring.ts")], {
    encoding: "utf8",
    cwd: repoRoot,
  });
  process.stdout.write(s.stdout);
  const last = s.stdout.trim().split("\n").at(-1) ?? "";
  const m = /sql scoring max diff (\S+), (\S+)x faster than Python scoring/.exec(last);
  scoring = m
    ? `sql scoring max diff ${m[1]}, ${m[2]}x faster than Python scoring`
    : `sql scoring failed: ${last}`;
}
console.log(
  `ml: train ${ratio.toFixed(2)}x of plain scikit-learn, auc diff ${aucDiff.toExponential(1)}, ${scoring}`,
);
