// The Command Execution API 1.2 against the emulator on real local Spark: a context attached
// with the recipes' cluster lifecycle, PySpark and SQL commands, state kept between commands,
// table results, errors with their cause, cancel, and contexts that go with their cluster.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  type DatabricksEmulator,
  queryLocalDuckDb,
  startDatabricksEmulator,
} from "@sous/databricks-emulator";
import { sparkLocalAvailability } from "@sous/spark-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClusterLoad } from "../src/cluster-load.ts";
import { attachToCluster, type CommandOutput, type ExecutionContext } from "../src/command-execution.ts";
import { DatabricksApiError } from "../src/errors.ts";
import { createDatabricksRestClient, type DatabricksRestClient } from "../src/rest-client.ts";

const TOKEN = "dapi-command-execution-7a7a7a7a";
const spark = sparkLocalAvailability();

describe.skipIf(!spark.ok)("Command Execution API on the emulator's Spark", () => {
  let dir: string;
  let emu: DatabricksEmulator;
  let rest: DatabricksRestClient;
  let ctx: ExecutionContext & { action: string; detach(): Promise<void> };
  const logLines: string[] = [];
  const fastPoll = { initialMs: 50, maxMs: 200, timeoutMs: 120_000 };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "sous-dbx-commands-"));
    await queryLocalDuckDb(
      `COPY (SELECT i AS order_id, ['north','south','east'][i % 3 + 1] AS region, i * 2 AS amount FROM range(1, 301) t(i)) TO '${dir}/orders.parquet' (FORMAT parquet)`,
    );
    emu = await startDatabricksEmulator({
      token: TOKEN,
      mounts: { "dbfs:/mnt/sous": dir },
      clusterStartDelayMs: 300,
    });
    rest = createDatabricksRestClient({ baseUrl: emu.url, token: TOKEN, retry: { initialDelayMs: 20 } });
    ctx = await attachToCluster({
      rest,
      profile: {
        id: "notebooks",
        name: "notebooks",
        spec: { spark_version: "15.4.x-scala2.12", node_type_id: "Standard_DS3_v2", num_workers: 1 },
        maxClusters: 1,
        maxActiveStatements: 4,
      },
      load: createClusterLoad(),
      log: (_level, message) => {
        logLines.push(message);
      },
      poll: { cluster: fastPoll, context: fastPoll },
    });
  });
  afterAll(async () => {
    await ctx?.detach();
    await emu?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("creates a cluster for the profile, waits for it with progress, and opens a context on it", () => {
    expect(ctx.action).toBe("created");
    expect(logLines.join("\n")).toMatch(/cluster/i);
    expect(logLines.at(-1)).toBe(`Opening an execution context on cluster ${ctx.clusterId}`);
    expect(emu.clusterState(ctx.clusterId)).toBe("RUNNING");
  });

  it("runs a PySpark command on the cluster's Spark: spark.range(5).count()", async () => {
    const statuses: string[] = [];
    const out = await ctx.run("spark.range(5).count()", { onStatus: (s) => statuses.push(s) });
    expect(out).toEqual({ kind: "text", text: "5" });
    expect(statuses.at(-1)).toBe("Finished");
  });

  it("keeps the namespace between commands, and prints into the result", async () => {
    await ctx.run("df = spark.read.parquet('dbfs:/mnt/sous/orders.parquet')\ntotal = df.count()");
    const out = await ctx.run("print('rows:', total)\ndf.groupBy('region').count().count()");
    expect(out).toEqual({ kind: "text", text: "rows: 300\n3" });
  });

  it("gives a DataFrame as a table result with Spark's types, the first 1000 rows and truncated", async () => {
    const out = await ctx.run("df.orderBy('order_id').select('order_id', 'region')");
    expect(out.kind).toBe("table");
    const t = out as Extract<CommandOutput, { kind: "table" }>;
    expect(t.columns).toEqual([
      { name: "order_id", type: "long" },
      { name: "region", type: "string" },
    ]);
    expect(t.rows.slice(0, 2)).toEqual([
      [1, "south"],
      [2, "east"],
    ]);
    expect(t.truncated).toBe(false);
    const big = (await ctx.run("spark.range(1500)")) as Extract<CommandOutput, { kind: "table" }>;
    expect(big.rows).toHaveLength(1000);
    expect(big.truncated).toBe(true);
  });

  it("runs a SQL command reading the mount, in the same context", async () => {
    const out = await ctx.run(
      "SELECT region, sum(amount) AS total FROM parquet.`dbfs:/mnt/sous/orders.parquet` GROUP BY region ORDER BY region",
      { language: "sql" },
    );
    // 1..300: i % 3 = 0 north, 1 south, 2 east (DuckDB lists are 1-based).
    const sum = (r: number) =>
      Array.from({ length: 300 }, (_, k) => k + 1)
        .filter((i) => i % 3 === r)
        .reduce((a, i) => a + i * 2, 0);
    expect(out).toEqual({
      kind: "table",
      columns: [
        { name: "region", type: "string" },
        { name: "total", type: "long" },
      ],
      rows: [
        ["east", sum(2)],
        ["north", sum(0)],
        ["south", sum(1)],
      ],
      truncated: false,
    });
  });

  it("reports a failing command with its summary and cause, and what it printed before", async () => {
    const out = await ctx.run("print('before')\n1 / 0");
    expect(out.kind).toBe("error");
    const e = out as Extract<CommandOutput, { kind: "error" }>;
    expect(e.summary).toBe("ZeroDivisionError: division by zero");
    expect(e.cause).toContain("Traceback");
    expect(e.output).toBe("before\n");
    const sql = await ctx.run("SELECT nope FROM parquet.`dbfs:/mnt/sous/orders.parquet`", {
      language: "sql",
    });
    expect(sql.kind).toBe("error");
    expect((sql as { summary: string }).summary).toMatch(/UNRESOLVED_COLUMN/);
    // The fence of the SQL endpoint applies to SQL commands too.
    const refused = await ctx.run("SELECT * FROM parquet.`file:///etc`", { language: "sql" });
    expect((refused as { summary: string }).summary).toMatch(/INSUFFICIENT_PERMISSIONS/);
  });

  it("cancels a running command on the cluster when the caller aborts", async () => {
    const ac = new AbortController();
    const started = Date.now();
    const running = ctx.run("import time\nfor _ in range(600):\n    time.sleep(0.05)\n'done'", {
      signal: ac.signal,
      onStatus: (s) => {
        if (s === "Running") setTimeout(() => ac.abort(new Error("stopped by the test")), 200);
      },
    });
    await expect(running).rejects.toThrow("stopped by the test");
    expect(Date.now() - started).toBeLessThan(10_000);
    // The context is free again at once: the next command runs (it would queue behind a live one).
    const next = await ctx.run("41 + 1", { poll: { timeoutMs: 10_000 } });
    expect(next).toEqual({ kind: "text", text: "42" });
  });

  it("refuses scala, and a context on a cluster that is not running", async () => {
    await expect(
      rest.executeCommand({
        clusterId: ctx.clusterId,
        contextId: ctx.contextId,
        language: "scala",
        command: "1",
      }),
    ).rejects.toThrow(/python and sql/);
    const stopped = emu.createCluster({});
    await rest.terminateCluster(stopped);
    await expect(rest.createContext(stopped, "python")).rejects.toBeInstanceOf(DatabricksApiError);
  });

  it("destroys a context: its commands are gone", async () => {
    const other = await attachToCluster({
      rest,
      profile: {
        id: "notebooks",
        name: "notebooks",
        spec: { spark_version: "15.4.x-scala2.12", node_type_id: "Standard_DS3_v2", num_workers: 1 },
        maxClusters: 1,
        maxActiveStatements: 4,
      },
      load: createClusterLoad(),
      log: () => undefined,
    });
    expect(other.action).toBe("reused");
    // Contexts are isolated from each other: `df` of the first is not defined here.
    const out = await other.run("df");
    expect((out as { summary: string }).summary).toMatch(/NameError/);
    await other.detach();
    await expect(rest.contextStatus(other.clusterId, other.contextId)).rejects.toThrow(/ContextNotFound/);
  });
});
