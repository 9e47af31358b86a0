import pg from "pg";
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
type TrainedModel = {
  algorithm: { algorithm: string };
  sample: { prediction: Cell[]; probabilities?: number[][] };
};

describe.skipIf(!hasStudio)(
  "the score recipe (saved model -> SQL) on the local engine",
  { timeout: 300_000 },
  () => {
    let key: Caller;
    let session: Caller;
    let projectId: string;
    let models: TrainedModel[];
    let sample: Record<string, Cell>[];
    let classes: Cell[];
    let trainingId: string;
    let trainingDatasetId: string;

    const post = (p: string, json?: unknown) => call(p, { method: "POST", json: json ?? {}, as: key });
    const put = (p: string, json: unknown) => call(p, { method: "PUT", json, as: key });
    const get = (p: string) => call(p, { as: key });
    const upload = (name: string, csv: string) => uploadCsv(key, projectId, name, csv);
    const build = async (datasetId: string) => {
      const job = await post(`/projects/${projectId}/jobs`, { targets: [datasetId] });
      expect(job.status, JSON.stringify(job.data)).toBe(201);
      // Polled gently (a remote build takes a minute), a dropped keep-alive connection tried again.
      const deadline = Date.now() + 240_000;
      for (;;) {
        const r = await get(`/projects/${projectId}/jobs/${job.data.id}`).catch(() => null);
        if (r && ["SUCCEEDED", "FAILED", "CANCELLED"].includes(r.data?.state)) {
          if (r.data.state !== "SUCCEEDED") {
            const logs = (await get(`/projects/${projectId}/jobs/${job.data.id}/logs`)).data;
            r.data.error = `${r.data.error}\n${logs.map((l: { message: string }) => l.message).join("\n")}`;
          }
          return r.data;
        }
        if (Date.now() > deadline) throw new Error(`job ${job.data.id} did not end`);
        await new Promise((res) => setTimeout(res, 500));
      }
    };
    /** The scored rows by id: prediction and the probabilities in class order. */
    const scored = async (datasetId: string) => {
      const p = (await get(`/projects/${projectId}/datasets/${datasetId}/preview?limit=10000`)).data;
      const names: string[] = p.columns.map((c: { name: string }) => c.name);
      const at = (n: string) => names.indexOf(n);
      const byId = new Map<number, { prediction: Cell; probabilities: number[] }>();
      for (const row of p.rows as Cell[][])
        byId.set(row[at("id")] as number, {
          prediction: row[at("prediction")]!,
          probabilities: classes.map((c) => row[at(`proba_${String(c)}`)] as number),
        });
      return { names, byId };
    };
    const expectSameAsTrainer = (got: Awaited<ReturnType<typeof scored>>, model: TrainedModel) => {
      expect(got.byId.size).toBe(sample.length);
      let maxDiff = 0;
      sample.forEach((_, i) => {
        const row = got.byId.get(i + 1)!;
        expect(row.prediction, `row ${i + 1}`).toBe(model.sample.prediction[i]);
        model.sample.probabilities![i]!.forEach((p, k) => {
          maxDiff = Math.max(maxDiff, Math.abs(row.probabilities[k]! - p));
        });
      });
      expect(maxDiff).toBeLessThan(1e-9);
      return maxDiff;
    };

    beforeAll(async () => {
      session = await loginAs(admin.email, admin.password);
      key = await withApiKey(session);
      projectId = (await post("/projects", { key: uniqueKey("SCORE"), name: "Scoring" })).data.id;
      trainingDatasetId = await upload("customers", churnRows(600, 23));
      const created = await post(`/projects/${projectId}/ml/analyses`, {
        datasetId: trainingDatasetId,
        target: "churned",
      });
      expect(created.status, JSON.stringify(created.data)).toBe(201);
      const design = {
        ...created.data.design,
        algorithms: [
          { algorithm: "logistic", C: 1, maxIter: 500 },
          { algorithm: "randomForest", nTrees: 30, maxDepth: 7, minSamplesLeaf: 2 },
        ],
      };
      const saved = await put(`/projects/${projectId}/ml/analyses/${created.data.id}`, {
        design,
        version: created.data.version,
      });
      expect(saved.status, JSON.stringify(saved.data)).toBe(200);
      const t = await post(`/projects/${projectId}/ml/analyses/${created.data.id}/trainings`);
      expect(t.status, JSON.stringify(t.data)).toBe(201);
      const job = await waitForJob(projectId, t.data.jobId, key, 240_000);
      expect(job.state, job.error).toBe("SUCCEEDED");
      const training = (await get(`/projects/${projectId}/ml/analyses/${created.data.id}`)).data.trainings[0];
      trainingId = training.id;
      models = training.result.models;
      sample = training.result.sample;
      classes = training.result.classes;
      expect(models.map((m) => m.algorithm.algorithm)).toEqual(["logistic", "randomForest"]);
      expect(sample.length).toBeGreaterThan(100);
    });

    it("scores new rows with the active version in SQL, equal to scikit-learn's predictions; a version change outdates them", async () => {
      // Version 1: the forest; version 2 (active): the logistic regression.
      const v1 = await post(`/projects/${projectId}/ml/trainings/${trainingId}/deploy`, {
        modelIndex: 1,
        name: "churn",
      });
      expect(v1.status, JSON.stringify(v1.data)).toBe(201);
      const savedModelId = v1.data.id as string;
      const v2 = await post(`/projects/${projectId}/ml/trainings/${trainingId}/deploy`, {
        modelIndex: 0,
        savedModelId,
      });
      expect(v2.status).toBe(201);
      const [version2, version1] = v2.data.versions as { id: string; number: number }[];

      // The trainer's test rows, as a dataset to score (numbers written as JS prints them: exact).
      const features = Object.keys(sample[0]!);
      const csv = [
        ["id", ...features].join(","),
        ...sample.map((row, i) =>
          [i + 1, ...features.map((f) => (row[f] === null ? "" : String(row[f])))].join(","),
        ),
      ].join("\n");
      const newId = await upload("new_customers", `${csv}\n`);

      const recipe = await post(`/projects/${projectId}/recipes`, {
        name: "score_new",
        inputs: [newId],
        output: { name: "new_scored" },
        spec: { kind: "score", version: 1, params: { savedModelId } },
      });
      expect(recipe.status, JSON.stringify(recipe.data)).toBe(201);
      const scoredId = recipe.data.outputs[0] as string;

      // The SQL both engines run: arithmetic and CASE, no Python.
      const spark = await get(`/projects/${projectId}/recipes/${recipe.data.id}/compile?engine=spark`);
      expect(spark.status, JSON.stringify(spark.data)).toBe(200);
      expect(spark.data.sql).toMatch(/AS `proba_true`/);
      expect(spark.data.outputSchemas[0].map((c: { name: string }) => c.name)).toEqual([
        "id",
        ...features,
        "prediction",
        ...classes.map((c) => `proba_${String(c)}`),
      ]);

      const first = await build(scoredId);
      expect(first.state, first.error).toBe("SUCCEEDED");
      expect(first.activities[0].duckdbSql).toMatch(/^COPY/);
      const logistic = expectSameAsTrainer(await scored(scoredId), models[0]!);

      // The saved model on the Flow: linked from its training dataset and to the recipe using it.
      let flow = (await get(`/projects/${projectId}/flow`)).data;
      expect(flow.nodes.find((n: { id: string }) => n.id === savedModelId)).toMatchObject({
        type: "savedModel",
        name: "churn",
        task: "binary",
        activeVersion: 2,
        versionCount: 2,
      });
      expect(flow.edges).toEqual(
        expect.arrayContaining([
          { source: trainingDatasetId, target: savedModelId },
          { source: savedModelId, target: recipe.data.id },
        ]),
      );
      expect(flow.nodes.find((n: { id: string }) => n.id === scoredId).outdated).toBe(false);

      // Activating version 1 outdates the scored rows; the rebuild scores with the forest.
      expect(
        (
          await put(`/projects/${projectId}/saved-models/${savedModelId}/active-version`, {
            versionId: version1!.id,
          })
        ).status,
      ).toBe(200);
      flow = (await get(`/projects/${projectId}/flow`)).data;
      expect(flow.nodes.find((n: { id: string }) => n.id === scoredId).outdated).toBe(true);
      expect(flow.nodes.find((n: { id: string }) => n.id === savedModelId).activeVersion).toBe(1);
      const second = await build(scoredId);
      expect(second.state, second.error).toBe("SUCCEEDED");
      expect(second.activities).toHaveLength(1);
      const forest = expectSameAsTrainer(await scored(scoredId), models[1]!);
      expect(
        (await get(`/projects/${projectId}/flow`)).data.nodes.find((n: { id: string }) => n.id === scoredId)
          .outdated,
      ).toBe(false);
      // A smart build now has nothing to do.
      const again = await post(`/projects/${projectId}/jobs`, { targets: [scoredId], mode: "smart" });
      expect(again.status).toBe(201);
      const idle = await waitForJob(projectId, again.data.id, key);
      expect(idle.activities ?? []).toHaveLength(0);
      console.log(
        `score recipe: max |SQL - predict_proba| logistic ${logistic}, forest ${forest} on ${sample.length} rows`,
      );
      expect(version2!.number).toBe(2);

      // A version without a portable form (as models other than linear and trees) scores with
      // scikit-learn in the worker (no SQL): the same predictions as the trainer's.
      const v3 = await post(`/projects/${projectId}/ml/trainings/${trainingId}/deploy`, {
        modelIndex: 0,
        savedModelId,
      });
      expect(v3.status).toBe(201);
      const db = new pg.Client({ connectionString: process.env.SOUS_TEST_DATABASE_URL });
      await db.connect();
      await db.query(`UPDATE "SavedModelVersion" SET "portableKey" = NULL WHERE id = $1`, [
        v3.data.versions[0].id,
      ]);
      await db.end();
      // Known before the build: the output schema (from the classes) and what scores it.
      const plan = await get(`/projects/${projectId}/recipes/${recipe.data.id}/compile?engine=duckdb`);
      expect(plan.status, JSON.stringify(plan.data)).toBe(200);
      expect(plan.data.outputSchemas[0].map((c: { name: string }) => c.name)).toEqual([
        "id",
        ...features,
        "prediction",
        ...classes.map((c) => `proba_${String(c)}`),
      ]);
      expect(plan.data.steps[0].engines.duckdb).toMatchObject({
        level: "partial",
        condition: expect.stringMatching(/scores with scikit-learn in Python \(no SQL\)/),
      });
      expect(plan.data.steps[0].engines.spark.level).toBe("none");
      const third = await build(scoredId);
      expect(third.state, third.error).toBe("SUCCEEDED");
      expect(third.activities[0].duckdbSql).toBeNull();
      expectSameAsTrainer(await scored(scoredId), models[0]!);
      // The forest again (version 1), as the Databricks test compares with.
      await put(`/projects/${projectId}/saved-models/${savedModelId}/active-version`, {
        versionId: version1!.id,
      });
      const fourth = await build(scoredId);
      expect(fourth.state, fourth.error).toBe("SUCCEEDED");
    });

    it("scores the same rows on Databricks (Spark SQL on the emulator's Spark) with the same predictions", async () => {
      // The emulator's mount is the stack's own storage folder: the connection reads the installation's.
      const ws = await emulatedWorkspace(session, "score");
      try {
        const model = (await get(`/projects/${projectId}/saved-models`)).data[0];
        // Version 3 has no portable form: it scores with scikit-learn, so Databricks is refused
        // when the engine is chosen (not at build).
        const v3 = model.versions.find((v: { number: number }) => v.number === 3);
        await put(`/projects/${projectId}/saved-models/${model.id}/active-version`, { versionId: v3.id });
        const py = await post(`/projects/${projectId}/recipes`, {
          name: "score_remote_py",
          inputs: [
            (await get(`/projects/${projectId}/datasets`)).data.find(
              (d: { name: string }) => d.name === "new_customers",
            ).id,
          ],
          output: { name: "new_scored_remote_py" },
          spec: { kind: "score", version: 1, params: { savedModelId: model.id } },
        });
        expect(py.status, JSON.stringify(py.data)).toBe(201);
        const refused = await put(`/projects/${projectId}/recipes/${py.data.id}/engine`, {
          engine: { kind: "databricks", connectionId: ws.connectionId, profileId: ws.profileId },
        });
        expect(refused.status).toBe(422);
        expect(refused.data.error.message).toMatch(/scores with scikit-learn, on the local engine only/);
        // The forest (version 1) again: trees in SQL, compared on both engines.
        const v1 = model.versions.find((v: { number: number }) => v.number === 1);
        await put(`/projects/${projectId}/saved-models/${model.id}/active-version`, { versionId: v1.id });
        const newId = (await get(`/projects/${projectId}/datasets`)).data.find(
          (d: { name: string }) => d.name === "new_customers",
        ).id;
        const recipe = await post(`/projects/${projectId}/recipes`, {
          name: "score_remote",
          inputs: [newId],
          output: { name: "new_scored_remote" },
          spec: {
            kind: "score",
            version: 1,
            params: { savedModelId: model.id, probabilityPrefix: "proba_" },
          },
        });
        expect(recipe.status, JSON.stringify(recipe.data)).toBe(201);
        const engine = ws.engine;
        const set = await put(`/projects/${projectId}/recipes/${recipe.data.id}/engine`, { engine });
        expect(set.status, JSON.stringify(set.data)).toBe(200);
        const remoteId = recipe.data.outputs[0] as string;
        const done = await build(remoteId);
        expect(done.state, done.error).toBe("SUCCEEDED");
        expect(done.activities[0].engine).toMatch(/^databricks:/);
        expect(done.activities[0].sparkSql).toMatch(/AS `proba_true`/);
        const remote = await scored(remoteId);
        const forest = expectSameAsTrainer(remote, models[1]!);
        // And equal to the local build's rows of the same version (built with version 1 above).
        const localId = (await get(`/projects/${projectId}/datasets`)).data.find(
          (d: { name: string }) => d.name === "new_scored",
        ).id;
        const localRows = await scored(localId);
        let maxDiff = 0;
        for (const [id, r] of remote.byId) {
          const l = localRows.byId.get(id)!;
          expect(r.prediction).toBe(l.prediction);
          r.probabilities.forEach((p, k) => {
            maxDiff = Math.max(maxDiff, Math.abs(p - l.probabilities[k]!));
          });
        }
        expect(maxDiff).toBeLessThan(1e-9);
        console.log(
          `score recipe on Databricks: max |Spark - predict_proba| ${forest}, |Spark - DuckDB| ${maxDiff}`,
        );
      } finally {
        await ws.close();
      }
    });

    it("refuses a score recipe on a missing saved model, and a prediction column that clashes with the input", async () => {
      const input = await upload("few", "id,x1,x2,colour\n1,0.5,20,red\n");
      const missing = await post(`/projects/${projectId}/recipes`, {
        name: "score_missing",
        inputs: [input],
        output: { name: "few_scored" },
        spec: { kind: "score", version: 1, params: { savedModelId: "nosuchmodel00000000000000" } },
      });
      expect(missing.status).toBe(400);
      expect(missing.data.error.message).toMatch(/saved model of this score recipe no longer exists/);
      const model = (await get(`/projects/${projectId}/saved-models`)).data[0];
      const clash = await post(`/projects/${projectId}/recipes`, {
        name: "score_clash",
        inputs: [input],
        output: { name: "few_scored" },
        spec: { kind: "score", version: 1, params: { savedModelId: model.id, predictionColumn: "colour" } },
      });
      expect(clash.status).toBe(422);
      expect(clash.data.error.message).toMatch(
        /Saved model churn .*"colour" is already a column of the input/,
      );
    });
  },
);
