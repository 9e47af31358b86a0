import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  admin,
  type Caller,
  call,
  hasStudio,
  loginAs,
  uniqueKey,
  uploadCsv,
  waitForJob,
} from "./api-client.ts";
import { churnRows } from "./churn-rows.ts";
import { type EmulatedWorkspace, emulatedWorkspace } from "./emulated-workspace.ts";

type Cell = string | number | boolean | null;

describe.skipIf(!hasStudio)(
  "a bisecting k-means trained with MLlib through the studio, scored in SQL on both engines",
  { timeout: 420_000 },
  () => {
    let ws: EmulatedWorkspace | undefined;
    let session: Caller;
    let projectId: string;
    let datasetId: string;
    let engine: { kind: "databricks"; connectionId: string; profileId: string };
    const post = (p: string, json?: unknown) => call(p, { method: "POST", json: json ?? {}, as: session });
    const put = (p: string, json: unknown) => call(p, { method: "PUT", json, as: session });
    const get = (p: string) => call(p, { as: session });

    beforeAll(async () => {
      session = await loginAs(admin.email, admin.password);
      ws = await emulatedWorkspace(session, "bisecting");
      engine = ws.engine;
      projectId = (await post("/projects", { key: uniqueKey("BKM"), name: "Bisecting segments" })).data.id;
      datasetId = await uploadCsv(session, projectId, "customers", churnRows(400, 31));
    }, 120_000);
    afterAll(async () => {
      await ws?.close();
    });

    /** The `cluster` of each scored row, by id; and each row's x2, by id. */
    const clustersOf = async (scoredId: string) => {
      const p = (await get(`/projects/${projectId}/datasets/${scoredId}/preview?limit=10000`)).data;
      const names: string[] = p.columns.map((c: { name: string }) => c.name);
      expect(names).toEqual(["id", "x1", "x2", "colour", "churned", "cluster"]);
      const byId = new Map<number, Cell>();
      const x2 = new Map<number, Cell>();
      for (const r of p.rows as Cell[][]) {
        byId.set(Number(r[0]), r[5] ?? null);
        x2.set(Number(r[0]), r[2] ?? null);
      }
      expect(byId.size).toBe(400);
      return { byId, x2 };
    };

    it("trains on the emulator's Spark, deploys, and scores as MLlib assigns, on DuckDB and on Spark", async () => {
      const created = await post(`/projects/${projectId}/ml/clusterings`, { datasetId });
      expect(created.status, JSON.stringify(created.data)).toBe(201);
      const design = {
        ...created.data.design,
        features: created.data.design.features.map((f: { name: string }) => ({
          ...f,
          include: ["x1", "x2", "colour"].includes(f.name),
        })),
        algorithms: [{ algorithm: "bisectingKmeans", k: 4, maxIter: 20 }],
        engine,
      };
      const saved = await put(`/projects/${projectId}/ml/clusterings/${created.data.id}`, {
        design,
        version: created.data.version,
      });
      expect(saved.status, JSON.stringify(saved.data)).toBe(200);
      const t = await post(`/projects/${projectId}/ml/clusterings/${created.data.id}/trainings`);
      expect(t.status, JSON.stringify(t.data)).toBe(201);
      const job = await waitForJob(projectId, t.data.jobId, session, 360_000);
      const logs = (await get(`/projects/${projectId}/jobs/${t.data.jobId}/logs`)).data
        .map((l: { message: string }) => l.message)
        .join("\n");
      expect(job.state, `${job.error}\n${logs}`).toBe("SUCCEEDED");
      expect(logs).toMatch(/Databricks run \d+ on cluster/);
      const training = (await get(`/projects/${projectId}/ml/clusterings/${created.data.id}`)).data
        .trainings[0];
      expect(training.result.ok, JSON.stringify(training.result)).toBe(true);
      const model = training.result.models[0];
      expect(model.algorithm.algorithm).toBe("bisectingKmeans");
      expect(model.sizes.reduce((a: number, b: number) => a + b, 0)).toBe(400);
      // MLlib's own cluster of each of the first rows, in the input's order (ids 1, 2, ...: the
      // returned sample holds their features, checked against the scored rows below).
      const sample = training.result.sample as Record<string, Cell>[];
      expect(sample.length).toBeGreaterThanOrEqual(100);
      const mllib = new Map<number, number>(sample.map((_r, i) => [i + 1, model.sample.cluster[i]]));
      expect(new Set(mllib.values()).size).toBeGreaterThan(1);

      const deployed = await post(`/projects/${projectId}/ml/trainings/${training.id}/deploy`, {
        modelIndex: 0,
        name: "bisected",
      });
      expect(deployed.status, JSON.stringify(deployed.data)).toBe(201);
      expect(deployed.data.versions[0]).toMatchObject({
        task: "clustering",
        algorithm: { algorithm: "bisectingKmeans", k: model.k },
        portable: true,
      });
      const savedModelId = deployed.data.id as string;

      const scoreOn = async (name: string, remote: boolean) => {
        const recipe = await post(`/projects/${projectId}/recipes`, {
          name,
          inputs: [datasetId],
          output: { name: `${name}_out` },
          spec: { kind: "score", version: 1, params: { savedModelId } },
        });
        expect(recipe.status, JSON.stringify(recipe.data)).toBe(201);
        if (remote) {
          const set = await put(`/projects/${projectId}/recipes/${recipe.data.id}/engine`, { engine });
          expect(set.status, JSON.stringify(set.data)).toBe(200);
        }
        const outId = recipe.data.outputs[0] as string;
        const built = await post(`/projects/${projectId}/jobs`, { targets: [outId] });
        expect(built.status, JSON.stringify(built.data)).toBe(201);
        const done = await waitForJob(projectId, built.data.id, session, 300_000);
        expect(done.state, done.error).toBe("SUCCEEDED");
        expect(done.activities[0].engine.startsWith("databricks:")).toBe(remote);
        // SQL on both engines: the tree walk, no Python scorer.
        expect(done.activities[0].sparkSql ?? "").toMatch(/AS `cluster`/);
        return clustersOf(outId);
      };
      const { byId: local, x2 } = await scoreOn("score_bisected_local", false);
      const { byId: spark } = await scoreOn("score_bisected_spark", true);
      expect(sample.map((r) => r.x2)).toEqual(sample.map((_r, i) => x2.get(i + 1)));
      for (const [id, cluster] of mllib) {
        expect(local.get(id), `row ${id} on DuckDB`).toBe(cluster);
        expect(spark.get(id), `row ${id} on Spark`).toBe(cluster);
      }
      // Every row, not only the sampled ones: both engines agree, and the sizes are MLlib's.
      expect([...spark]).toEqual([...local]);
      const sizes = new Array<number>(model.k).fill(0);
      for (const c of local.values()) sizes[Number(c)]!++;
      expect(sizes).toEqual(model.sizes);
    });
  },
);
