// A workspace that accepts connections and never answers, one that refuses them, and one killed
// mid-statement: every REST call and SQL RPC ends within its timeouts or at once on abort, and
// says which it was. Real TCP peers (test/fault-servers.ts), the emulator for the killed one.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type DatabricksEmulator, sqlHttpPath, startDatabricksEmulator } from "@sous/databricks-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabricksApiError, DatabricksSqlError } from "../src/errors.ts";
import { createDatabricksRestClient } from "../src/rest-client.ts";
import { createDatabricksSqlRunner } from "../src/sql-runner.ts";
import { closedPort, type HangingServer, startFaultProxy, startHangingServer } from "./fault-servers.ts";
import { LONG_RUNNING_SQL } from "./pipeline-fixture.ts";

const TOKEN = "dapi-faults-secret-0123456789abcdef";
const FAST = { connectMs: 1_000, readMs: 1_000 };

async function timed<T>(p: Promise<T>): Promise<{ error: unknown; ms: number }> {
  const t0 = performance.now();
  const error = await p.then(
    () => new Error("expected a failure"),
    (e: unknown) => e,
  );
  return { error, ms: performance.now() - t0 };
}

function expectNoToken(e: unknown) {
  expect(`${JSON.stringify(e)} ${String(e)} ${(e as Error).stack ?? ""}`).not.toContain(TOKEN);
}

let hanging: HangingServer;
beforeAll(async () => {
  hanging = await startHangingServer();
});
afterAll(async () => {
  await hanging?.close();
});

describe("REST against a workspace that never answers", () => {
  it("fails after the read timeout with 'did not answer within N s', without retrying", async () => {
    const rest = createDatabricksRestClient({ baseUrl: hanging.url, token: TOKEN, timeouts: FAST });
    const before = hanging.accepted();
    const { error, ms } = await timed(rest.currentUser());
    expect(error).toBeInstanceOf(DatabricksApiError);
    expect(error).toMatchObject({ status: 0, errorCode: "WORKSPACE_TIMEOUT" });
    expect((error as Error).message).toBe(
      `The Databricks workspace at ${hanging.url} did not answer within 1 s. Check the workspace URL and that the workspace is up (a proxy or firewall may be holding the connection), then try again.`,
    );
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(5_000);
    expect(hanging.accepted() - before).toBe(1);
    expectNoToken(error);
  });

  it("stops at once when the call's signal or the client's signal aborts", async () => {
    const rest = createDatabricksRestClient({ baseUrl: hanging.url, token: TOKEN });
    const call = new AbortController();
    setTimeout(() => call.abort(new DOMException("Cancelled", "AbortError")), 200);
    const a = await timed(rest.listClusters({ signal: call.signal }));
    expect(a.error).toMatchObject({ name: "AbortError", message: "Cancelled" });
    expect(a.ms).toBeLessThan(2_000);

    const whole = new AbortController();
    const client = createDatabricksRestClient({ baseUrl: hanging.url, token: TOKEN, signal: whole.signal });
    setTimeout(() => whole.abort(new DOMException("Stopping", "AbortError")), 200);
    const b = await timed(client.getCluster("c1"));
    expect(b.error).toMatchObject({ name: "AbortError", message: "Stopping" });
    expect(b.ms).toBeLessThan(2_000);
  });

  it("over https, a TLS handshake that never completes is a connect timeout", async () => {
    const rest = createDatabricksRestClient({
      baseUrl: `https://127.0.0.1:${hanging.port}`,
      token: TOKEN,
      timeouts: FAST,
    });
    const { error, ms } = await timed(rest.listSparkVersions());
    expect(error).toMatchObject({ status: 0, errorCode: "WORKSPACE_UNREACHABLE" });
    expect((error as Error).message).toMatch(
      /^The Databricks workspace at https:\/\/127\.0\.0\.1:\d+ is unreachable \(could not connect within 1 s\)/,
    );
    expect(ms).toBeLessThan(5_000);
  });
});

describe("REST against a closed port", () => {
  it("says the workspace is unreachable, at once and without retrying", async () => {
    const closed = await closedPort();
    const rest = createDatabricksRestClient({ baseUrl: `${closed.url}/`, token: TOKEN });
    const { error, ms } = await timed(rest.listClusters());
    expect(error).toMatchObject({ status: 0, errorCode: "WORKSPACE_UNREACHABLE" });
    expect((error as Error).message).toBe(
      `The Databricks workspace at ${closed.url} is unreachable (connection refused). Check the workspace URL, that the workspace is running, and that this server can reach it.`,
    );
    // The default retry (4 attempts, 1 s doubling) would take 7 s.
    expect(ms).toBeLessThan(1_000);
    expectNoToken(error);
  });
});

