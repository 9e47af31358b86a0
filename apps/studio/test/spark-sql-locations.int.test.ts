// The SparkSQL the studio shows (compile, the editor's preview, a local run's "what Databricks
// would run") reads the inputs where a Databricks build reads them: the storage prefix of the
// recipe's or project's connection (a mount of the installation's storage, or of a Blob container
// in Azurite), or a placeholder without a connection; never a folder of the Sous server.
import { type DatabricksEmulator, startDatabricksEmulator } from "@sous/databricks-emulator";
import { type AzuriteHandle, startAzurite } from "@sous/storage/test/azurite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin, type Caller, call, hasStudio, loginAs, uniqueKey, waitForJob } from "./api-client.ts";

const TOKEN = `dapi${"l0cat10n".repeat(4)}c0de`;
const BLOB_CONTAINER = "spark-locations";
const dataDir = process.env.SOUS_TEST_STACK_DATA_DIR ?? "";

describe.skipIf(!hasStudio)("the SparkSQL shown reads the engine's paths", () => {
  let azurite: AzuriteHandle;
  let emu: DatabricksEmulator;
  let session: Caller;
  /** Mounts the installation's storage at dbfs:/mnt/sous. */
  let installation: { connectionId: string; profileId: string };
  /** Mounts a Blob container (Azurite), folder "sous-data", at dbfs:/mnt/lake. */
  let blob: { connectionId: string; profileId: string };

  const get = (path: string, opts: Parameters<typeof call>[1] = {}) => call(path, { as: session, ...opts });
  const connect = async (json: Record<string, unknown>) => {
    const c = await get("/admin/databricks/connections", {
      method: "POST",
      json: { name: `locations ${uniqueKey("C")}`, workspaceUrl: emu.url, token: TOKEN, ...json },
    });
    expect(c.status).toBe(201);
    const p = await get(`/admin/databricks/connections/${c.data.id}/profiles`, {
      method: "POST",
      json: {
        name: "small",
        spec: { spark_version: "15.4.x-scala2.12", node_type_id: "Standard_DS3_v2", num_workers: 1 },
      },
    });
    expect(p.status).toBe(201);
    return { connectionId: c.data.id as string, profileId: p.data.id as string };
  };

  /** A project with one built dataset and a group recipe on it. */
  const project = async () => {
    const p = await get("/projects", { method: "POST", json: { key: uniqueKey("LOC"), name: "locations" } });
    const projectId = p.data.id as string;
    const ds = await get(`/projects/${projectId}/datasets?name=sales`, {
      method: "POST",
      body: "region,amount\nnorth,1\nsouth,2\n",
      headers: { "content-type": "text/csv" },
    });
    expect(ds.status).toBe(201);
    const spec = {
      kind: "group",
      version: 1,
      params: { keys: ["region"], aggregations: [{ column: "amount", fn: "sum" }] },
    };
    const recipe = await get(`/projects/${projectId}/recipes`, {
      method: "POST",
      json: { name: "by_region", inputs: [ds.data.id], output: { name: "sales_by_region" }, spec },
    });
    expect(recipe.status).toBe(201);
    const version = ds.data.currentVersion.id as string;
    const key = `projects/${projectId}/datasets/${ds.data.id}/versions/${version}`;
    return { projectId, datasetId: ds.data.id as string, recipeId: recipe.data.id as string, spec, key };
  };

  /** The SparkSQL of the compile endpoint and of the editor's preview (with and without the recipe's id). */
  const shown = async (p: Awaited<ReturnType<typeof project>>, withRecipe = true) => {
    const compiled = await get(`/projects/${p.projectId}/recipes/${p.recipeId}/compile?engine=spark`);
    expect(compiled.status).toBe(200);
    const preview = await get(`/projects/${p.projectId}/recipes/preview`, {
      method: "POST",
      json: { inputs: [p.datasetId], spec: p.spec, ...(withRecipe ? { recipeId: p.recipeId } : {}) },
    });
    expect(preview.status).toBe(200);
    return { compile: compiled.data.sql as string, preview: preview.data.engines.spark.sql as string };
  };
  const neverServerPaths = (sql: string) => {
    expect(dataDir).not.toBe("");
    expect(sql).not.toContain(dataDir);
    expect(sql).not.toMatch(/\/storage\/projects\//);
  };

  beforeAll(async () => {
    azurite = await startAzurite();
    emu = await startDatabricksEmulator({
      token: TOKEN,
      mounts: {
        "dbfs:/mnt/lake": { blob: { connectionString: azurite.connectionString, container: BLOB_CONTAINER } },
      },
    });
    session = await loginAs(admin.email, admin.password);
    installation = await connect({ storagePrefix: "dbfs:/mnt/sous", storage: { kind: "installation" } });
    blob = await connect({
      storagePrefix: "dbfs:/mnt/lake",
      storage: {
        kind: "azure-blob",
        container: BLOB_CONTAINER,
        blobPrefix: "sous-data",
        connectionString: azurite.connectionString,
      },
    });
  });
  afterAll(async () => {
    await emu?.stop();
    await azurite?.stop();
  });

  it("a project on Databricks shows its connection's mount (installation storage)", async () => {
    const p = await project();
    const engine = { kind: "databricks", ...installation };
    expect((await get(`/projects/${p.projectId}/engine`, { method: "PUT", json: { engine } })).status).toBe(
      200,
    );
    const sql = await shown(p);
    for (const s of [sql.compile, sql.preview]) {
      expect(s).toContain(`parquet.\`dbfs:/mnt/sous/${p.key}\``);
      neverServerPaths(s);
    }
  });

  it("a recipe on a Blob-mounted connection shows that mount, in compile and in the editor", async () => {
    const p = await project();
    const engine = { kind: "databricks", ...blob };
    const set = await get(`/projects/${p.projectId}/recipes/${p.recipeId}/engine`, {
      method: "PUT",
      json: { engine },
    });
    expect(set.status).toBe(200);
    const sql = await shown(p);
    for (const s of [sql.compile, sql.preview]) {
      // The container's "sous-data" folder is the mount's root: the key follows the prefix.
      expect(s).toContain(`parquet.\`dbfs:/mnt/lake/${p.key}\``);
      neverServerPaths(s);
    }
    // A draft not saved yet has no engine of its own: the project's (none here) applies.
    const draft = await shown(p, false);
    expect(draft.preview).toContain(`parquet.\`<databricks-storage-prefix>/${p.key}\``);
  });

  it("without a Databricks connection, a clear placeholder, never the server's folder", async () => {
    const p = await project();
    const sql = await shown(p);
    for (const s of [sql.compile, sql.preview]) {
      expect(s).toContain(`parquet.\`<databricks-storage-prefix>/${p.key}\``);
      neverServerPaths(s);
    }
  });

  it("a local run records the SparkSQL Databricks would run at the project's mount", async () => {
    const p = await project();
    const engine = { kind: "databricks", ...installation };
    await get(`/projects/${p.projectId}/engine`, { method: "PUT", json: { engine } });
    const local = await get(`/projects/${p.projectId}/recipes/${p.recipeId}/engine`, {
      method: "PUT",
      json: { engine: { kind: "local" } },
    });
    expect(local.status).toBe(200);
    const recipe = await get(`/projects/${p.projectId}/recipes/${p.recipeId}`);
    const job = await get(`/projects/${p.projectId}/jobs`, {
      method: "POST",
      json: { targets: recipe.data.outputs, mode: "build-only-this" },
    });
    expect(job.status).toBe(201);
    const done = await waitForJob(p.projectId, job.data.id, session);
    expect(done.state).toBe("SUCCEEDED");
    const sparkSql = done.activities[0].sparkSql as string;
    expect(sparkSql).toContain(`parquet.\`dbfs:/mnt/sous/${p.key}\``);
    neverServerPaths(sparkSql);
  });
});
