// A clustering deployed to the Flow and scored, through the REST API of the studio + worker that
// `npm test` starts: k-means and a Gaussian mixture trained for real by the worker's scikit-learn,
// each deployed as a saved model (task clustering, versions, an active one), then a Score recipe:
// k-means in SQL (its portable form's nearest centroid, no Python) on DuckDB and on the Databricks
// emulator's Spark, the mixture through scikit-learn in the worker. Each row's `cluster` must
// equal the pickled pipeline's own predict on the same rows (the venv's Python is the oracle).
// Evaluation recipes and API endpoints refuse a clustering with a clear 422/409; Retrain from the
// Flow trains the clustering again and deploys it as a new version.
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
const repo = path.resolve(__dirname, "../../..");
const python = path.join(repo, ".venv/bin/python");

/** The venv's Python on a script with stdin (spawned, not execFileSync: see evaluate-recipe's). */
function runPython(script: string, stdin: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(python, ["-c", script], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, PYTHONPATH: path.join(repo, "python") },
    });
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

// The pickled pipeline's predict on rows, read as the trainer reads its input (feature_matrix).
const ORACLE = `
import json, sys
import joblib, pyarrow as pa
from sous_ml.train import feature_matrix
req = json.load(sys.stdin)
schema = pa.schema([(c, pa.float64() if t == "double" else pa.string()) for c, t in req["types"]])
table = pa.Table.from_pylist(req["rows"], schema=schema)
labels = joblib.load(req["pickle"]).predict(feature_matrix(table, req["features"]))
print(json.dumps([int(v) for v in labels]))
`;