describe("SQL against a workspace that never answers", () => {
  it("fails the first RPC after connect + read timeout with 'did not answer within N s'", async () => {
    const runner = createDatabricksSqlRunner({
      host: hanging.host,
      port: hanging.port,
      httpPath: "sql/protocolv1/o/0/c1",
      token: TOKEN,
      tls: false,
      timeouts: FAST,
    });
    const { error, ms } = await timed(runner.run("SELECT 1"));
    expect(error).toBeInstanceOf(DatabricksSqlError);
    expect(error).toMatchObject({ status: 0 });
    expect((error as Error).message).toMatch(
      new RegExp(`^The Databricks workspace at ${hanging.url} did not answer within 2 s\\.`),
    );
    expect(ms).toBeLessThan(6_000);
    const closing = await timed(runner.close());
    expect(closing.ms).toBeLessThan(1_000);
    expectNoToken(error);
  });

  it("stops within a second of the abort, whatever RPC it waits on, and closes without waiting", async () => {
    const runner = createDatabricksSqlRunner({
      host: hanging.host,
      port: hanging.port,
      httpPath: "sql/protocolv1/o/0/c1",
      token: TOKEN,
      tls: false,
      timeouts: { connectMs: 60_000, readMs: 60_000 },
    });
    const controller = new AbortController();
    const before = hanging.accepted();
    const pending = timed(runner.run("SELECT 1", { signal: controller.signal }));
    await expect.poll(() => hanging.accepted() - before, { timeout: 5_000 }).toBeGreaterThan(0);
    controller.abort(new DOMException("Cancelled", "AbortError"));
    const t0 = performance.now();
    const { error } = await pending;
    expect(error).toMatchObject({ name: "AbortError", message: "Cancelled" });
    const closing = await timed(runner.close());
    // OpenSession hangs for its 2 min; the abort grace (1 s) bounds the cleanup.
    expect(performance.now() - t0).toBeLessThan(3_000);
    expect(closing.ms).toBeLessThan(1_500);
  });
});

describe("SQL against a closed port", () => {
  it("says the workspace is unreachable (connection refused), at once", async () => {
    const closed = await closedPort();
    const runner = createDatabricksSqlRunner({
      host: closed.host,
      port: closed.port,
      httpPath: "sql/protocolv1/o/0/c1",
      token: TOKEN,
      tls: false,
    });
    const { error, ms } = await timed(runner.run("SELECT 1"));
    expect(error).toMatchObject({ name: "DatabricksSqlError", status: 0 });
    expect((error as Error).message).toBe(
      `The Databricks workspace at ${closed.url} is unreachable (connection refused). Check the workspace URL, that the workspace is running, and that this server can reach it.`,
    );
    expect(ms).toBeLessThan(2_000);
    await runner.close();
  });
});

describe("a workspace killed mid-statement", () => {
  let emu: DatabricksEmulator;
  let mountDir: string;

  beforeAll(async () => {
    mountDir = await mkdtemp(path.join(tmpdir(), "sous-dbx-faults-"));
    emu = await startDatabricksEmulator({ token: TOKEN, mounts: { "dbfs:/mnt/sous": mountDir } });
  });
  afterAll(async () => {
    await emu?.stop();
    if (mountDir) await rm(mountDir, { recursive: true, force: true });
  });

  it("is reported as unreachable within seconds, not as 'Max retry count exceeded' after minutes", async () => {
    const proxy = await startFaultProxy(emu);
    const clusterId = emu.createCluster();
    // A cluster start starts Spark.
    await expect.poll(() => emu.clusterState(clusterId), { timeout: 120_000, interval: 200 }).toBe("RUNNING");
    const runner = createDatabricksSqlRunner({
      host: proxy.host,
      port: proxy.port,
      httpPath: sqlHttpPath(clusterId),
      token: TOKEN,
      tls: false,
      rpcRetry: { initialDelayMs: 200 },
    });
    const pending = timed(runner.run(LONG_RUNNING_SQL));
    await expect.poll(() => emu.activeStatements(clusterId), { timeout: 10_000 }).toBe(1);
    // Killed while the driver polls the statement's status (where a run spends its time).
    const polls = proxy.forwardedSql();
    await expect.poll(() => proxy.forwardedSql() - polls, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await proxy.kill();
    const t0 = performance.now();
    const { error } = await pending;
    const reported = performance.now() - t0;
    expect(error).toMatchObject({ name: "DatabricksSqlError", status: 0 });
    expect((error as Error).message).toBe(
      `The Databricks workspace at ${proxy.url} is unreachable (connection refused). Check the workspace URL, that the workspace is running, and that this server can reach it.`,
    );
    expect((error as Error).message).not.toMatch(/Max retry count/);
    // 3 attempts of the status poll, 0.2 s then 0.4 s apart; no close waits on the dead port.
    expect(reported).toBeLessThan(5_000);
    const closing = await timed(runner.close());
    expect(closing.ms).toBeLessThan(1_000);
  });
});
