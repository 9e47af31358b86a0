// The evaluate recipe through the REST API of the studio + worker that `npm test` starts (or
// scripts/test-stack.ts): a model trained for real by the worker (scikit-learn), deployed as a
// saved model, then an evaluate recipe on a fresh labelled dataset built on the local engine
// (DuckDB, SQL compiled from the portable model): the scored rows carry `correct`, and the
// metrics row equals scikit-learn's metrics of those very rows to 1e-9.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  admin,
  type Caller,
  call,
  hasStudio,
  loginAs,
  uniqueKey,
  uploadCsv,
  waitForJob,
  withApiKey,
} from "./api-client.ts";
import { churnRows } from "./churn-rows.ts";
import { emulatedWorkspace } from "./emulated-workspace.ts";

type Cell = string | number | boolean | null;
const python = path.resolve(__dirname, "../../../.venv/bin/python");

/**
 * The venv's Python on a script, its stdin given. Not execFileSync: blocking this process for the
 * seconds scikit-learn takes to import on a busy machine kept fetch's pooled connection from seeing
 * the studio close it (keep-alive timeout), and the next call failed with "other side closed".
 */
function runPython(script: string, stdin: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(python, ["-c", script], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.setEncoding("utf8").on("data", (s: string) => {
      out += s;
    });
    p.stderr.setEncoding("utf8").on("data", (s: string) => {
      err += s;
    });
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`python exited ${code}: ${err}`))));
    p.stdin.end(stdin);
  });
}

