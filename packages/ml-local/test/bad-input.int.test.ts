import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { PortableModelSchema, type TrainRequest, type TrainResult } from "@sous/ml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mlLocalAvailability, trainLocal } from "../src/index.ts";

// Issue #15's bad input, against the real trainer (the venv's scikit-learn): what cannot train
// is refused with a message that says what to fix (a target NULL on every row, too few rows for
// the validation, a regression target that is not a number, a feature of the wrong type, features
// NULL on every row: scikit-learn failed on those with a shape error naming none), and
// what merely looks hostile trains within bounds: a constant feature, a categorical with 100,000
// levels (one-hot keeps the most frequent maxLevels, the rest are "others"), a text column of
// 1 MB cells (tf-idf reads each cell's first maxChars characters only).
const available = mlLocalAvailability();

let dir: string;
/** Parquet files by name, written by DuckDB from SQL over range(). */
const files: Record<string, string> = {};

const TABLES: Record<string, string> = {
  // 400 rows: x drives the label; `flat` is 1 everywhere, `gone` and `nothing` NULL everywhere.
  small: `SELECT i, (hash(i) % 1000) / 100.0 AS x, 1 AS flat, NULL::DOUBLE AS gone,
      NULL::VARCHAR AS nothing, (hash(i) % 1000) / 100.0 + (hash(i * 7) % 300) / 100.0 > 6.5 AS label,
      ['a', 'b', 'c'][1 + i % 3] AS letter
    FROM range(400) t(i)`,
  tiny: `SELECT i AS x, i % 2 = 0 AS label FROM range(4) t(i)`,
  // 120,000 rows, 100,000 distinct levels: 20 frequent ones carry the signal, the rest are unique.
  levels: `SELECT i, CASE WHEN i < 100000 THEN 'rare-' || i ELSE 'common-' || (i % 20) END AS level,
      (hash(i) % 1000) / 100.0 AS x,
      (CASE WHEN i >= 100000 AND i % 20 < 10 THEN 3 ELSE 0 END) + (hash(i) % 1000) / 100.0
        + (hash(i * 3) % 400) / 100.0 > 7 AS label
    FROM range(120000) t(i)`,
  // 40 rows, each text cell 1 MB: a word that tells the label, then padding.
  text: `SELECT i, CASE WHEN i % 2 = 0 THEN 'refund please ' ELSE 'thanks great ' END
        || repeat('lorem ipsum dolor ', 58255) AS note, i % 2 = 0 AS label
    FROM range(40) t(i)`,
};

function request(file: string, over: Partial<TrainRequest>): TrainRequest {
  return {
    parquet: files[file]!,
    task: "binary",
    target: "label",
    features: [{ name: "x", type: "numeric", impute: { method: "mean" }, rescale: "standard" }],
    validation: { kind: "random_split", testRatio: 0.25, seed: 7 },
    algorithms: [{ algorithm: "logistic", C: 1, maxIter: 500 }],
    metric: "auc",
    outputDir: path.join(dir, `out-${file}-${Math.random().toString(36).slice(2)}`),
    ...over,
  };
}

const refusal = (result: TrainResult) => (result.ok ? null : result.error);

