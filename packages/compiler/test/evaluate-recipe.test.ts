import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { DatasetSchema, RecipeSpec } from "@sous/contracts";
import type { PortableModel } from "@sous/ml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CompileError, type CompileInput, compilePipeline, compileRecipe } from "../src/index.ts";

// The evaluate recipe kind: the scored rows plus `correct`/`error`, and one row of metrics computed
// in SQL. Run on real DuckDB; the metrics are checked against scikit-learn's (the venv's Python)
// on the very rows DuckDB scored, to 1e-9. The SQL of both engines is kept as golden files.

const python = resolve(__dirname, "../../../.venv/bin/python");

const features: PortableModel["features"] = [
  { name: "x", type: "numeric", impute: 0.5, rescale: { kind: "standard", mean: 1, scale: 2 } },
  { name: "cat", type: "categorical", impute: "u", levels: ["u", "v"], others: true },
];
const models: Record<"binary" | "multiclass" | "regression", PortableModel> = {
  binary: {
    format: "sous-portable-model",
    version: 1,
    task: "binary",
    classes: ["no", "yes"],
    features,
    model: { kind: "linear", link: "logistic", coefficients: [[0.9, -0.4, 0.7, 0.2]], intercepts: [-0.1] },
  },
  multiclass: {
    format: "sous-portable-model",
    version: 1,
    task: "multiclass",
    classes: ["a", "b", "c"],
    features,
    model: {
      kind: "linear",
      link: "softmax",
      coefficients: [
        [0.7, -0.2, 0.4, 0.1],
        [-0.3, 0.5, -0.6, 0.2],
        [0.1, 0.05, 0.3, -0.9],
      ],
      intercepts: [0.1, -0.2, 0.05],
    },
  },
  regression: {
    format: "sous-portable-model",
    version: 1,
    task: "regression",
    classes: null,
    features,
    model: { kind: "linear", link: "identity", coefficients: [[1.5, 0.3, -0.8, 0.1]], intercepts: [2] },
  },
};
const context = (task: keyof typeof models) => ({
  scoringModel: {
    savedModelId: "sm1",
    savedModelName: "churn",
    versionId: "v1",
    versionNumber: 3,
    portable: models[task],
  },
  evaluatedAt: "2026-12-07T07:30:00.250Z",
});
const evaluate = (labelColumn: string): RecipeSpec => ({
  kind: "evaluate",
  version: 1,
  params: { savedModelId: "sm1", labelColumn },
});
const schema: DatasetSchema = [
  { name: "id", type: "integer" },
  { name: "x", type: "double" },
  { name: "cat", type: "string" },
  { name: "yb", type: "string" },
  { name: "ym", type: "string" },
  { name: "yr", type: "double" },
];

// 300 rows from a fixed LCG; x takes few values so that scores tie (AUC's average ranks matter).
function makeRows() {
  let s = 12345;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const out: string[] = [];
  for (let id = 1; id <= 300; id++) {
    const x = rnd() < 0.05 ? "NULL" : String(Math.round(rnd() * 8) / 2 - 1);
    const cat = ["'u'", "'v'", "'w'", "NULL"][Math.floor(rnd() * 4)];
    const yb = rnd() < 0.03 ? "NULL" : rnd() < 0.45 ? "'yes'" : "'no'";
    // "d" is a label the model does not know: it counts in macro F1 (as unique_labels does).
    const ym = ["'a'", "'b'", "'c'", "'c'", "'d'"][Math.floor(rnd() * (id % 50 === 0 ? 5 : 4))];
    const yr = (rnd() * 10 - 3).toFixed(3);
    out.push(`(${id}, ${x}::DOUBLE, ${cat}, ${yb}, ${ym}, ${yr}::DOUBLE)`);
  }
  return out.join(", ");
}

let dir: string;
let input: CompileInput;
let instance: DuckDBInstance;
let c: DuckDBConnection;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "evaluate-recipe-"));
  instance = await DuckDBInstance.create(":memory:");
  c = await instance.connect();
  await c.run(
    `COPY (SELECT col0::INTEGER AS id, col1 AS x, col2 AS cat, col3 AS yb, col4 AS ym, col5 AS yr FROM (VALUES ${makeRows()})) TO '${dir}/part-0.parquet' (FORMAT parquet)`,
  );
  input = { name: "labelled", schema, location: { format: "parquet", path: dir } };
});
afterAll(() => {
  c?.closeSync();
  instance?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

async function run(sql: string, order = "") {
  const r = await c.runAndReadAll(`SELECT * FROM (${sql}) ${order}`);
  const names = r.columnNames();
  return r.getRowsJS().map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]])));
}