describe.skipIf(!hasStudio || !existsSync(python))(
  "the evaluate recipe (labelled dataset + saved model -> scored rows + metrics) on the local engine",
  { timeout: 900_000 },
  () => {
    let key: Caller;
    let session: Caller;
    let projectId: string;
    let trainingId: string;
    let trainingDatasetId: string;
    let classes: Cell[];
    let evaluation: { recipeId: string; rowsId: string; metricsId: string } | undefined;

    const post = (p: string, json?: unknown) => call(p, { method: "POST", json: json ?? {}, as: key });
    const get = (p: string) => call(p, { as: key });
    const rowsOf = async (datasetId: string) => {
      const p = (await get(`/projects/${projectId}/datasets/${datasetId}/preview?limit=10000`)).data;
      const names: string[] = p.columns.map((c: { name: string }) => c.name);
      return (p.rows as Cell[][]).map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]])));
    };

    beforeAll(async () => {
      session = await loginAs(admin.email, admin.password);
      key = await withApiKey(session);
      projectId = (await post("/projects", { key: uniqueKey("EVAL"), name: "Evaluation" })).data.id;
      trainingDatasetId = await uploadCsv(key, projectId, "customers", churnRows(600, 23));
      const created = await post(`/projects/${projectId}/ml/analyses`, {
        datasetId: trainingDatasetId,
        target: "churned",
      });
      expect(created.status, JSON.stringify(created.data)).toBe(201);
      const saved = await call(`/projects/${projectId}/ml/analyses/${created.data.id}`, {
        method: "PUT",
        as: key,
        json: {
          design: { ...created.data.design, algorithms: [{ algorithm: "logistic", C: 1, maxIter: 500 }] },
          version: created.data.version,
        },
      });
      expect(saved.status, JSON.stringify(saved.data)).toBe(200);
      const t = await post(`/projects/${projectId}/ml/analyses/${created.data.id}/trainings`);
      expect(t.status, JSON.stringify(t.data)).toBe(201);
      const job = await waitForJob(projectId, t.data.jobId, key, 240_000);
      expect(job.state, job.error).toBe("SUCCEEDED");
      const training = (await get(`/projects/${projectId}/ml/analyses/${created.data.id}`)).data.trainings[0];
      trainingId = training.id;
      classes = training.result.classes;
    });

    it("writes the scored rows with `correct` and one metrics row equal to scikit-learn's", async () => {
      const deployed = await post(`/projects/${projectId}/ml/trainings/${trainingId}/deploy`, {
        modelIndex: 0,
        name: "churn",
      });
      expect(deployed.status, JSON.stringify(deployed.data)).toBe(201);
      const savedModelId = deployed.data.id as string;
      // Fresh labelled rows (another seed): the model has not seen them.
      const labelledId = await uploadCsv(key, projectId, "labelled", churnRows(400, 77));

      // One output only is refused with a clear 400.
      const wrong = await post(`/projects/${projectId}/recipes`, {
        name: "evaluate_wrong",
        inputs: [labelledId],
        output: { name: "labelled_evaluated" },
        spec: { kind: "evaluate", version: 1, params: { savedModelId, labelColumn: "churned" } },
      });
      expect(wrong.status).toBe(400);
      expect(wrong.data.error.message).toMatch(/writes 2 datasets/);

      const recipe = await post(`/projects/${projectId}/recipes`, {
        name: "evaluate_churn",
        inputs: [labelledId],
        outputs: [{ name: "labelled_evaluated" }, { name: "churn_metrics" }],
        spec: { kind: "evaluate", version: 1, params: { savedModelId, labelColumn: "churned" } },
      });
      expect(recipe.status, JSON.stringify(recipe.data)).toBe(201);
      const [rowsId, metricsId] = recipe.data.outputs as string[];
      evaluation = { recipeId: recipe.data.id, rowsId: rowsId!, metricsId: metricsId! };

      const spark = await get(`/projects/${projectId}/recipes/${recipe.data.id}/compile?engine=spark`);
      expect(spark.status, JSON.stringify(spark.data)).toBe(200);
      expect(spark.data.outputSchemas[1].map((c: { name: string }) => c.name)).toEqual([
        "evaluated_at",
        "saved_model",
        "model_version",
        "rows",
        "auc",
        "accuracy",
        "precision",
        "recall",
        "f1",
        "log_loss",
      ]);

      const job = await post(`/projects/${projectId}/jobs`, { targets: [rowsId, metricsId] });
      expect(job.status, JSON.stringify(job.data)).toBe(201);
      const done = await waitForJob(projectId, job.data.id, key, 240_000);
      expect(done.state, done.error).toBe("SUCCEEDED");
      expect(done.activities).toHaveLength(2);

      const scored = await rowsOf(rowsId!);
      expect(scored).toHaveLength(400);
      for (const r of scored) expect(r.correct).toBe(r.prediction === r.churned);
      const [m, ...more] = await rowsOf(metricsId!);
      expect(more).toHaveLength(0);
      expect(m).toMatchObject({ saved_model: "churn", model_version: 1, rows: 400 });
      expect(Math.abs(Date.parse(String(m!.evaluated_at)) - Date.now())).toBeLessThan(10 * 60_000);

      const script = `
import json, sys
import numpy as np
from sklearn import metrics as M
d = json.load(sys.stdin)
cls = d["classes"]
y = [r["churned"] for r in d["rows"]]
yhat = [r["prediction"] for r in d["rows"]]
proba = np.array([[r["proba_" + str(c).lower()] for c in cls] for r in d["rows"]])
print(json.dumps({
  "auc": M.roc_auc_score([1 if v == cls[1] else 0 for v in y], proba[:, 1]),
  "accuracy": M.accuracy_score(y, yhat),
  "precision": M.precision_score(y, yhat, pos_label=cls[1]),
  "recall": M.recall_score(y, yhat, pos_label=cls[1]),
  "f1": M.f1_score(y, yhat, pos_label=cls[1]),
  "log_loss": M.log_loss(y, proba, labels=cls),
}))`;
      const want = JSON.parse(await runPython(script, JSON.stringify({ classes, rows: scored }))) as Record<
        string,
        number
      >;
      const diffs = Object.entries(want).map(([k, v]) => [k, Math.abs((m![k] as number) - v)] as const);
      for (const [k, diff] of diffs) expect(diff, k).toBeLessThan(1e-9);
      console.log(
        `evaluate recipe: metrics ${JSON.stringify(Object.fromEntries(Object.keys(want).map((k) => [k, m![k]])))}; max |SQL - scikit-learn| ${Math.max(...diffs.map((d) => d[1]))}`,
      );

      // The Flow draws the saved model feeding the evaluate recipe; activating a version outdates both outputs.
      const flow = (await get(`/projects/${projectId}/flow`)).data;
      expect(flow.edges).toEqual(expect.arrayContaining([{ source: savedModelId, target: recipe.data.id }]));
      expect(flow.nodes.find((n: { id: string }) => n.id === metricsId).outdated).toBe(false);
      const v2 = await post(`/projects/${projectId}/ml/trainings/${trainingId}/deploy`, {
        modelIndex: 0,
        savedModelId,
      });
      expect(v2.status).toBe(201);
      const after = (await get(`/projects/${projectId}/flow`)).data;
      expect(after.nodes.find((n: { id: string }) => n.id === metricsId).outdated).toBe(true);
      expect(after.nodes.find((n: { id: string }) => n.id === rowsId).outdated).toBe(true);

      // Evaluating version 2 adds its row to version 1's: one row per run.
      const again = await post(`/projects/${projectId}/jobs`, { targets: [rowsId, metricsId] });
      expect(again.status, JSON.stringify(again.data)).toBe(201);
      const done2 = await waitForJob(projectId, again.data.id, key, 240_000);
      expect(done2.state, done2.error).toBe("SUCCEEDED");
      const runs = (await rowsOf(metricsId!)).sort(
        (a, b) => Number(a.model_version) - Number(b.model_version),
      );
      expect(runs.map((r) => [r.model_version, r.rows])).toEqual([
        [1, 400],
        [2, 400],
      ]);
      expect(runs[0]).toEqual(m);
      expect(Date.parse(String(runs[1]!.evaluated_at))).toBeGreaterThan(Date.parse(String(m!.evaluated_at)));
      // Same data, same fitted pipeline: the same metrics.
      for (const k of Object.keys(want))
        expect(Math.abs((runs[1]![k] as number) - (m![k] as number)), k).toBeLessThan(1e-9);
    });

    it("runs on Databricks (the emulator's Spark) and appends that run's row, with the same metrics", async () => {
      if (!evaluation) throw new Error("the local evaluation did not run");
      const { recipeId, rowsId, metricsId } = evaluation;
      const before = await rowsOf(metricsId);
      // The emulator's mount is the stack's own storage folder: the connection reads the installation's.
      const ws = await emulatedWorkspace(session, "evaluate");
      try {
        const engine = ws.engine;
        const set = await call(`/projects/${projectId}/recipes/${recipeId}/engine`, {
          method: "PUT",
          json: { engine },
          as: key,
        });
        expect(set.status, JSON.stringify(set.data)).toBe(200);
        const job = await post(`/projects/${projectId}/jobs`, { targets: [rowsId, metricsId] });
        expect(job.status, JSON.stringify(job.data)).toBe(201);
        const done = await waitForJob(projectId, job.data.id, key, 600_000);
        expect(done.state, done.error).toBe("SUCCEEDED");
        expect(done.activities.map((a: { engine: string }) => a.engine)).toEqual([
          expect.stringMatching(/^databricks:/),
          expect.stringMatching(/^databricks:/),
        ]);
        const after = await rowsOf(metricsId);
        expect(after).toHaveLength(before.length + 1);
        const older = (r: Record<string, Cell | undefined>) => Date.parse(String(r.evaluated_at));
        const sorted = [...after].sort((a, b) => older(a) - older(b));
        const remote = sorted.at(-1)!;
        const local = sorted.at(-2)!;
        // The earlier rows are kept as they were; Spark's row has the local run's metrics.
        expect(sorted.slice(0, -1).map((r) => r.evaluated_at)).toEqual(
          [...before].sort((a, b) => older(a) - older(b)).map((r) => r.evaluated_at),
        );
        expect(remote).toMatchObject({ saved_model: "churn", model_version: local.model_version, rows: 400 });
        for (const k of ["auc", "accuracy", "precision", "recall", "f1", "log_loss"])
          expect(Math.abs((remote[k] as number) - (local[k] as number)), k).toBeLessThan(1e-9);
      } finally {
        await ws.close();
      }
    });
  },
);
