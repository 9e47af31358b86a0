// The Lab on Databricks through the studio and worker that `npm test` starts: the same design as
// a local training, with its engine set to a compute profile of a workspace (the emulator, whose
// mount is an Azure Blob container in Azurite). The worker trains with Spark MLlib through the
// Jobs API on the emulator's real local Spark; the models, their metrics and charts come back as
// for a local training, and a local training of the same design scores alike.
import { randomBytes } from "node:crypto";
import { seededRandom } from "@sous/contracts";
import { type DatabricksEmulator, startDatabricksEmulator } from "@sous/databricks-emulator";
import { type AzuriteHandle, startAzurite } from "@sous/storage/test/azurite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin, type Caller, call, hasStudio, loginAs, uniqueKey, waitForJob } from "./api-client.ts";

const TOKEN = `dapi${randomBytes(12).toString("hex")}`;
const CONTAINER = `lab-mllib-${randomBytes(3).toString("hex")}`;

function rows(n: number): string {
  const r = seededRandom(23);
  const lines = ["id,tenure,spend,plan,churned"];
  for (let i = 0; i < n; i++) {
    const tenure = Math.round(r() * 60);
    const spend = (r() * 200).toFixed(2);
    const plan = ["basic", "plus", "pro"][i % 3]!;
    const churned =
      (30 - tenure) / 10 + (Number(spend) - 100) / 50 + (plan === "basic" ? 1 : 0) + (r() * 2 - 1) * 2 > 0;
    lines.push(`${i + 1},${tenure},${spend},${plan},${churned}`);
  }
  return `${lines.join("\n")}\n`;
}

describe.skipIf(!hasStudio)(
  "the Lab on Databricks (MLlib on the emulator's Spark)",
  { timeout: 420_000 },
  () => {
    let azurite: AzuriteHandle;
    let emu: DatabricksEmulator;
    let session: Caller;
    let projectId: string;
    let datasetId: string;
    let engine: { kind: "databricks"; connectionId: string; profileId: string };
    const post = (p: string, json?: unknown) => call(p, { method: "POST", json: json ?? {}, as: session });
    const put = (p: string, json: unknown) => call(p, { method: "PUT", json, as: session });
    const get = (p: string) => call(p, { as: session });

    beforeAll(async () => {
      azurite = await startAzurite();
      emu = await startDatabricksEmulator({
        token: TOKEN,
        mounts: {
          "dbfs:/mnt/sous": { blob: { connectionString: azurite.connectionString, container: CONTAINER } },
        },
        clusterStartDelayMs: 100,
      });
      session = await loginAs(admin.email, admin.password);
      const c = await post("/admin/databricks/connections", {
        name: `lab ${uniqueKey("C")}`,
        workspaceUrl: emu.url,
        token: TOKEN,
        storagePrefix: "dbfs:/mnt/sous",
        storage: { kind: "azure-blob", container: CONTAINER, connectionString: azurite.connectionString },
      });
      expect(c.status).toBe(201);
      const p = await post(`/admin/databricks/connections/${c.data.id}/profiles`, {
        name: "ml",
        spec: {
          spark_version: "15.4.x-scala2.12",
          node_type_id: "Standard_DS3_v2",
          num_workers: 1,
          autotermination_minutes: 10,
        },
      });
      expect(p.status).toBe(201);
      engine = { kind: "databricks", connectionId: c.data.id, profileId: p.data.id };
      projectId = (await post("/projects", { key: uniqueKey("MLDB"), name: "Lab on Databricks" })).data.id;
      const d = await call(`/projects/${projectId}/datasets?name=subscribers`, {
        method: "POST",
        body: rows(600),
        headers: { "content-type": "text/csv" },
        as: session,
      });
      expect(d.status).toBe(201);
      datasetId = d.data.id;
    }, 120_000);
    afterAll(async () => {
      await emu?.stop();
      await azurite?.stop();
    });

    it("trains the design with MLlib, and its metrics agree with the same design trained locally", async () => {
      const a = (await post(`/projects/${projectId}/ml/analyses`, { datasetId, target: "churned" })).data;
      const algorithms = [
        { algorithm: "logistic", C: 1, maxIter: 200 },
        { algorithm: "randomForest", nTrees: 20, maxDepth: 6, minSamplesLeaf: 2 },
      ];
      const remote = await put(`/projects/${projectId}/ml/analyses/${a.id}`, {
        design: { ...a.design, algorithms, engine },
        version: a.version,
      });
      expect(remote.status).toBe(200);
      expect(remote.data.problems).toEqual([]);
      const t = await post(`/projects/${projectId}/ml/analyses/${a.id}/trainings`);
      expect(t.status).toBe(201);
      expect(t.data.engine).toBe("databricks");
      const job = await waitForJob(projectId, t.data.jobId, session, 360_000);
      const logs = (await get(`/projects/${projectId}/jobs/${t.data.jobId}/logs`)).data.map(
        (l: { message: string }) => l.message,
      );
      expect(job.state, `${job.error}\n${logs.join("\n")}`).toBe("SUCCEEDED");
      expect(logs.join("\n")).toMatch(/Databricks run \d+ on cluster/);
      const mllib = (await get(`/projects/${projectId}/ml/analyses/${a.id}`)).data.trainings[0];
      expect(mllib.result.ok).toBe(true);
      expect(
        mllib.result.models.map((m: { algorithm: { algorithm: string } }) => m.algorithm.algorithm),
      ).toEqual(["logistic", "randomForest"]);
      const charts = await get(`/projects/${projectId}/ml/trainings/${mllib.id}/models/0/charts`);
      expect(charts.status).toBe(200);

      // The same design, locally: a different split (MLlib's own randomSplit) but the same signal.
      const local = await put(`/projects/${projectId}/ml/analyses/${a.id}`, {
        design: { ...remote.data.design, engine: { kind: "local" } },
        version: remote.data.version,
      });
      const lt = (await post(`/projects/${projectId}/ml/analyses/${a.id}/trainings`)).data;
      expect((await waitForJob(projectId, lt.jobId, session, 120_000)).state).toBe("SUCCEEDED");
      const sk = (await get(`/projects/${projectId}/ml/analyses/${a.id}`)).data.trainings[0];
      expect(local.data.design.engine.kind).toBe("local");
      console.log(
        "lab mllib vs local AUC:",
        mllib.result.models.map((m: { metrics: { auc: number } }) => m.metrics.auc),
        sk.result.models.map((m: { metrics: { auc: number } }) => m.metrics.auc),
      );
      for (const [i, m] of mllib.result.models.entries()) {
        expect(m.metrics.auc).toBeGreaterThan(0.75);
        expect(Math.abs(m.metrics.auc - sk.result.models[i].metrics.auc)).toBeLessThan(0.1);
      }
    });
  },
);