/** scikit-learn's metrics of these rows (the labelled ones), computed by the venv's Python. */
function sklearnMetrics(task: string, classes: unknown, rows: Record<string, unknown>[], label: string) {
  const script = `
import json, sys
import numpy as np
from sklearn import metrics as M
d = json.load(sys.stdin)
rows = [r for r in d["rows"] if r[d["label"]] is not None]
y = [r[d["label"]] for r in rows]
yhat = [r["prediction"] for r in rows]
out = {"rows": len(rows)}
if d["task"] == "regression":
    out["r2"] = M.r2_score(y, yhat); out["rmse"] = M.root_mean_squared_error(y, yhat); out["mae"] = M.mean_absolute_error(y, yhat)
else:
    cls = d["classes"]
    proba = np.array([[r["proba_" + k] for k in cls] for r in rows])
    out["accuracy"] = M.accuracy_score(y, yhat)
    if all(v in cls for v in y):
        out["log_loss"] = M.log_loss(y, proba, labels=cls)
    if d["task"] == "binary":
        yt = [1 if v == cls[1] else 0 for v in y]
        out["auc"] = M.roc_auc_score(yt, proba[:, 1])
        out["precision"] = M.precision_score(y, yhat, pos_label=cls[1])
        out["recall"] = M.recall_score(y, yhat, pos_label=cls[1])
        out["f1"] = M.f1_score(y, yhat, pos_label=cls[1])
    else:
        out["macro_f1"] = M.f1_score(y, yhat, average="macro")
print(json.dumps(out))
`;
  const text = execFileSync(python, ["-c", script], {
    input: JSON.stringify({ task, classes, rows, label }),
    encoding: "utf8",
  });
  return JSON.parse(text) as Record<string, number>;
}

const cases = [
  { task: "binary", label: "yb", metrics: ["auc", "accuracy", "precision", "recall", "f1", "log_loss"] },
  { task: "multiclass", label: "ym", metrics: ["accuracy", "macro_f1", "log_loss"] },
  { task: "regression", label: "yr", metrics: ["r2", "rmse", "mae"] },
] as const;

