// The remote engine as the worker drives it: clusters through the REST client, statements through
// the real @databricks/sql driver, data in a Blob container (Azurite) that the emulator "mounts".
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  type DatabricksEmulator,
  queryLocalDuckDb,
  startDatabricksEmulator,
} from "@sous/databricks-emulator";
import {
  createBlobStorage,
  createLocalStorage,
  type DatasetStorage,
  datasetVersionPrefix,
} from "@sous/storage";
import { type AzuriteHandle, startAzurite } from "@sous/storage/test/azurite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClusterLoad } from "../src/cluster-load.ts";
import { type ComputeProfileRef, ensureCluster } from "../src/ensure-cluster.ts";
import { DatabricksApiError } from "../src/errors.ts";
import { clusterHttpPath, clusterPathFor } from "../src/mount-mapping.ts";
import { runRemoteActivity } from "../src/remote-run.ts";
import { createDatabricksRestClient, type DatabricksRestClient } from "../src/rest-client.ts";
import { createDatabricksSqlRunner } from "../src/sql-runner.ts";
import { uploadInputsIfMissing } from "../src/upload-inputs.ts";
import { compileChain, LONG_RUNNING_SQL, ordersSelect } from "./pipeline-fixture.ts";

const TOKEN = "dapi-remote-engine-secret-42424242";
const CONTAINER = "dbx-mount";
const MOUNT = "dbfs:/mnt/sous";

let azurite: AzuriteHandle;
let emu: DatabricksEmulator;
let rest: DatabricksRestClient;
let workDir: string;
let local: DatasetStorage;
let mounted: DatasetStorage;
const logLines: string[] = [];
const log = (_level: string, message: string) => {
  logLines.push(message);
};

let profileSeq = 0;
const profile = (over: Partial<ComputeProfileRef> = {}): ComputeProfileRef => ({
  id: `prof${++profileSeq}`,
  name: `p${profileSeq}`,
  spec: { spark_version: "15.4.x-scala2.12", node_type_id: "Standard_DS3_v2", num_workers: 1 },
  maxClusters: 2,
  maxActiveStatements: 1,
  ...over,
});
// Generous: the first cluster start starts Spark.
const fastPoll = { initialMs: 50, maxMs: 200, timeoutMs: 120_000 };
const runnerFor = (clusterId: string, token = TOKEN) =>
  createDatabricksSqlRunner({
    host: emu.host,
    port: emu.port,
    httpPath: clusterHttpPath(emu.url, clusterId),
    token,
    tls: false,
    openSessionRetry: { initialDelayMs: 50, maxDelayMs: 200 },
  });

beforeAll(async () => {
  azurite = await startAzurite();
  workDir = await mkdtemp(path.join(tmpdir(), "sous-dbx-remote-"));
  emu = await startDatabricksEmulator({
    token: TOKEN,
    mounts: { [MOUNT]: { blob: { connectionString: azurite.connectionString, container: CONTAINER } } },
    // When the run's Spark is already up, a start takes just this: enough margin for the cold
    // start test's "waited > 200 ms" on a loaded machine.
    clusterStartDelayMs: 1_000,
  });
  rest = createDatabricksRestClient({ baseUrl: emu.url, token: TOKEN, retry: { initialDelayMs: 20 } });
  local = createLocalStorage({ root: path.join(workDir, "storage") });
  mounted = createBlobStorage({
    connectionString: azurite.connectionString,
    container: CONTAINER,
    cacheDir: path.join(workDir, "cache"),
  });
});

