import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { AppError } from "@sous/contracts";
import type { TrainRequest, TrainResult } from "@sous/ml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  defaultPython,
  mlLocalAvailability,
  PythonScorer,
  type PythonScores,
  repoRoot,
  trainLocal,
} from "../src/index.ts";

// The Python scoring pool (python/sous_ml/serve.py) against the trainer's own predictions: the
// trainer keeps scikit-learn's predict/predict_proba of sampled test rows, and the pool must give
// the same answers for those rows from the pickled pipeline, through its JSON-lines protocol.
const available = mlLocalAvailability();

const u = (k: number) => `((hash(i * 10 + ${k}) % 1000000)::DOUBLE / 1000000)`;
const SEED_SQL = `
  SELECT CASE WHEN i % 13 = 0 THEN NULL ELSE ${u(1)} * 20 - 10 END AS x1, ${u(2)} * 100 AS x2,
    CASE WHEN i % 11 = 0 THEN NULL ELSE ['red', 'green', 'blue', 'gold'][1 + (hash(i * 10 + 3) % 4)::INT] END AS colour,
    coalesce(x1, 0) + (x2 - 50) / 10 + CASE colour WHEN 'red' THEN 4 ELSE 0 END + ${u(4)} * 6 - 3 > 0 AS label,
    3 * coalesce(x1, 0) + 0.5 * x2 + ${u(5)} * 2 AS amount,
    CASE WHEN coalesce(colour, 'gold') IN ('red', 'gold') AND ${u(6)} < 0.8 THEN 'warm'
      WHEN coalesce(x1, 0) < 0 THEN 'cold' ELSE 'mild' END AS band
  FROM range(2000) t(i)`;