describe.skipIf(!hasStudio || !existsSync(python))(
  "a clustering deployed to the Flow and scored",
  { timeout: 300_000 },
  () => {
    let key: Caller;
    let session: Caller;
    let projectId: string;
    let kmeansModelId: string;
    let trainingDatasetId: string;
    let trainingId: string;
    let features: Record<string, unknown>[];
    let pickles: string[];
    let newId: string;
    const post = (p: string, json?: unknown) => call(p, { method: "POST", json: json ?? {}, as: key });
    const put = (p: string, json: unknown) => call(p, { method: "PUT", json, as: key });
    const get = (p: string) => call(p, { as: key });

    beforeAll(async () => {
      session = await loginAs(admin.email, admin.password);
      key = await withApiKey(session);
      projectId = (await post("/projects", { key: uniqueKey("SCL"), name: "Scored clusters" })).data.id;
      const datasetId = await uploadCsv(key, projectId, "customers", churnRows(300, 11));
      trainingDatasetId = datasetId;
      newId = await uploadCsv(key, projectId, "new_customers", churnRows(150, 12));
      const created = await post(`/projects/${projectId}/ml/clusterings`, { datasetId });
      expect(created.status, JSON.stringify(created.data)).toBe(201);
      const design = {
        ...created.data.design,
        features: created.data.design.features.map((f: { name: string }) => ({
          ...f,
          include: ["x1", "x2", "colour"].includes(f.name),
        })),
        algorithms: [
          { algorithm: "kmeans", k: 3, kGrid: [2, 3, 4], maxIter: 300 },
          { algorithm: "gaussianMixture", k: 3, maxIter: 100 },
        ],
      };
      const saved = await put(`/projects/${projectId}/ml/clusterings/${created.data.id}`, {
        design,
        version: created.data.version,
      });
      expect(saved.status, JSON.stringify(saved.data)).toBe(200);
      const t = await post(`/projects/${projectId}/ml/clusterings/${created.data.id}/trainings`);
      expect(t.status, JSON.stringify(t.data)).toBe(201);
      const job = await waitForJob(projectId, t.data.jobId, key, 240_000);
      expect(job.state, job.error).toBe("SUCCEEDED");
      const training = (await get(`/projects/${projectId}/ml/clusterings/${created.data.id}`)).data
        .trainings[0];
      trainingId = training.id;
      features = training.design.features
        .filter((f: { include: boolean }) => f.include)
        .map(({ include: _, ...f }: { include: boolean }) => f);
      // The training's artifacts in the stack's storage folder (mlTrainingPrefix).
      const prefix = path.join(
        process.env.SOUS_TEST_STACK_DATA_DIR ?? "",
        "storage",
        `projects/${projectId}/ml/trainings/${trainingId}/`,
      );
      pickles = training.result.models.map((m: { pickle: string }) => path.join(prefix, m.pickle));
    });

    /** Each scored row's cluster equals the pickled pipeline's predict on the row's features. */
    const expectPredict = async (scoredId: string, modelIndex: number) => {
      const p = (await get(`/projects/${projectId}/datasets/${scoredId}/preview?limit=10000`)).data;
      const names: string[] = p.columns.map((c: { name: string }) => c.name);
      expect(names).toEqual(["id", "x1", "x2", "colour", "churned", "cluster"]);
      const rows = (p.rows as Cell[][]).map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]])));
      expect(rows).toHaveLength(150);
      const want = JSON.parse(
        await runPython(
          ORACLE,
          JSON.stringify({
            pickle: pickles[modelIndex],
            features,
            types: [
              ["x1", "double"],
              ["x2", "double"],
              ["colour", "string"],
            ],
            rows: rows.map((r) => ({ x1: r.x1, x2: r.x2, colour: r.colour })),
          }),
        ),
      ) as number[];
      expect(rows.map((r) => r.cluster)).toEqual(want);
      // More than one cluster among the rows: a constant column would not test much.
      expect(new Set(want).size).toBeGreaterThan(1);
    };

    /** Deploys model `modelIndex`, scores new_customers with it, checks each cluster against predict. */
    const deployAndScore = async (modelIndex: number, name: string) => {
      const deployed = await post(`/projects/${projectId}/ml/trainings/${trainingId}/deploy`, {
        modelIndex,
        name,
      });
      expect(deployed.status, JSON.stringify(deployed.data)).toBe(201);
      const savedModelId = deployed.data.id as string;
      const recipe = await post(`/projects/${projectId}/recipes`, {
        name: `score_${name}`,
        inputs: [newId],
        output: { name: `${name}_scored` },
        spec: { kind: "score", version: 1, params: { savedModelId } },
      });
      expect(recipe.status, JSON.stringify(recipe.data)).toBe(201);
      const scoredId = recipe.data.outputs[0] as string;
      // The output schema before any build: the input's columns, then an integer cluster.
      const compiled = await get(`/projects/${projectId}/recipes/${recipe.data.id}/compile?engine=duckdb`);
      expect(compiled.status, JSON.stringify(compiled.data)).toBe(200);
      const out = compiled.data.outputSchemas[0] as { name: string; type: string }[];
      expect(out.map((c) => c.name)).toEqual(["id", "x1", "x2", "colour", "churned", "cluster"]);
      expect(out.at(-1)).toEqual({ name: "cluster", type: "integer" });
      const job = await post(`/projects/${projectId}/jobs`, { targets: [scoredId] });
      expect(job.status, JSON.stringify(job.data)).toBe(201);
      const built = await waitForJob(projectId, job.data.id, key, 240_000);
      const logs = (await get(`/projects/${projectId}/jobs/${job.data.id}/logs`)).data
        .map((l: { message: string }) => l.message)
        .join("\n");
      expect(built.state, `${built.error}\n${logs}`).toBe("SUCCEEDED");

      await expectPredict(scoredId, modelIndex);
      return { deployed: deployed.data, savedModelId, logs };
    };

    it("deploys a k-means as a saved model and scores it in SQL, equal to scikit-learn's predict", async () => {
      const { deployed, savedModelId, logs } = await deployAndScore(0, "segments");
      kmeansModelId = savedModelId;
      expect(deployed.versions).toHaveLength(1);
      expect(deployed.versions[0]).toMatchObject({
        number: 1,
        task: "clustering",
        algorithm: { algorithm: "kmeans" },
        portable: true,
        active: true,
      });
      expect(logs).not.toMatch(/Scoring with scikit-learn/);
      // Its node on the Flow, like a prediction model's.
      const flow = (await get(`/projects/${projectId}/flow`)).data;
      expect(flow.nodes.find((n: { id: string }) => n.id === savedModelId)).toMatchObject({
        type: "savedModel",
        task: "clustering",
        activeVersion: 1,
      });
      // A second deploy is a new, active version of the same saved model.
      const again = await post(`/projects/${projectId}/ml/trainings/${trainingId}/deploy`, {
        modelIndex: 0,
        savedModelId,
      });
      expect(again.status, JSON.stringify(again.data)).toBe(201);
      expect(
        again.data.versions.map((v: { number: number; active: boolean }) => [v.number, v.active]),
      ).toEqual([
        [2, true],
        [1, false],
      ]);

      // Not supported yet, and said so: an evaluation recipe (a compile error, 422, as every recipe
      // the compiler refuses) and an API endpoint (409).
      const evaluate = await post(`/projects/${projectId}/recipes`, {
        name: "evaluate_segments",
        inputs: [newId],
        outputs: [{ name: "segments_evaluated" }, { name: "segments_metrics" }],
        spec: { kind: "evaluate", version: 1, params: { savedModelId, labelColumn: "churned" } },
      });
      expect(evaluate.status, JSON.stringify(evaluate.data)).toBe(422);
      expect(evaluate.data.error.message).toMatch(/evaluation recipes do not support clustering models yet/);
      const endpoint = await post(`/projects/${projectId}/api-services`, {
        name: `seg${Date.now()}`,
        endpoint: { name: "score", savedModelVersionId: again.data.versions[0].id },
      });
      expect(endpoint.status, JSON.stringify(endpoint.data)).toBe(409);
      expect(endpoint.data.error.message).toMatch(/API endpoints do not support clustering models yet/);

      // Retrain from the Flow: the clustering's design trains again as a job and its k-means
      // becomes version 3, active (the k search runs again, so k may change).
      const retrain = await post(`/projects/${projectId}/saved-models/${savedModelId}/retrain`, {});
      expect(retrain.status, JSON.stringify(retrain.data)).toBe(201);
      const retrained = await waitForJob(projectId, retrain.data.jobId, key, 240_000);
      expect(retrained.state, retrained.error).toBe("SUCCEEDED");
      const retrainLogs = (await get(`/projects/${projectId}/jobs/${retrain.data.jobId}/logs`)).data as {
        message: string;
      }[];
      expect(retrainLogs.map((l) => l.message)).toContain(
        "Deployed as version 3 of saved model segments (now active).",
      );
      const m3 = (await get(`/projects/${projectId}/saved-models/${savedModelId}`)).data;
      expect(m3.versions.map((v: { number: number; active: boolean }) => [v.number, v.active])).toEqual([
        [3, true],
        [2, false],
        [1, false],
      ]);
      expect(m3.versions[0]).toMatchObject({
        task: "clustering",
        algorithm: { algorithm: "kmeans" },
        portable: true,
        modelIndex: 0,
        trainingId: retrain.data.trainingId,
      });
      expect(m3.versions[0].algorithm.kGrid).toBeUndefined();
    });

    it("scores the k-means on Databricks (Spark SQL on the emulator's Spark), equal to scikit-learn's predict", async () => {
      // The emulator's mount is the stack's own storage folder: the connection reads the installation's.
      const ws = await emulatedWorkspace(session, "clusters");
      try {
        const recipe = await post(`/projects/${projectId}/recipes`, {
          name: "score_segments_remote",
          inputs: [newId],
          output: { name: "segments_scored_remote" },
          spec: { kind: "score", version: 1, params: { savedModelId: kmeansModelId } },
        });
        expect(recipe.status, JSON.stringify(recipe.data)).toBe(201);
        const engine = ws.engine;
        const set = await put(`/projects/${projectId}/recipes/${recipe.data.id}/engine`, { engine });
        expect(set.status, JSON.stringify(set.data)).toBe(200);
        const remoteId = recipe.data.outputs[0] as string;
        const job = await post(`/projects/${projectId}/jobs`, { targets: [remoteId] });
        expect(job.status, JSON.stringify(job.data)).toBe(201);
        const built = await waitForJob(projectId, job.data.id, key, 240_000);
        expect(built.state, built.error).toBe("SUCCEEDED");
        expect(built.activities[0].engine).toMatch(/^databricks:/);
        expect(built.activities[0].sparkSql).toMatch(/AS `cluster`/);
        await expectPredict(remoteId, 0);
      } finally {
        await ws.close();
      }
    });

    it("refuses a clustering as a new version of a prediction saved model, and the reverse", async () => {
      const prediction = await post(`/projects/${projectId}/ml/analyses`, {
        datasetId: trainingDatasetId,
        target: "churned",
      });
      expect(prediction.status, JSON.stringify(prediction.data)).toBe(201);
      const t = await post(`/projects/${projectId}/ml/analyses/${prediction.data.id}/trainings`);
      expect(t.status, JSON.stringify(t.data)).toBe(201);
      const job = await waitForJob(projectId, t.data.jobId, key, 240_000);
      expect(job.state, job.error).toBe("SUCCEEDED");
      const churn = await post(`/projects/${projectId}/ml/trainings/${t.data.id}/deploy`, {
        modelIndex: 0,
        name: "churn",
      });
      expect(churn.status, JSON.stringify(churn.data)).toBe(201);
      const mixed = await post(`/projects/${projectId}/ml/trainings/${trainingId}/deploy`, {
        modelIndex: 0,
        savedModelId: churn.data.id,
      });
      expect(mixed.status).toBe(400);
      expect(mixed.data.error.message).toMatch(/holds prediction models: deploy this clustering as a new/);
      const reverse = await post(`/projects/${projectId}/ml/trainings/${t.data.id}/deploy`, {
        modelIndex: 0,
        savedModelId: kmeansModelId,
      });
      expect(reverse.status).toBe(400);
      expect(reverse.data.error.message).toMatch(/holds clustering models/);
    });

    it("scores a Gaussian mixture through scikit-learn in the worker, equal to its predict", async () => {
      const { deployed, logs } = await deployAndScore(1, "mixture");
      expect(deployed.versions[0]).toMatchObject({
        task: "clustering",
        algorithm: { algorithm: "gaussianMixture" },
        portable: false,
      });
      expect(logs).toMatch(/Scoring with scikit-learn/);
    });
  },
);
