// The real @databricks/sql driver (through Sous' runner) against the emulator, on real Spark.
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  type DatabricksEmulator,
  queryLocalDuckDb,
  sqlHttpPath,
  startDatabricksEmulator,
} from "@sous/databricks-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabricksApiError, DatabricksSqlError } from "../src/errors.ts";
import { createDatabricksRestClient } from "../src/rest-client.ts";
import { createDatabricksSqlRunner, type DatabricksSqlRunner } from "../src/sql-runner.ts";
import { LONG_RUNNING_SQL } from "./pipeline-fixture.ts";

const TOKEN = "dapi-emulator-secret-0123456789";
const BAD_TOKEN = "dapi-wrong-secret-9876543210";

let mountDir: string;
let emulator: DatabricksEmulator;
let httpPath: string;
let runner: DatabricksSqlRunner;

const runnerFor = (emu: DatabricksEmulator, clusterPath: string, token = TOKEN) =>
  createDatabricksSqlRunner({
    host: emu.host,
    port: emu.port,
    httpPath: clusterPath,
    token,
    tls: false,
    openSessionRetry: { initialDelayMs: 100, maxDelayMs: 400 },
  });

async function startRunningCluster(emu: DatabricksEmulator): Promise<string> {
  const rest = createDatabricksRestClient({ baseUrl: emu.url, token: TOKEN });
  const { cluster_id } = await rest.createCluster({
    cluster_name: "sous-engine",
    spark_version: "15.4.x-scala2.12",
    node_type_id: "Standard_DS3_v2",
    num_workers: 1,
  });
  // A cluster start starts Spark (once per test run when the run shares one).
  await rest.waitForClusterRunning(cluster_id, { pollMs: 100, timeoutMs: 120_000 });
  return cluster_id;
}

beforeAll(async () => {
  mountDir = await mkdtemp(path.join(tmpdir(), "sous-dbx-mount-"));
  emulator = await startDatabricksEmulator({ token: TOKEN, mounts: { "dbfs:/mnt/sous": mountDir } });
  httpPath = sqlHttpPath(await startRunningCluster(emulator));
  runner = runnerFor(emulator, httpPath);

  const orders = path.join(mountDir, "ds", "orders");
  await mkdir(orders, { recursive: true });
  await queryLocalDuckDb(`
    COPY (
      SELECT * FROM (VALUES
        ('north', 10, 'ok'), ('north', 5, 'ok'), ('south', 7, 'ok'),
        ('south', 100, 'it''s skip'), ('east', 1, NULL)
      ) AS t(region, amount, note)
    ) TO '${orders}/part-00000.parquet' (FORMAT parquet)`);
});

afterAll(async () => {
  await runner?.close();
  await emulator?.stop();
  if (mountDir) await rm(mountDir, { recursive: true, force: true });
});

describe("queries", () => {
  it("returns typed rows, NULLs and Spark column types", async () => {
    const result = await runner.run(`
      SELECT CAST(1 AS INT) AS i, CAST(10000000000 AS BIGINT) AS b, CAST(1.5 AS DOUBLE) AS d,
             'it\\'s' AS s, true AS flag, DATE'2024-01-02' AS dt, TIMESTAMP'2024-01-02 03:04:05' AS ts,
             CAST(12.34 AS DECIMAL(10,2)) AS amount
      UNION ALL
      SELECT CAST(NULL AS INT), CAST(NULL AS BIGINT), CAST(NULL AS DOUBLE), CAST(NULL AS STRING),
             CAST(NULL AS BOOLEAN), CAST(NULL AS DATE), CAST(NULL AS TIMESTAMP), CAST(NULL AS DECIMAL(10,2))
      ORDER BY i NULLS LAST`);
    expect(result.columns).toEqual([
      { name: "i", type: "INT" },
      { name: "b", type: "BIGINT" },
      { name: "d", type: "DOUBLE" },
      { name: "s", type: "STRING" },
      { name: "flag", type: "BOOLEAN" },
      { name: "dt", type: "DATE" },
      { name: "ts", type: "TIMESTAMP" },
      { name: "amount", type: "DECIMAL(10,2)" },
    ]);
    expect(result.rows).toEqual([
      {
        i: 1,
        b: 10_000_000_000,
        d: 1.5,
        s: "it's",
        flag: true,
        dt: "2024-01-02",
        ts: "2024-01-02 03:04:05",
        amount: 12.34,
      },
      { i: null, b: null, d: null, s: null, flag: null, dt: null, ts: null, amount: null },
    ]);
    expect(emulator.statements.at(-1)).toContain("'it\\'s'");
  });

  it("pages through large results and honours maxRows", async () => {
    // explode(sequence()) rather than range(): the emulator refuses table-valued functions.
    const sql = "SELECT CAST(x AS INT) AS n FROM (SELECT explode(sequence(0, 24999)) AS x) ORDER BY n";
    const all = await runner.run(sql);
    expect(all.rows).toHaveLength(25_000);
    expect(all.rows.at(-1)).toEqual({ n: 24_999 });
    const some = await runner.run(sql, { maxRows: 12_345 });
    expect(some.rows).toHaveLength(12_345);
    expect(some.rows.at(-1)).toEqual({ n: 12_344 });
  });
});