const features: TrainRequest["features"] = [
  { name: "x1", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
  { name: "x2", type: "numeric", impute: { method: "median" }, rescale: "minmax" },
  { name: "colour", type: "categorical", impute: { method: "most_frequent" }, maxLevels: 3 },
];

describe.skipIf(!available.ok)("Python scoring pool (sous_ml.serve)", { timeout: 240_000 }, () => {
  let dir: string;
  let scorer: PythonScorer;
  const train = async (
    task: "binary" | "regression" | "multiclass",
    target: string,
    feats: TrainRequest["features"] = features,
  ): Promise<TrainResult & { ok: true }> => {
    const result = await trainLocal({
      parquet: path.join(dir, "data.parquet"),
      task,
      target,
      features: feats,
      validation: { kind: "random_split", testRatio: 0.25, seed: 7 },
      metric: task === "binary" ? "auc" : task === "multiclass" ? "accuracy" : "r2",
      algorithms: [
        { algorithm: "randomForest", nTrees: 20, maxDepth: 8, minSamplesLeaf: 2 },
        task !== "regression"
          ? { algorithm: "logistic", C: 1, maxIter: 1000 }
          : { algorithm: "linear", alpha: 1 },
      ],
      outputDir: path.join(dir, target),
      sampleRows: 300,
    } as TrainRequest);
    if (!result.ok) throw new Error(result.error.message);
    return result;
  };
  const modelOf = (r: TrainResult & { ok: true }, target: string, i: number) => ({
    pickle: path.join(dir, target, r.models[i]!.pickle),
    task: r.task,
    classes: r.classes,
    features,
  });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "sous-pyscore-"));
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    await c.run(`COPY (${SEED_SQL}) TO '${path.join(dir, "data.parquet")}' (FORMAT parquet)`);
    c.closeSync();
    scorer = new PythonScorer({ size: 2 });
  });
  afterAll(async () => {
    await scorer?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("gives scikit-learn's own predictions and probabilities (binary and regression, forest and linear)", async () => {
    for (const [task, target] of [
      ["binary", "label"],
      ["regression", "amount"],
    ] as const) {
      const r = await train(task, target);
      for (let i = 0; i < r.models.length; i++) {
        const got = await scorer.score(modelOf(r, target, i), r.sample);
        const want = r.models[i]!.sample;
        expect(got.predictions).toHaveLength(r.sample.length);
        let maxDiff = 0;
        got.predictions.forEach((p, row) => {
          if (task === "regression")
            maxDiff = Math.max(maxDiff, Math.abs((p as number) - (want.prediction[row] as number)));
          else expect(p).toBe(want.prediction[row]);
          want.probabilities?.[row]?.forEach((q, k) => {
            maxDiff = Math.max(maxDiff, Math.abs(q - got.probabilities![row]![k]!));
          });
        });
        expect(maxDiff).toBeLessThanOrEqual(1e-9);
        if (task === "binary") expect(got.probabilities).toHaveLength(r.sample.length);
      }
    }
  });

  /** Max |difference| of the pool's answers from the trainer's (labels must be equal). */
  const diffFromTrainer = (
    got: PythonScores,
    want: (TrainResult & { ok: true })["models"][number]["sample"],
  ) => {
    let maxDiff = 0;
    got.predictions.forEach((p, row) => {
      expect(p).toBe(want.prediction[row]);
      want.probabilities?.[row]?.forEach((q, k) => {
        maxDiff = Math.max(maxDiff, Math.abs(q - got.probabilities![row]![k]!));
      });
    });
    return maxDiff;
  };

  it("scores target encoding as the trainer: a multiclass target's mean per class, and a pipeline pickled before that (one column)", async () => {
    const encoded = features.map((f) =>
      f.name === "colour" ? { ...f, encoding: "target" as const, smoothing: 5 } : f,
    );
    const multi = await train("multiclass", "band", encoded);
    expect(multi.classes).toEqual(["cold", "mild", "warm"]);
    for (let i = 0; i < multi.models.length; i++) {
      const got = await scorer.score({ ...modelOf(multi, "band", i), features: encoded }, multi.sample);
      expect(got.probabilities![0]).toHaveLength(3);
      expect(diffFromTrainer(got, multi.models[i]!.sample)).toBeLessThanOrEqual(1e-9);
    }
    // A binary model whose encoder is made as pickled before multiclass encoding existed (only
    // prior_ and values_): the pool loads it and answers as the trainer did.
    const binary = await train("binary", "label", encoded);
    const current = path.join(dir, "label", binary.models[1]!.pickle);
    const old = path.join(dir, "old-model.pkl");
    const run = spawnSync(
      defaultPython,
      [
        "-c",
        `import joblib, sys
p = joblib.load(sys.argv[1])
enc = p.named_steps["prep"].named_transformers_["colour"].named_steps["target"]
for a in ("priors_", "columns_", "classes_"):
    delattr(enc, a)
joblib.dump(p, sys.argv[2])`,
        current,
        old,
      ],
      {
        cwd: path.join(repoRoot, "python"),
        env: { ...process.env, PYTHONPATH: path.join(repoRoot, "python") },
        encoding: "utf8",
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const got = await scorer.score(
      { ...modelOf(binary, "label", 1), pickle: old, features: encoded },
      binary.sample,
    );
    expect(diffFromTrainer(got, binary.models[1]!.sample)).toBeLessThanOrEqual(1e-9);
  });

  it("names the feature of a wrong-typed cell, imputes a missing one, and survives a killed process", async () => {
    const r = await train("binary", "label");
    const model = modelOf(r, "label", 0);
    const wrong = scorer.score(model, [{ x1: "ten", x2: 3, colour: "red" }]);
    await expect(wrong).rejects.toThrow(AppError);
    await expect(wrong).rejects.toThrow(/feature x1 is numeric/);
    const missing = await scorer.score(model, [{}]);
    expect(missing.probabilities![0]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);

    // Kill every process: the next request starts a new one and is answered.
    const before = await scorer.score(model, r.sample.slice(0, 5));
    for (const child of (scorer as unknown as { processes: { child: { kill(s: string): void } }[] })
      .processes)
      child.child.kill("SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await scorer.score(model, r.sample.slice(0, 5));
    expect(after).toEqual(before);
  });
});
