// The remote path on real Spark: every compiler golden fixture (recipe kinds) and prepare-step
// fixture, compiled for Spark, runs through the emulator over Thrift with the unmodified
// @databricks/sql driver, reading Parquet on the mount; its rows and column types must be those
// of the same SQL run directly on Spark (spark-local), under ANSI on and off. So what the
// emulator adds (the guard, the mount mapping, sessions and their settings, Thrift's result
// encoding and the driver's decoding) changes nothing that Databricks would not.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DBSQLClient } from "@databricks/sql";
import { compileRecipe } from "@sous/compiler";
import {
  connectSharedSpark,
  type SparkLocal,
  type SparkValue,
  sparkLocalAvailability,
  startSparkLocal,
} from "@sous/spark-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { duckdbRowsSql } from "../../../scripts/conformance/inputs.ts";
import { goldenCases, prepareFixtureCases } from "../../../scripts/conformance/sources/fixtures.ts";
import type { ConformanceCase } from "../../../scripts/conformance/types.ts";
import {
  type DatabricksEmulator,
  queryLocalDuckDb,
  sqlHttpPath,
  startDatabricksEmulator,
} from "../src/index.ts";
import { kindOfSparkType } from "../src/thrift-results.ts";
import { cell, condition, expectSameAsSpark, type Outcome } from "./remote-compare.ts";

const available = sparkLocalAvailability();
const title = available.ok
  ? "golden fixtures through the emulator equal Spark"
  : `golden fixtures through the emulator equal Spark: SKIPPED, ${available.reason}`;
const TOKEN = "dapi-golden-remote";
const MOUNT = "dbfs:/mnt/sous";
const ANSI = ["true", "false"] as const;

const cases: ConformanceCase[] = [...goldenCases(), ...prepareFixtureCases()];

describe.skipIf(!available.ok)(title, () => {
  let emu: DatabricksEmulator;
  let spark: SparkLocal;
  let root: string;
  let client: DBSQLClient;
  const sql = new Map<string, string>();

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), "sous-golden-remote-"));
    emu = await startDatabricksEmulator({ token: TOKEN, tls: true, mounts: { [MOUNT]: root } });
    const clusterId = emu.createCluster({ cluster_name: "golden" });
    // The same Spark the emulator runs on when the run shares one; otherwise a process of its own.
    const socketPath = process.env.SOUS_SPARK_SOCKET;
    spark = socketPath
      ? await connectSharedSpark({ socketPath })
      : await startSparkLocal({ driverMemory: "1g" });
    // Each input written once as Parquet on the mount by DuckDB, as Sous' local engine writes
    // datasets that a cluster then reads (the conformance suite's golden cases do the same).
    for (const c of cases) {
      for (const [i, input] of c.inputs.entries()) {
        const dir = path.join(root, "in", c.name, String(i));
        mkdirSync(dir, { recursive: true });
        await queryLocalDuckDb(`COPY (${duckdbRowsSql(input)}) TO '${dir}/part-0.parquet' (FORMAT parquet)`);
      }
      try {
        const compiled = compileRecipe({
          spec: c.spec as never,
          inputs: c.inputs.map((input, i) => ({
            name: input.name,
            schema: input.schema,
            location: { format: "parquet" as const, path: `${MOUNT}/in/${c.name}/${i}` },
          })),
          dialect: "spark",
          ...(c.context ? { context: c.context as never } : {}),
        });
        if (!compiled.blocking) sql.set(c.name, compiled.sql);
      } catch {
        // a fixture the compiler refuses has nothing to run remotely
      }
    }
    for (const ansi of ANSI) await spark.openSession(`direct-${ansi}`, { "spark.sql.ansi.enabled": ansi });
    const deadline = Date.now() + 120_000;
    while (emu.clusterState(clusterId) !== "RUNNING") {
      if (Date.now() > deadline) throw new Error("the cluster did not start");
      await new Promise((r) => setTimeout(r, 200));
    }
    client = new DBSQLClient({ logger: { log() {} } } as never);
    await client.connect({
      host: emu.host,
      port: emu.port,
      path: `/${sqlHttpPath(clusterId)}`,
      token: TOKEN,
      customCaCert: emu.caCert,
    } as never);
    // The sessions are opened here, one per setting, not by the first tests racing each other;
    // and one statement warms both paths up: a cold JVM on a loaded machine (CI runs other test
    // files beside this one) took over a minute for the first statements, which then timed out.
    for (const ansi of ANSI) {
      sessions.set(ansi, await client.openSession({ configuration: { "spark.sql.ansi.enabled": ansi } }));
      const first = sql.values().next().value;
      if (first !== undefined) await Promise.all([remote(first, ansi), direct(first, ansi)]);
    }
  }, 600_000);

  afterAll(async () => {
    for (const s of sessions.values()) await s.close();
    await client?.close();
    await emu?.stop();
    await spark?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  async function direct(statement: string, ansi: string): Promise<Outcome> {
    const local = statement.replaceAll(`parquet.\`${MOUNT}/`, `parquet.\`file://${root}/`);
    const r = await spark.run(`direct-${ansi}`, local, { render: "thrift" });
    if (!r.ok) return { error: condition(r.message) };
    const kinds = r.columns.map((c) => kindOfSparkType(c.type).kind);
    return {
      names: r.columns.map((c) => c.name),
      kinds,
      rows: r.rows.map((row: SparkValue[]) => row.map((v, i) => cell(kinds[i]!, v))),
    };
  }

  // One Thrift session per ANSI setting: settings are per session, as the worker opens them.
  const sessions = new Map<string, Awaited<ReturnType<DBSQLClient["openSession"]>>>();
  async function remote(
    statement: string,
    ansi: string,
  ): Promise<{ error: string } | { names: string[]; kinds: string[]; raw: unknown[][] }> {
    const session = sessions.get(ansi);
    if (!session) throw new Error(`no session for ANSI ${ansi}`);
    try {
      const op = await session.executeStatement(statement);
      const rows = (await op.fetchAll()) as Record<string, unknown>[];
      const schema = await op.getSchema();
      await op.close();
      const names = (schema?.columns ?? []).map((c) => c.columnName);
      const remoteKinds = (schema?.columns ?? []).map((c) =>
        String(c.typeDesc.types[0]?.primitiveEntry?.type),
      );
      return { names, kinds: remoteKinds, raw: rows.map((r) => names.map((n) => r[n])) };
    } catch (e) {
      return { error: condition((e as Error).message) };
    }
  }

  it("compiles every fixture for Spark", () => {
    expect(cases.length).toBeGreaterThan(100);
    // A few fixtures are blocked on Spark by design; nearly all must run remotely.
    expect(sql.size).toBeGreaterThan(cases.length * 0.9);
  });

  for (const ansi of ANSI) {
    // Concurrently (vitest's maxConcurrency, 5): each statement is small, and Spark plans one
    // while it runs another, which halves the file's time on two cores.
    it.concurrent.each(cases.map((c) => [c.name, c] as const))(
      `ANSI ${ansi}: %s`,
      async (name, c) => {
        const statement = sql.get(name);
        if (statement === undefined) return;
        // Both at once: the driver's polling leaves Spark idle otherwise.
        const pending = remote(statement, ansi);
        const want = await direct(statement, ansi);
        const answer = await pending;
        expectSameAsSpark(want, answer, c.ordered);
        // Generous: the clock of a concurrent test starts when it is scheduled, and this file
        // shares two cores with the rest of the run; a hang still fails.
      },
      180_000,
    );
  }
});