describe("datasets on the mount", () => {
  it("aggregates a parquet directory addressed by its dbfs path", async () => {
    const result = await runner.run(`
      SELECT \`region\`, count(*) AS n, CAST(sum(amount) AS BIGINT) AS total
      FROM parquet.\`dbfs:/mnt/sous/ds/orders\`
      WHERE note IS NULL OR note <> 'it\\'s skip'
      GROUP BY \`region\`
      ORDER BY \`region\``);
    expect(result.rows).toEqual([
      { region: "east", n: 1, total: 1 },
      { region: "north", n: 2, total: 15 },
      { region: "south", n: 1, total: 7 },
    ]);
    expect(result.columns.map((c) => c.type)).toEqual(["STRING", "BIGINT", "BIGINT"]);
  });

  it("opens every session with Sous's Spark settings, or the ones it is given", async () => {
    // DuckDB writes TIMESTAMP as a Parquet timestamp without the UTC flag: Spark 4 reads it as
    // TIMESTAMP_NTZ unless the session turns inference off, as SPARK_SESSION_SETTINGS does.
    const events = path.join(mountDir, "ds", "events");
    await mkdir(events, { recursive: true });
    await queryLocalDuckDb(
      `COPY (SELECT TIMESTAMP '2024-03-10 02:30:00' AS at) TO '${events}/part-00000.parquet' (FORMAT parquet)`,
    );
    const sql =
      "SELECT at, typeof(at) AS type, current_timezone() AS zone FROM parquet.`dbfs:/mnt/sous/ds/events`";
    const pinned = await runner.run(sql);
    expect(pinned.rows).toEqual([{ at: "2024-03-10 02:30:00", type: "timestamp", zone: "UTC" }]);

    const paris = createDatabricksSqlRunner({
      host: emulator.host,
      port: emulator.port,
      httpPath,
      token: TOKEN,
      tls: false,
      sessionConfiguration: { "spark.sql.session.timeZone": "Europe/Paris" },
    });
    try {
      const other = await paris.run(sql);
      expect(other.rows[0]).toMatchObject({ type: "timestamp_ntz", zone: "Europe/Paris" });
    } finally {
      await paris.close();
    }
  });

  it("writes INSERT OVERWRITE DIRECTORY output into the mapped folder, replacing old files", async () => {
    const outDir = path.join(mountDir, "ds", "by_region", "v1");
    await mkdir(outDir, { recursive: true });
    await writeFile(path.join(outDir, "part-stale.parquet"), "left over from an earlier run");

    const result = await runner.run(`
      INSERT OVERWRITE DIRECTORY 'dbfs:/mnt/sous/ds/by_region/v1' USING PARQUET
      SELECT region, count(*) AS orders, CAST(sum(amount) AS BIGINT) AS total
      FROM parquet.\`dbfs:/mnt/sous/ds/orders\`
      GROUP BY region`);
    expect(result).toEqual({ rows: [], columns: [] });

    // Spark's part files (and _SUCCESS); the stale file is gone.
    const files = await readdir(outDir);
    expect(files).not.toContain("part-stale.parquet");
    expect(files.filter((f) => f.endsWith(".parquet")).length).toBeGreaterThan(0);
    const written = await queryLocalDuckDb(
      `SELECT region, orders, total FROM read_parquet('${outDir}/*.parquet') ORDER BY region`,
    );
    expect(written).toEqual([
      { region: "east", orders: "1", total: "1" },
      { region: "north", orders: "2", total: "15" },
      { region: "south", orders: "2", total: "107" },
    ]);
  });

  it("reports a path outside the mounts as a Spark-style error", async () => {
    await expect(runner.run("SELECT * FROM parquet.`dbfs:/mnt/elsewhere/x`")).rejects.toMatchObject({
      name: "DatabricksSqlError",
      message: expect.stringContaining("PATH_NOT_FOUND"),
    });
  });
});

