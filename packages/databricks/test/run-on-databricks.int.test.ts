// The worker's entry point end to end: the engine built from a connection's stored rows (token
// sealed with the secret box; @sous/server-domain's loadRemoteEngine reads them from Postgres), a
// 3-recipe pipeline run on the emulator with Azurite as the mounted container, and the output
// version copied back into the installation's local storage.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createSecretBox } from "@sous/config";
import {
  type DatabricksEmulator,
  queryLocalDuckDb,
  startDatabricksEmulator,
} from "@sous/databricks-emulator";
import { createLocalStorage, type DatasetStorage, datasetVersionPrefix } from "@sous/storage";
import { type AzuriteHandle, startAzurite } from "@sous/storage/test/azurite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClusterLoad } from "../src/cluster-load.ts";
import {
  type ConnectionConfig,
  connectionSecretContext,
  MissingDatabricksTokenError,
} from "../src/connection-config.ts";
import { clusterPathFor } from "../src/mount-mapping.ts";
import { createRemoteEngine, type StoredConnection } from "../src/remote-engine.ts";
import { describeRemoteFailure } from "../src/remote-failure.ts";
import { runOnDatabricks } from "../src/run-on-databricks.ts";
import { compileChain, ordersSelect } from "./pipeline-fixture.ts";

const TOKEN = `dapi${randomBytes(12).toString("hex")}`;
const KEY = randomBytes(32).toString("base64");
const CONTAINER = "dbx-worker";

describe("runOnDatabricks (the worker hook)", () => {
  let azurite: AzuriteHandle;
  let emu: DatabricksEmulator;
  let work: string;
  let local: DatasetStorage;
  const connectionId = `dbxtest${randomBytes(6).toString("hex")}`;
  const profileId = "smallprofile";
  const profile = {
    id: profileId,
    name: "small",
    spec: { spark_version: "15.4.x-scala2.12", num_workers: 1 },
    maxClusters: 2,
    maxActiveStatements: 4,
  };
  let connection: StoredConnection;
  const logLines: string[] = [];
  const log = (_l: string, m: string) => {
    logLines.push(m);
  };

  beforeAll(async () => {
    azurite = await startAzurite();
    work = await mkdtemp(path.join(tmpdir(), "sous-dbx-worker-"));
    local = createLocalStorage({ root: path.join(work, "storage") });
    emu = await startDatabricksEmulator({
      token: TOKEN,
      mounts: {
        "dbfs:/mnt/sous": { blob: { connectionString: azurite.connectionString, container: CONTAINER } },
      },
      clusterStartDelayMs: 200,
    });
    const config: ConnectionConfig = {
      workspaceUrl: emu.url,
      isolation: "service",
      storagePrefix: "dbfs:/mnt/sous",
      storage: { kind: "azure-blob", container: CONTAINER, blobPrefix: "", account: "devstoreaccount1" },
      tokenLast4: TOKEN.slice(-4),
    };
    const secret = createSecretBox(KEY).seal(
      JSON.stringify({ token: TOKEN, blobConnectionString: azurite.connectionString }),
      connectionSecretContext(connectionId),
    );
    connection = { id: connectionId, name: connectionId, config, secret };
  });

  afterAll(async () => {
    await emu?.stop();
    await azurite?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("runs a pipeline remotely and brings the output version back, equal to the local run", async () => {
    const input = datasetVersionPrefix({ projectId: "w", datasetId: "orders", versionId: "v1" });
    const staged = await local.stage(input);
    await queryLocalDuckDb(`COPY (${ordersSelect(300)}) TO '${staged.dir}/part-0.parquet' (FORMAT parquet)`);
    await staged.commit();

    const engine = createRemoteEngine({
      connection,
      profile,
      user: null,
      secretBox: createSecretBox(KEY),
      installationStorage: local,
      dataDir: work,
    });
    const output = datasetVersionPrefix({ projectId: "w", datasetId: "out", versionId: "v1" });
    const clusters: string[] = [];
    const result = await runOnDatabricks({
      engine,
      load: createClusterLoad(),
      selectSql: compileChain("spark", clusterPathFor(engine.mapping, input), 3).sql,
      inputPrefixes: [input],
      outputPrefix: output,
      installationStorage: local,
      log,
      onCluster: ({ clusterId }) => {
        clusters.push(clusterId);
      },
      poll: { initialMs: 50, maxMs: 100 },
    });
    expect(result.info).toMatchObject({ connectionId, profileId, statements: 2, clusterId: clusters[0] });
    expect(result.info.sparkUiUrl).toBe(`${emu.url}/?o=0#setting/clusters/${clusters[0]}/sparkUi`);
    const [inputs, back] = [await local.acquire(input), await local.acquire(output)];
    const expected = await queryLocalDuckDb(
      `SELECT * FROM (${compileChain("duckdb", inputs.dir, 3).sql}) ORDER BY area, product`,
    );
    expect(
      await queryLocalDuckDb(`SELECT * FROM read_parquet('${back.dir}/*.parquet') ORDER BY area, product`),
    ).toEqual(expected);
    await Promise.all([inputs.release(), back.release()]);
    expect(result.rowsWritten).toBe(expected.length);
    expect(logLines.join("\n")).toMatch(/Uploaded projects\/w\/datasets\/orders\/versions\/v1\//);
    expect(logLines.join("\n")).not.toContain(TOKEN);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it("per-user isolation without a stored token: a clear message for the job log", () => {
    const perUser = { ...connection, config: { ...(connection.config as object), isolation: "per-user" } };
    let e: unknown;
    try {
      createRemoteEngine({
        connection: perUser,
        profile,
        user: { id: "user-without-token", secret: null },
        secretBox: createSecretBox(KEY),
        installationStorage: local,
        dataDir: work,
      });
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(MissingDatabricksTokenError);
    expect(describeRemoteFailure(e)).toEqual({
      message: expect.stringMatching(
        /you have not stored one\. Add your personal access token on the Account page/,
      ),
      retryable: false,
    });
  });
});
