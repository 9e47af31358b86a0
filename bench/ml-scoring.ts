// bench/ml-scoring.ts: scoring with a random forest compiled to SQL (compileScoringSql) on DuckDB,
// against scikit-learn scoring the same rows in Python, in one run:
//   - a 100-tree random forest (max depth 10) trained by the local trainer (trainLocal) on 50k rows
//     of a 30-feature table (24 numeric, 6 categorical; NULLs in both kinds);
//   - 1M other rows (with NULLs and levels the model never saw) scored
//       SQL:    read the Parquet, score, write the Parquet (the worker's engine, LocalEngine);
//               printed apart: DuckDB planning the query (EXPLAIN) and the same read + write
//               with no scoring (SELECT *), so what remains is the scoring itself;
//       Python: sous_ml.predict: model.pkl's predict_proba on the same rows (timed alone; reading
//               the Parquet into the feature matrix and writing are printed apart, and so is
//               predict for the label column, which a forest computes by running predict_proba
//               again: it counts in neither side's total);
//   - the two outputs compared row by row: max abs difference of the probabilities, and labels.
// Run: pnpm run bench:ml-scoring [rows] [--compare-case]   (default 1,000,000 rows)
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { compileScoringSql, renderWriteParquet, type TreeStrategy } from "@sous/compiler";
import { duckString, LocalEngine } from "@sous/engine-local";
import { PortableModelSchema, type TrainRequest } from "@sous/ml";
import { defaultPython, mlLocalAvailability, repoRoot, trainLocal } from "@sous/ml-local";

const ROWS = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const TRAIN_ROWS = 50_000;
const TREES = 100;
const NUMERIC = 24;
const CATEGORICAL = 6;

const available = mlLocalAvailability();
if (!available.ok) throw new Error(`cannot run: ${available.reason}`);

const dir = path.join(tmpdir(), `sous-bench-ml-scoring-${randomBytes(4).toString("hex")}`);
const trainDir = path.join(dir, "train");
const scoreDir = path.join(dir, "score");
const sqlOut = path.join(dir, "sql-out");
const pyOut = path.join(dir, "python-out.parquet");
for (const d of [trainDir, scoreDir, sqlOut]) mkdirSync(d, { recursive: true });
const engine = await LocalEngine.create({ allowedDirectories: [dir] });
const ms = (start: number) => performance.now() - start;

// Deterministic rows: each "random" draw hashes the row number; `salt` keeps the scored rows
// apart from the training rows, and `unseen` adds levels the training rows never have.
const u = (k: number) => `((hash(i * 64 + ${k}) % 1000003)::DOUBLE / 1000003)`;
function tableSql(rows: number, salt: number, unseen: boolean): string {
  const cols: string[] = [`i::INTEGER AS rid`, `${u(63)} * 12 AS noise`];
  for (let f = 0; f < NUMERIC; f++) {
    const value = `${u(f)} * ${10 + f} - ${f}`;
    cols.push(
      f % 4 === 0
        ? `CASE WHEN (i + ${f}) % 29 = 0 THEN NULL ELSE ${value} END AS n${f}`
        : `${value} AS n${f}`,
    );
  }
  for (let c = 0; c < CATEGORICAL; c++) {
    const levels = 3 + c * 3;
    const pick = `'l' || (hash(i * 64 + ${40 + c}) % ${levels})::VARCHAR`;
    const extra = unseen ? `WHEN (i + ${c}) % 97 = 0 THEN 'never-seen'` : "";
    cols.push(`CASE WHEN (i + ${c}) % 31 = 0 THEN NULL ${extra} ELSE ${pick} END AS c${c}`);
  }
  const signal = [
    "coalesce(n0, 5) * 0.8",
    "n1 * 0.3",
    "n2 * -0.2",
    "CASE WHEN n3 > 5 THEN 3 ELSE -1 END",
    "CASE c0 WHEN 'l1' THEN 4 WHEN 'l2' THEN -3 ELSE 0 END",
    "CASE c2 WHEN 'l4' THEN 2.5 ELSE 0 END",
    "noise",
  ].join(" + ");
  return `SELECT * EXCLUDE (noise), ${signal} > 8 AS label FROM (SELECT ${cols.join(", ")} FROM range(${salt}, ${salt} + ${rows}) AS t(i))`;
}