describe("errors", () => {
  it("returns a syntax error clearly, with its SQLSTATE", async () => {
    const error = await runner.run("SELEC region FROM t").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabricksSqlError);
    expect(error).toMatchObject({ sqlState: "42601" });
    expect((error as Error).message).toMatch(/PARSE_SYNTAX_ERROR.*SELEC/);
  });

  it("returns execution errors with Spark's error class", async () => {
    const error = await runner
      .run("SELECT nope FROM parquet.`dbfs:/mnt/sous/ds/orders`")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabricksSqlError);
    expect(error).toMatchObject({ sqlState: "42703" });
    expect((error as Error).message).toContain("UNRESOLVED_COLUMN");
  });

  it("refuses statements that would reach outside the mounts, with a permission error", async () => {
    const error = await runner.run("SELECT * FROM no_such_table").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabricksSqlError);
    expect(error).toMatchObject({ sqlState: "42501" });
    expect((error as Error).message).toContain("INSUFFICIENT_PERMISSIONS");
  });

  it("rejects a bad token with a safe message that never contains the token", async () => {
    const bad = runnerFor(emulator, httpPath, BAD_TOKEN);
    try {
      const error = await bad.run("SELECT 1").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabricksSqlError);
      expect(error).toMatchObject({ status: 401 });
      expect((error as Error).message).toMatch(/token was rejected/);
      const serialised = JSON.stringify(error) + String(error) + ((error as Error).stack ?? "");
      expect(serialised).not.toContain(BAD_TOKEN);
      expect(serialised).not.toContain(TOKEN);
    } finally {
      await bad.close();
    }

    const rest = createDatabricksRestClient({ baseUrl: emulator.url, token: BAD_TOKEN });
    const restError = await rest.listClusters().catch((e: unknown) => e);
    expect(restError).toBeInstanceOf(DatabricksApiError);
    expect(restError).toMatchObject({ status: 401, errorCode: "UNAUTHENTICATED" });
    const restSerialised = JSON.stringify(restError) + String(restError);
    expect(restSerialised).toMatch(/token was rejected/);
    expect(restSerialised).not.toContain(BAD_TOKEN);
  });
});

describe("unreachable endpoint", () => {
  it("fails with a DatabricksSqlError that does not contain the token", async () => {
    const closed = await startDatabricksEmulator({ token: TOKEN, mounts: {} });
    const { host, port } = closed;
    await closed.stop();
    const orphan = createDatabricksSqlRunner({
      host,
      port,
      httpPath: "sql/protocolv1/o/0/x",
      token: TOKEN,
      tls: false,
    });
    try {
      const error = await orphan.run("SELECT 1").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabricksSqlError);
      expect(`${JSON.stringify(error)} ${String(error)}`).not.toContain(TOKEN);
    } finally {
      await orphan.close();
    }
  });
});