afterAll(async () => {
  await emu?.stop();
  await azurite?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe("cluster lifecycle", () => {
  it("cold start: creates a tagged cluster and logs its states while waiting", async () => {
    logLines.length = 0;
    const p = profile();
    const lease = await ensureCluster({ rest, profile: p, load: createClusterLoad(), log, poll: fastPoll });
    lease.release();
    expect(lease.action).toBe("created");
    expect(lease.waitedMs).toBeGreaterThan(200);
    expect(
      logLines.some((l) =>
        new RegExp(`^waiting for cluster ${lease.clusterId} \\(PENDING, \\d+ s\\)$`).test(l),
      ),
    ).toBe(true);
    const details = await rest.getCluster(lease.clusterId);
    expect(details).toMatchObject({ state: "RUNNING", cluster_name: `sous-${p.name}` });
    expect(details.custom_tags).toMatchObject({ "sous-profile": p.id });
    const events = (await rest.clusterEvents(lease.clusterId)).map((e) => e.type);
    expect(events).toEqual(["RUNNING", "CREATING"]);
  });

  it("reuses a running cluster, and creates a second one when the first is busy (up to the max)", async () => {
    const load = createClusterLoad();
    const p = profile({ maxClusters: 2, maxActiveStatements: 1 });
    const first = await ensureCluster({ rest, profile: p, load, log, poll: fastPoll });
    first.release();
    const again = await ensureCluster({ rest, profile: p, load, log, poll: fastPoll });
    expect(again).toMatchObject({ clusterId: first.clusterId, action: "reused", waitedMs: 0 });
    // `again` still holds the only slot of the first cluster: it is busy.
    logLines.length = 0;
    const second = await ensureCluster({ rest, profile: p, load, log, poll: fastPoll });
    expect(second.action).toBe("created");
    expect(second.clusterId).not.toBe(first.clusterId);
    expect(logLines.join("\n")).toMatch(/are busy; creating another one/);
    // Both busy and the maximum reached: the next caller waits for a free slot.
    const third = ensureCluster({ rest, profile: p, load, log, poll: fastPoll });
    await new Promise((r) => setTimeout(r, 300));
    expect(logLines.join("\n")).toMatch(/busy; waiting for a free one/);
    again.release();
    await expect(third).resolves.toMatchObject({ clusterId: first.clusterId, action: "reused" });
    second.release();
  });

  it("starts a TERMINATED cluster of the profile instead of creating one", async () => {
    const load = createClusterLoad();
    const p = profile();
    const first = await ensureCluster({ rest, profile: p, load, log, poll: fastPoll });
    first.release();
    await rest.terminateCluster(first.clusterId);
    expect((await rest.getCluster(first.clusterId)).state).toBe("TERMINATED");
    logLines.length = 0;
    const lease = await ensureCluster({ rest, profile: p, load, log, poll: fastPoll });
    lease.release();
    expect(lease).toMatchObject({ clusterId: first.clusterId, action: "started" });
    expect(logLines[0]).toBe(`Starting terminated cluster ${first.clusterId} of profile ${p.name}`);
  });

  it("retries a 429 on clusters/create and reports a bad node type clearly", async () => {
    emu.injectFault({ path: "clusters/create", status: 429 });
    const lease = await ensureCluster({
      rest,
      profile: profile(),
      load: createClusterLoad(),
      log,
      poll: fastPoll,
    });
    lease.release();
    const bad = profile({
      spec: { spark_version: "15.4.x-scala2.12", node_type_id: "Standard_NOPE", num_workers: 1 },
    });
    const e = await ensureCluster({
      rest,
      profile: bad,
      load: createClusterLoad(),
      log,
      poll: fastPoll,
    }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(DatabricksApiError);
    expect((e as Error).message).toMatch(/Node type Standard_NOPE is not supported/);
  });

  it("turns a rejected token into a clear message without the token", async () => {
    const bad = "dapi-not-the-right-one-77777777";
    const client = createDatabricksRestClient({ baseUrl: emu.url, token: bad });
    const e = await ensureCluster({ rest: client, profile: profile(), load: createClusterLoad(), log }).catch(
      (err: unknown) => err,
    );
    expect(e).toMatchObject({ status: 401, message: expect.stringMatching(/token was rejected/) });
    expect(JSON.stringify(e) + String((e as Error).stack)).not.toContain(bad);
  });
});

describe("remote runs", () => {
  let clusterId: string;
  let release: () => void;
  const inputPrefix = datasetVersionPrefix({ projectId: "p1", datasetId: "orders", versionId: "v1" });

  beforeAll(async () => {
    const staged = await local.stage(inputPrefix);
    await queryLocalDuckDb(`COPY (${ordersSelect(200)}) TO '${staged.dir}/part-0.parquet' (FORMAT parquet)`);
    await staged.commit();
    const lease = await ensureCluster({
      rest,
      profile: profile({ maxActiveStatements: 4 }),
      load: createClusterLoad(),
      log,
      poll: fastPoll,
    });
    clusterId = lease.clusterId;
    release = lease.release;
  });
  afterAll(() => release?.());

  it("uploads an input only when its version is not in the container yet", async () => {
    const first = await uploadInputsIfMissing({
      source: local,
      target: mounted,
      prefixes: [inputPrefix],
      log,
    });
    expect(first).toMatchObject([{ prefix: inputPrefix, uploaded: true, files: 1 }]);
    const second = await uploadInputsIfMissing({
      source: local,
      target: mounted,
      prefixes: [inputPrefix],
      log,
    });
    expect(second).toMatchObject([{ uploaded: false }]);
    // The workspace sees it at the mount path.
    expect(await rest.dbfsStatus(`/mnt/sous/${inputPrefix}part-0.parquet`)).toMatchObject({ is_dir: false });
  });

  it("runs a 3-recipe pipeline as one statement; the output lands in the container and equals the local run", async () => {
    const outPrefix = datasetVersionPrefix({ projectId: "p1", datasetId: "big", versionId: "v1" });
    const spark = compileChain("spark", clusterPathFor({ clusterPrefix: MOUNT }, inputPrefix), 3);
    const before = emu.statements.length;
    const runner = runnerFor(clusterId);
    const result = await runRemoteActivity({
      runner,
      selectSql: spark.sql,
      outputPath: clusterPathFor({ clusterPrefix: MOUNT }, outPrefix),
      log,
    });
    await runner.close();
    const sent = emu.statements.slice(before);
    expect(sent.filter((s) => /^\s*INSERT OVERWRITE DIRECTORY/i.test(s))).toHaveLength(1);
    expect(result.statement).toMatch(
      /^INSERT OVERWRITE DIRECTORY 'dbfs:\/mnt\/sous\/projects\/p1\/datasets\/big\/versions\/v1'/,
    );

    const objects = await mounted.list(outPrefix);
    expect(objects.length).toBeGreaterThan(0);
    const [remote, inputs] = [await mounted.acquire(outPrefix), await local.acquire(inputPrefix)];
    const duck = compileChain("duckdb", inputs.dir, 3);
    const order = "ORDER BY area, product";
    const expected = await queryLocalDuckDb(`SELECT * FROM (${duck.sql}) ${order}`);
    const actual = await queryLocalDuckDb(`SELECT * FROM read_parquet('${remote.dir}/*.parquet') ${order}`);
    await Promise.all([remote.release(), inputs.release()]);
    expect(actual).toEqual(expected);
    expect(result.rowsWritten).toBe(expected.length);
    expect(result.sample.rows).toHaveLength(Math.min(100, expected.length));
    expect(result.sample.columns.map((c) => c.name)).toEqual(["area", "product", "qty_total", "price_max"]);
  });

  it("retries OpenSession through 503s (the driver does not)", async () => {
    emu.injectFault({ path: "/sql/protocolv1/", status: 503, times: 2 });
    const runner = runnerFor(clusterId);
    await expect(runner.run("SELECT 1 AS one")).resolves.toMatchObject({ rows: [{ one: 1 }] });
    await runner.close();
  });

  it("cancels the running statement when the job is cancelled", async () => {
    const runner = runnerFor(clusterId);
    const controller = new AbortController();
    const pending = runRemoteActivity({
      runner,
      selectSql: LONG_RUNNING_SQL,
      outputPath: `${MOUNT}/tmp/cancelled`,
      log,
      signal: controller.signal,
    });
    await expect.poll(() => emu.activeStatements(clusterId), { timeout: 10_000 }).toBe(1);
    controller.abort(new DOMException("Cancelled by the user", "AbortError"));
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    await expect.poll(() => emu.activeStatements(clusterId), { timeout: 60_000, interval: 200 }).toBe(0);
    await runner.close();
  });
});

describe("secrets", () => {
  it("no job-log line the engine wrote contains the token", () => {
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join("\n")).not.toContain(TOKEN);
    expect(emu.requests.join("\n")).not.toContain(TOKEN);
  });
});

describe("a mount on a plain folder", () => {
  it("maps dbfs paths to the folder for DBFS get-status", async () => {
    const dir = path.join(workDir, "plain");
    await mkdir(path.join(dir, "x"), { recursive: true });
    const plain = await startDatabricksEmulator({ token: TOKEN, mounts: { "dbfs:/mnt/plain": dir } });
    try {
      const client = createDatabricksRestClient({ baseUrl: plain.url, token: TOKEN });
      expect(await client.dbfsStatus("/mnt/plain/x")).toMatchObject({ is_dir: true });
      expect(await client.dbfsStatus("/mnt/plain/nope")).toBeUndefined();
    } finally {
      await plain.stop();
    }
  });
});