let start = performance.now();
await engine.runWrite(
  `COPY (${tableSql(TRAIN_ROWS, 0, false)}) TO ${duckString(path.join(trainDir, "part-0.parquet"))} (FORMAT parquet)`,
);
await engine.runWrite(
  `COPY (${tableSql(ROWS, 10_000_000, true)}) TO ${duckString(path.join(scoreDir, "part-0.parquet"))} (FORMAT parquet)`,
);
console.log(
  `data: ${TRAIN_ROWS} training rows, ${ROWS} rows to score, ${NUMERIC + CATEGORICAL} features (${ms(start).toFixed(0)} ms)`,
);

const features: TrainRequest["features"] = [
  ...Array.from({ length: NUMERIC }, (_, f) => ({
    name: `n${f}`,
    type: "numeric" as const,
    impute: { method: f % 8 === 0 ? ("median" as const) : ("mean" as const) },
    rescale: f % 3 === 0 ? ("standard" as const) : ("none" as const),
  })),
  ...Array.from({ length: CATEGORICAL }, (_, c) => ({
    name: `c${c}`,
    type: "categorical" as const,
    impute: { method: "most_frequent" as const },
    maxLevels: 8,
  })),
];
start = performance.now();
const trained = await trainLocal({
  parquet: trainDir,
  task: "binary",
  target: "label",
  features,
  validation: { kind: "random_split", testRatio: 0.2, seed: 11 },
  algorithms: [
    { algorithm: "randomForest", nTrees: TREES, maxDepth: 10, minSamplesLeaf: 2 },
    { algorithm: "logistic", C: 1, maxIter: 1000 },
  ],
  metric: "auc",
  outputDir: path.join(dir, "model"),
});
if (!trained.ok) throw new Error(trained.error.message);
console.log(
  `trained a ${TREES}-tree random forest (auc ${trained.models[0]!.metrics.auc?.toFixed(4)}) and a logistic regression (auc ${trained.models[1]!.metrics.auc?.toFixed(4)}) in ${ms(start).toFixed(0)} ms`,
);
const { schema } = await engine.describeParquet(scoreDir);
// The SQL side's floor: the same rows read and written with no scoring.
rmSync(sqlOut, { recursive: true, force: true });
mkdirSync(sqlOut, { recursive: true });
start = performance.now();
await engine.runWrite(
  renderWriteParquet({
    selectSql: `SELECT * FROM read_parquet(${duckString(`${scoreDir}/*.parquet`)})`,
    path: sqlOut,
    dialect: "duckdb",
  }),
);
const copyMs = ms(start);

interface Run {
  label: string;
  sqlMs: number;
  planMs: number;
  predictMs: number;
  pythonMs: number;
  maxDiff: number;
  mismatches: number;
}

/** Scores every row with one model and one tree strategy, in SQL and in Python; compares them. */
async function run(index: number, trees: TreeStrategy = "walk"): Promise<Run> {
  const fitted = trained.ok ? trained.models[index]! : null;
  if (!fitted) throw new Error("no model");
  const model = PortableModelSchema.parse(
    JSON.parse(readFileSync(path.join(dir, "model", fitted.portable!), "utf8")),
  );
  const nodes =
    model.model.kind === "trees" ? model.model.trees.reduce((n, t) => n + t.feature.length, 0) : 0;
  const label = model.model.kind === "trees" ? `forest (${trees})` : "logistic";
  let t0 = performance.now();
  const compiled = compileScoringSql({
    model,
    dialect: "duckdb",
    input: { name: "score", schema, location: { format: "parquet", path: scoreDir } },
    trees,
  });
  console.log(
    `${label}: ${nodes ? `${nodes} tree nodes, ` : ""}${(compiled.sql.length / 1e6).toFixed(2)} MB of SQL (portable JSON ${(JSON.stringify(model).length / 1e6).toFixed(2)} MB), compiled in ${ms(t0).toFixed(0)} ms`,
  );
  // SQL: read, score, write, as a scoring recipe runs on the worker.
  rmSync(sqlOut, { recursive: true, force: true });
  mkdirSync(sqlOut, { recursive: true });
  t0 = performance.now();
  await engine.runWrite(renderWriteParquet({ selectSql: compiled.sql, path: sqlOut, dialect: "duckdb" }));
  const sqlMs = ms(t0);
  // Planning alone: the same statement, explained (parsed, bound, optimized, not run).
  t0 = performance.now();
  await engine.withConnection((c) =>
    c.run(`EXPLAIN ${renderWriteParquet({ selectSql: compiled.sql, path: sqlOut, dialect: "duckdb" })}`),
  );
  const planMs = ms(t0);
  // Python: the same rows through model.pkl.
  const py = spawnSync(defaultPython, ["-m", "sous_ml.predict", "-"], {
    cwd: path.join(repoRoot, "python"),
    env: { ...process.env, PYTHONPATH: path.join(repoRoot, "python") },
    input: JSON.stringify({
      pickle: path.join(dir, "model", fitted.pickle),
      parquet: scoreDir,
      features,
      task: "binary",
      output: pyOut,
      keep: ["rid"],
    }),
    encoding: "utf8",
  });
  if (py.status !== 0) throw new Error(`sous_ml.predict failed: ${py.stderr}`);
  const times = JSON.parse(py.stdout) as {
    readMs: number;
    predictMs: number;
    labelMs: number;
    writeMs: number;
  };
  // Row by row: both probabilities, and the label (scikit-learn's predict on the same rows).
  const [p0, p1] = compiled.probabilityColumns.map((p) => `s.${JSON.stringify(p.column)}`);
  const diff = await engine.withConnection(async (c) => {
    const r = await c.runAndReadAll(
      `SELECT count(*) AS n, max(greatest(abs(${p0} - p.p0), abs(${p1} - p.p1))) AS max_diff,
         count(*) FILTER (WHERE s.prediction <> p.prediction) AS label_mismatches
       FROM read_parquet(${duckString(`${sqlOut}/*.parquet`)}) AS s
       JOIN read_parquet(${duckString(pyOut)}) AS p USING (rid)`,
    );
    return r.getRowObjectsJS()[0] as { n: bigint; max_diff: number; label_mismatches: bigint };
  });
  if (Number(diff.n) !== ROWS) throw new Error(`compared ${diff.n} rows, expected ${ROWS}`);
  const result = {
    label,
    sqlMs,
    planMs,
    predictMs: times.predictMs,
    pythonMs: times.readMs + times.predictMs + times.writeMs,
    maxDiff: diff.max_diff,
    mismatches: Number(diff.label_mismatches),
  };
  console.log(
    `${label}: SQL on DuckDB (${availableParallelism()} cores) ${sqlMs.toFixed(0)} ms read + score + write (of which ${planMs.toFixed(0)} ms planning; ${copyMs.toFixed(0)} ms for the same read + write without scoring); scikit-learn predict_proba ${times.predictMs.toFixed(0)} ms (+ ${times.readMs.toFixed(0)} ms loading the model and reading the Parquet into its feature matrix, ${times.writeMs.toFixed(0)} ms writing; predict for the labels ${times.labelMs.toFixed(0)} ms more); ` +
      `${ROWS} rows compared: max abs probability difference ${result.maxDiff}, ${result.mismatches} label mismatches; ` +
      `SQL is ${(result.predictMs / sqlMs).toFixed(2)}x predict_proba's speed, ${(result.pythonMs / sqlMs).toFixed(2)}x Python end to end`,
  );
  return result;
}

// The linear model for comparison (and, with --compare-case, trees as nested CASE, ~2x slower
// than the walk); the last line is the forest as compileScoringSql writes it by default.
await run(1);
if (process.argv.includes("--compare-case")) await run(0, "case");
const forest = await run(0, "walk");
engine.close();
rmSync(dir, { recursive: true, force: true });
console.log(
  `ml-scoring: sql scoring max diff ${forest.maxDiff}, ${(forest.predictMs / forest.sqlMs).toFixed(2)}x faster than Python scoring`,
);