describe("cancellation", () => {
  it("cancels the running statement when the signal aborts", async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = runner.run(LONG_RUNNING_SQL, { signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeLessThan(5_000);
    // The same runner (and emulator) is immediately usable again.
    expect((await runner.run("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
  });

  it("does not start anything for an already aborted signal", async () => {
    const before = emulator.statements.length;
    await expect(runner.run("SELECT 1", { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: "AbortError",
    });
    expect(emulator.statements).toHaveLength(before);
  });
});

describe("cluster start-up", () => {
  let slow: DatabricksEmulator;

  beforeAll(async () => {
    slow = await startDatabricksEmulator({ token: TOKEN, mounts: {}, clusterStartDelayMs: 2_000 });
  });
  afterAll(async () => {
    await slow?.stop();
  });

  it("retries OpenSession through 503s while the cluster is PENDING, then succeeds", async () => {
    const rest = createDatabricksRestClient({ baseUrl: slow.url, token: TOKEN });
    const { cluster_id } = await rest.createCluster({ spark_version: "15.4.x-scala2.12", num_workers: 0 });
    expect((await rest.getCluster(cluster_id)).state).toBe("PENDING");

    const impatient = createDatabricksSqlRunner({
      host: slow.host,
      port: slow.port,
      httpPath: sqlHttpPath(cluster_id),
      token: TOKEN,
      tls: false,
      openSessionRetry: { maxAttempts: 1 },
    });
    const error = await impatient.run("SELECT 1").catch((e: unknown) => e);
    await impatient.close();
    expect(error).toMatchObject({ name: "DatabricksSqlError", status: 503 });
    expect((error as Error).message).toMatch(/temporarily unavailable/);

    const patient = runnerFor(slow, sqlHttpPath(cluster_id));
    const started = Date.now();
    try {
      expect((await patient.run("SELECT 42 AS answer")).rows).toEqual([{ answer: 42 }]);
    } finally {
      await patient.close();
    }
    expect(Date.now() - started).toBeGreaterThan(500);
    expect((await rest.getCluster(cluster_id)).state).toBe("RUNNING");
  });
});

describe("TLS", () => {
  it("talks HTTPS to an emulator with a self-signed certificate via customCaCert", async () => {
    const secure = await startDatabricksEmulator({ token: TOKEN, mounts: {}, tls: true });
    try {
      expect(secure.url).toMatch(/^https:/);
      const clusterId = await startRunningClusterOver(secure);
      const tlsRunner = createDatabricksSqlRunner({
        host: secure.host,
        port: secure.port,
        httpPath: sqlHttpPath(clusterId),
        token: TOKEN,
        tls: { caCert: secure.caCert ?? "" },
      });
      try {
        expect((await tlsRunner.run("SELECT 'secure' AS s")).rows).toEqual([{ s: "secure" }]);
      } finally {
        await tlsRunner.close();
      }
    } finally {
      await secure.stop();
    }
  });
});

// Creates a cluster on a TLS emulator. Node's global fetch has no per-call CA option, so the
// REST client gets an injected fetch built on https.request that trusts the emulator's cert.
async function startRunningClusterOver(emu: DatabricksEmulator): Promise<string> {
  const https = await import("node:https");
  const trustingFetch: typeof fetch = (input, init) =>
    new Promise((resolve, reject) => {
      const url = new URL(String(input));
      const req = https.request(
        url,
        { method: init?.method ?? "GET", headers: init?.headers as Record<string, string>, ca: emu.caCert },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve(new Response(Buffer.concat(chunks).toString("utf8"), { status: res.statusCode ?? 500 })),
          );
        },
      );
      req.on("error", reject);
      if (typeof init?.body === "string") req.write(init.body);
      req.end();
    });
  const rest = createDatabricksRestClient({ baseUrl: emu.url, token: TOKEN, fetch: trustingFetch });
  const { cluster_id } = await rest.createCluster({ spark_version: "15.4.x-scala2.12" });
  // A cluster start starts Spark (once per test run when the run shares one).
  await rest.waitForClusterRunning(cluster_id, { pollMs: 100, timeoutMs: 120_000 });
  return cluster_id;
}