// Each case starts a Python that imports scikit-learn: seconds on a busy machine.
describe.skipIf(!existsSync(python))("evaluate recipe", { timeout: 60_000 }, () => {
  for (const { task, label, metrics } of cases)
    it(`${task}: scored rows with ${task === "regression" ? "error" : "correct"}, and metrics equal to scikit-learn's`, async () => {
      const compiled = compileRecipe({
        spec: evaluate(label),
        inputs: [input],
        dialect: "duckdb",
        context: context(task),
      });
      // Golden SQL over a fixed path (the executed one reads a temporary folder).
      const fixed = { ...input, location: { format: "parquet" as const, path: "/data/labelled" } };
      const golden = compileRecipe({
        spec: evaluate(label),
        inputs: [fixed],
        dialect: "duckdb",
        context: context(task),
      });
      const spark = compileRecipe({
        spec: evaluate(label),
        inputs: [fixed],
        dialect: "spark",
        context: context(task),
      });
      await expect(golden.sqlPerOutput!.join(";\n\n")).toMatchFileSnapshot(
        `__snapshots__/evaluate-${task}.duckdb.sql`,
      );
      await expect(spark.sqlPerOutput!.join(";\n\n")).toMatchFileSnapshot(
        `__snapshots__/evaluate-${task}.spark.sql`,
      );
      expect(spark.steps.map((s) => [s.id, s.engines.spark.level])).toEqual([
        ["score", "full"],
        ["metrics", "full"],
      ]);
      expect(compiled.outputSchemas[1]!.map((col) => col.name)).toEqual([
        "evaluated_at",
        "saved_model",
        "model_version",
        "rows",
        ...metrics,
      ]);
      const scored = await run(compiled.sqlPerOutput![0]!, "ORDER BY id");
      expect(scored).toHaveLength(300);
      expect(Object.keys(scored[0]!)).toEqual(compiled.outputSchemas[0]!.map((col) => col.name));
      for (const r of scored) {
        if (task === "regression")
          expect(r.error as number).toBeCloseTo((r.prediction as number) - (r[label] as number), 12);
        else expect(r.correct).toBe(r[label] === null ? null : r.prediction === r[label]);
      }
      const [m] = await run(compiled.sqlPerOutput![1]!);
      expect(m!.saved_model).toBe("churn");
      expect(Number(m!.model_version)).toBe(3);
      expect((m!.evaluated_at as Date).toISOString()).toBe("2026-12-07T07:30:00.250Z");
      // A multiclass label the model does not know: scikit-learn's log_loss refuses it, so its
      // log loss is compared on the known rows only (the SQL counts it as probability 0 -> clipped).
      const want = sklearnMetrics(task, models[task].classes, scored, label);
      expect(Number(m!.rows)).toBe(want.rows);
      for (const k of metrics) {
        if (task === "multiclass" && k === "log_loss") continue;
        expect(Math.abs((m![k] as number) - want[k]!), k).toBeLessThan(1e-9);
      }
      if (task === "binary") expect(scored.some((r) => r.yb === null)).toBe(true);
    });

  it("appends this run's metrics row to the metrics dataset's earlier rows", async () => {
    const first = compileRecipe({
      spec: evaluate("yb"),
      inputs: [input],
      dialect: "duckdb",
      context: context("binary"),
    });
    const prevDir = join(dir, "metrics-v1");
    await c.run(`COPY (${first.sqlPerOutput![1]}) TO '${prevDir}' (FORMAT parquet, PER_THREAD_OUTPUT)`);
    const previousMetrics: CompileInput = {
      name: "churn_metrics",
      schema: first.outputSchemas[1]!,
      location: { format: "parquet", path: prevDir },
    };
    const later = { ...context("binary"), evaluatedAt: "2026-12-08T09:00:00Z", previousMetrics };
    const second = compileRecipe({
      spec: evaluate("yb"),
      inputs: [input],
      dialect: "duckdb",
      context: later,
    });
    expect(second.warnings).toEqual([]);
    expect(second.outputSchemas[1]).toEqual(first.outputSchemas[1]);
    const rows = await run(second.sqlPerOutput![1]!, "ORDER BY evaluated_at");
    expect(rows.map((r) => (r.evaluated_at as Date).toISOString())).toEqual([
      "2026-12-07T07:30:00.250Z",
      "2026-12-08T09:00:00.000Z",
    ]);
    // The same rows and model: the same metrics (to the order in which DuckDB's threads sum).
    const [a, b] = rows;
    for (const [k, v] of Object.entries(a!)) {
      if (k === "evaluated_at") continue;
      if (typeof v === "number") expect(Math.abs(v - (b![k] as number)), k).toBeLessThan(1e-12);
      else expect(b![k], k).toEqual(v);
    }
    // Spark reads the earlier rows from the mount path it is given.
    const spark = compileRecipe({
      spec: evaluate("yb"),
      inputs: [{ ...input, location: { format: "parquet", path: "/data/labelled" } }],
      dialect: "spark",
      context: {
        ...later,
        previousMetrics: { ...previousMetrics, location: { format: "parquet", path: "dbfs:/mnt/sous/m1" } },
      },
    });
    expect(spark.sqlPerOutput![1]).toContain("FROM parquet.`dbfs:/mnt/sous/m1` AS `__ev_prev`\nUNION ALL");
  });

  it("starts the metrics dataset again, and says so, when its columns are another task's", async () => {
    const regression = compileRecipe({
      spec: evaluate("yr"),
      inputs: [input],
      dialect: "duckdb",
      context: context("regression"),
    });
    const prevDir = join(dir, "metrics-regression");
    await c.run(`COPY (${regression.sqlPerOutput![1]}) TO '${prevDir}' (FORMAT parquet, PER_THREAD_OUTPUT)`);
    const binary = compileRecipe({
      spec: evaluate("yb"),
      inputs: [input],
      dialect: "duckdb",
      context: {
        ...context("binary"),
        previousMetrics: {
          name: "churn_metrics",
          schema: regression.outputSchemas[1]!,
          location: { format: "parquet", path: prevDir },
        },
      },
    });
    expect(binary.warnings.join(" ")).toMatch(/churn_metrics has other columns .* starts it again/);
    expect(await run(binary.sqlPerOutput![1]!)).toHaveLength(1);
  });

  it("multiclass log loss equals scikit-learn's when every label is known", async () => {
    const known = compileRecipe({
      spec: evaluate("ym"),
      inputs: [input],
      dialect: "duckdb",
      context: context("multiclass"),
    });
    const sql = known.sqlPerOutput![1]!.replaceAll(
      `FROM read_parquet('${dir}/*.parquet')`,
      `FROM (SELECT * FROM read_parquet('${dir}/*.parquet') WHERE ym <> 'd')`,
    );
    expect(sql).not.toBe(known.sqlPerOutput![1]);
    const [m] = await run(sql);
    const scored = (await run(known.sqlPerOutput![0]!, "ORDER BY id")).filter((r) => r.ym !== "d");
    const want = sklearnMetrics("multiclass", models.multiclass.classes, scored, "ym");
    expect(Math.abs((m!.log_loss as number) - want.log_loss!)).toBeLessThan(1e-9);
    expect(Math.abs((m!.macro_f1 as number) - want.macro_f1!)).toBeLessThan(1e-9);
  });

  it("refuses a missing label column, a pipeline, and a regression label that is not numeric", () => {
    const bad = () =>
      compileRecipe({
        spec: evaluate("nope"),
        inputs: [input],
        dialect: "duckdb",
        context: context("binary"),
      });
    expect(bad).toThrow(CompileError);
    expect(bad).toThrow(/label column "nope"/);
    expect(() =>
      compileRecipe({
        spec: evaluate("yb"),
        inputs: [input],
        dialect: "duckdb",
        context: context("regression"),
      }),
    ).toThrow(/numeric label/);
    expect(() =>
      compilePipeline({
        steps: [
          {
            name: "s",
            spec: {
              kind: "sort",
              version: 1,
              params: { keys: [{ column: "id", direction: "asc" }] },
            } as RecipeSpec,
            inputs: [input],
          },
          { name: "e", spec: evaluate("yb"), inputs: [{ step: 0 }], context: context("binary") },
        ],
        dialect: "duckdb",
      }),
    ).toThrow(/cannot be part of a pipeline/);
  });
});
