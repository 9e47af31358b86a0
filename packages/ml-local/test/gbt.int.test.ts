import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { type Metric, type MlTask, PortableModelSchema, scorePortable, type TrainRequest } from "@sous/ml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mlLocalAvailability, trainLocal } from "../src/index.ts";

// Gradient boosted trees on the real scikit-learn: each task trains, and the portable model
// (boosted kind: the initial score plus each tree's leaf times the learning rate, then the link)
// gives scikit-learn's own predictions on the test rows.
const available = mlLocalAvailability();
const title = available.ok
  ? "local trainer: gradient boosted trees"
  : `local trainer, gradient boosted trees: SKIPPED, ${available.reason}`;

const u = (k: number) => `((hash(i * 10 + ${k}) % 1000000)::DOUBLE / 1000000)`;
const SEED_SQL = `
  WITH base AS (
    SELECT i, CASE WHEN i % 13 = 0 THEN NULL ELSE ${u(1)} * 20 - 10 END AS x1, ${u(2)} * 100 AS x2,
      ['red', 'green', 'blue', 'black', 'white'][1 + (hash(i * 10 + 3) % 5)::INT] AS colour, ${u(4)} AS noise
    FROM range(1500) t(i))
  SELECT x1, x2, colour,
    coalesce(x1, 0) + (x2 - 50) / 10 + CASE colour WHEN 'red' THEN 4 ELSE 0 END + noise * 6 - 3 > 0 AS label,
    CASE WHEN x2 + coalesce(x1, 0) * 3 < 35 THEN 'low' WHEN x2 + coalesce(x1, 0) * 3 < 70 THEN 'mid' ELSE 'high' END AS band,
    3 * coalesce(x1, 0) + 0.5 * x2 + noise * 2 AS amount
  FROM base`;

let dir: string;

describe.skipIf(!available.ok)(title, { timeout: 180_000 }, () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "sous-ml-gbt-"));
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    await c.run(`COPY (${SEED_SQL}) TO '${path.join(dir, "data.parquet")}' (FORMAT parquet)`);
    c.closeSync();
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cases: [MlTask, string, Metric, string, number][] = [
    ["binary", "label", "auc", "auc", 0.9],
    ["multiclass", "band", "accuracy", "accuracy", 0.8],
    ["regression", "amount", "r2", "r2", 0.9],
  ];
  for (const [task, target, metric, check, floor] of cases)
    it(`${task}: sensible metrics, and the portable model equals scikit-learn`, async () => {
      const request: TrainRequest = {
        parquet: path.join(dir, "data.parquet"),
        task,
        target,
        features: [
          { name: "x1", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
          { name: "x2", type: "numeric", impute: { method: "median" }, rescale: "minmax" },
          { name: "colour", type: "categorical", impute: { method: "most_frequent" }, maxLevels: 3 },
        ],
        validation: { kind: "random_split", testRatio: 0.2, seed: 3 },
        algorithms: [{ algorithm: "gbt", nTrees: 40, learningRate: 0.2, maxDepth: 3, minSamplesLeaf: 2 }],
        metric,
        outputDir: path.join(dir, task),
        sampleRows: 300,
      };
      const result = await trainLocal(request);
      if (!result.ok) throw new Error(result.error.message);
      const m = result.models[0]!;
      expect(m.metrics[check as Metric]).toBeGreaterThan(floor);
      const model = PortableModelSchema.parse(
        JSON.parse(readFileSync(path.join(dir, task, m.portable!), "utf8")),
      );
      expect(model.model.kind).toBe("boosted");
      let maxDiff = 0;
      result.sample.forEach((row, r) => {
        const s = scorePortable(model, row);
        const expected = m.sample.prediction[r];
        if (task === "regression")
          maxDiff = Math.max(maxDiff, Math.abs((s.prediction as number) - (expected as number)));
        else expect(s.prediction).toBe(expected);
        m.sample.probabilities?.[r]?.forEach((p, k) => {
          maxDiff = Math.max(maxDiff, Math.abs(p - s.probabilities![k]!));
        });
      });
      console.log(
        `[gbt local] ${task}: ${check} ${m.metrics[check as Metric]?.toFixed(4)}, portable max diff ${maxDiff}`,
      );
      expect(maxDiff).toBeLessThan(1e-12);
    });
});