describe.skipIf(!available.ok)("local trainer on bad input", { timeout: 240_000 }, () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "sous-ml-bad-"));
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    for (const [name, sql] of Object.entries(TABLES)) {
      files[name] = path.join(dir, `${name}.parquet`);
      await c.run(`COPY (${sql}) TO '${files[name]}' (FORMAT parquet)`);
    }
    c.closeSync();
    db.closeSync();
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("refuses what cannot train, saying what to fix", async () => {
    const empty = await trainLocal(request("small", { target: "nothing", task: "binary" }));
    expect(refusal(empty)).toEqual({
      code: "ML_TARGET_EMPTY",
      message: expect.stringContaining("the target nothing is empty (NULL on every row)"),
    });
    const folds = await trainLocal(request("tiny", { validation: { kind: "kfold", k: 5, seed: 1 } }));
    expect(refusal(folds)).toEqual({
      code: "ML_TOO_FEW_ROWS",
      message: expect.stringContaining("4 rows with a target are too few for 5 folds: use fewer folds"),
    });
    const notNumber = await trainLocal(
      request("small", {
        task: "regression",
        target: "letter",
        metric: "r2",
        algorithms: [{ algorithm: "linear", alpha: 1 }],
      }),
    );
    expect(refusal(notNumber)).toEqual({
      code: "ML_TARGET_TYPE",
      message: expect.stringContaining("a regression target must be numeric; letter is"),
    });
    const numericText = await trainLocal(
      request("small", {
        features: [{ name: "letter", type: "numeric", impute: { method: "mean" }, rescale: "none" }],
      }),
    );
    const empties = await trainLocal(
      request("small", {
        features: [
          { name: "x", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
          { name: "gone", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
          { name: "nothing", type: "categorical", impute: { method: "most_frequent" }, maxLevels: 5 },
        ],
      }),
    );
    expect(refusal(empties)).toEqual({
      code: "ML_FEATURE_EMPTY",
      message: expect.stringContaining(
        "features gone, nothing have no value on the training rows: exclude them",
      ),
    });
    expect(refusal(numericText)).toEqual({
      code: "ML_FEATURE_TYPE",
      message: expect.stringContaining("feature letter is handled as numeric but its column is"),
    });
  });

  it("trains with a constant feature next to a real one", async () => {
    const result = await trainLocal(
      request("small", {
        features: [
          { name: "x", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
          { name: "flat", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
        ],
      }),
    );
    if (!result.ok) throw new Error(result.error.message);
    const auc = result.models[0]!.metrics.auc!;
    expect(Number.isFinite(auc)).toBe(true);
    expect(auc).toBeGreaterThan(0.7);
  });

  it("keeps the most frequent levels of a categorical with 100,000 levels, the rest as others", async () => {
    const started = performance.now();
    const req = request("levels", {
      features: [
        { name: "x", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
        { name: "level", type: "categorical", impute: { method: "most_frequent" }, maxLevels: 20 },
      ],
    });
    const result = await trainLocal(req);
    if (!result.ok) throw new Error(result.error.message);
    const ms = performance.now() - started;
    const portable = PortableModelSchema.parse(
      JSON.parse(readFileSync(path.join(req.outputDir, result.models[0]!.portable!), "utf8")),
    );
    const level = portable.features.find((f) => f.name === "level");
    if (level?.type !== "categorical") throw new Error("no categorical feature in the portable model");
    // The 20 frequent levels (6,000 rows between them in the training rows), each unique one grouped.
    expect(level.levels).toHaveLength(20);
    expect(level.levels.every((l) => l.startsWith("common-"))).toBe(true);
    expect(level.others).toBe(true);
    expect(result.models[0]!.metrics.auc!).toBeGreaterThan(0.6);
    console.log(`[bad input] 120,000 rows with 100,000 levels trained in ${Math.round(ms)} ms`);
  });

  it("reads only the first maxChars characters of 1 MB text cells", async () => {
    const started = performance.now();
    const req = request("text", {
      features: [{ name: "note", type: "text", method: "tfidf", maxFeatures: 50, maxChars: 200 }],
      validation: { kind: "random_split", testRatio: 0.25, seed: 3 },
    });
    const result = await trainLocal(req);
    if (!result.ok) throw new Error(result.error.message);
    const ms = performance.now() - started;
    const portable = PortableModelSchema.parse(
      JSON.parse(readFileSync(path.join(req.outputDir, result.models[0]!.portable!), "utf8")),
    );
    const note = portable.features.find((f) => f.name === "note");
    if (note?.type !== "text") throw new Error("no text feature in the portable model");
    expect(note.maxChars).toBe(200);
    expect(note.vocabulary.length).toBeLessThanOrEqual(50);
    // The words that tell the label are in the first characters, and so in the vocabulary.
    expect(note.vocabulary).toEqual(expect.arrayContaining(["refund", "thanks"]));
    expect(result.models[0]!.metrics.auc).toBe(1);
    console.log(`[bad input] 40 text cells of 1 MB trained in ${Math.round(ms)} ms`);
  });
});
