// What the remote-path tests share: an emulator whose cluster runs on real Spark, the
// @databricks/sql driver connected to it over Thrift (one session per ANSI setting, as the
// worker opens them), the same Spark reached directly, and the comparison of the two answers:
// names, Thrift type ids and rows as Spark's own types say they compare.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DBSQLClient } from "@databricks/sql";
import { connectSharedSpark, type SparkLocal, type SparkValue, startSparkLocal } from "@sous/spark-local";
import { expect } from "vitest";
import { duckdbRowsSql } from "../../../scripts/conformance/inputs.ts";
import type { CaseInput } from "../../../scripts/conformance/types.ts";
import {
  type DatabricksEmulator,
  queryLocalDuckDb,
  sqlHttpPath,
  startDatabricksEmulator,
} from "../src/index.ts";
import { kindOfSparkType } from "../src/thrift-results.ts";

export const ANSI = ["true", "false"] as const;
export const MOUNT = "dbfs:/mnt/sous";

export type Outcome = { error: string } | { names: string[]; kinds: string[]; rows: string[][] };
export type RemoteAnswer = { error: string } | { names: string[]; kinds: string[]; raw: unknown[][] };

/** One cell as text both sides agree on: numbers by value (decimals come back as numbers), binary as base64. */
export function cell(kind: string, v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (kind === "binary") return Buffer.from(v as Uint8Array).toString("base64");
  if (["tinyint", "smallint", "int", "bigint", "float", "double", "decimal"].includes(kind)) {
    const n = Number(v);
    return Number.isNaN(n) ? "NaN" : String(n);
  }
  if (kind === "array" || kind === "map" || kind === "struct")
    return typeof v === "string" ? JSON.stringify(JSON.parse(v)) : JSON.stringify(v);
  if (kind === "boolean") return String(v === true || v === "true");
  return String(v);
}

export const canonical = (rows: string[][], ordered: boolean) =>
  ordered ? rows : [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

/** The condition of a Spark error message (`[CAST_INVALID_INPUT] ...` -> CAST_INVALID_INPUT). */
export const condition = (message: string) =>
  /\[([A-Z0-9_]+)(?:\.[A-Z0-9_]+)?\]/.exec(message)?.[1] ?? message.slice(0, 80);

// TTypeId values (TCLIService.thrift) of the kinds the emulator reports.
const THRIFT_TYPE: Record<string, number> = {
  boolean: 0,
  tinyint: 1,
  smallint: 2,
  int: 3,
  bigint: 4,
  float: 5,
  double: 6,
  string: 7,
  timestamp: 8,
  binary: 9,
  array: 10,
  map: 11,
  struct: 12,
  decimal: 15,
  date: 17,
};

/**
 * The emulator's answer must be Spark's: the same error condition, or the same column names,
 * the Thrift type ids of Spark's types, and the same rows (as a multiset unless `ordered`).
 */
export function expectSameAsSpark(want: Outcome, answer: RemoteAnswer, ordered: boolean): void {
  // Cells are compared as Spark's types say (numbers by value, binary as base64, ...).
  const kinds = "kinds" in want ? want.kinds : [];
  const got: Outcome =
    "error" in answer
      ? answer
      : {
          names: answer.names,
          kinds: answer.kinds,
          rows: answer.raw.map((row) => row.map((v, i) => cell(kinds[i] ?? "string", v))),
        };
  if ("error" in want) {
    expect(got).toEqual(want);
    return;
  }
  expect(got).not.toHaveProperty("error");
  if ("error" in got) return;
  expect(got.names).toEqual(want.names);
  expect(got.kinds).toEqual(want.kinds.map((k) => String(THRIFT_TYPE[k])));
  const rows = want.rows.map((row) => row.map((v, i) => throughColumnBasedDriver(want.kinds[i]!, v)));
  expect(canonical(got.rows, ordered)).toEqual(canonical(rows, ordered));
}

/**
 * What the driver makes of a Spark cell the emulator sends exactly. One known gap: the emulator
 * answers with column-based row sets (protocol V4), where the driver decodes a BIGINT with
 * node-int64's `toNumber()`, which gives +-Infinity from 2^53 up; Databricks answers with Arrow,
 * where the same value becomes the nearest double. The wire value is exact (thrift-results.ts).
 */
function throughColumnBasedDriver(kind: string, v: string): string {
  if (kind !== "bigint" || v === "NULL" || Math.abs(Number(v)) < 2 ** 53) return v;
  return Number(v) > 0 ? "Infinity" : "-Infinity";
}

export interface RemoteHarness {
  /** The local folder mounted at MOUNT. */
  root: string;
  /** Writes rows as DuckDB-written Parquet (as Sous' local engine writes datasets) under the mount; returns its MOUNT path. */
  writeInput(relative: string, input: CaseInput): Promise<string>;
  /** The statement (reading MOUNT paths) run directly on Spark, MOUNT mapped to the local folder. */
  direct(statement: string, ansi: string): Promise<Outcome>;
  /** The statement through the emulator, over Thrift, with the unmodified driver. */
  remote(statement: string, ansi: string): Promise<RemoteAnswer>;
  stop(): Promise<void>;
}

/**
 * One emulator with one running cluster, the driver connected to it, and Spark reached directly:
 * the run's shared Spark (SOUS_SPARK_SOCKET) when there is one, otherwise a process of its own.
 */
export async function startRemoteHarness(name: string): Promise<RemoteHarness> {
  const token = `dapi-${name}`;
  const root = mkdtempSync(path.join(tmpdir(), `sous-${name}-`));
  const emu: DatabricksEmulator = await startDatabricksEmulator({
    token,
    tls: true,
    mounts: { [MOUNT]: root },
  });
  const clusterId = emu.createCluster({ cluster_name: name });
  const socketPath = process.env.SOUS_SPARK_SOCKET;
  const spark: SparkLocal = socketPath
    ? await connectSharedSpark({ socketPath })
    : await startSparkLocal({ driverMemory: "1g" });
  // Session names are per connection, but a shared Spark is shared by files: a name of our own.
  const directSession = (ansi: string) => `${name}-direct-${ansi}`;
  for (const ansi of ANSI) await spark.openSession(directSession(ansi), { "spark.sql.ansi.enabled": ansi });
  const deadline = Date.now() + 120_000;
  while (emu.clusterState(clusterId) !== "RUNNING") {
    if (Date.now() > deadline) throw new Error("the cluster did not start");
    await new Promise((r) => setTimeout(r, 200));
  }
  const client = new DBSQLClient({ logger: { log() {} } } as never);
  await client.connect({
    host: emu.host,
    port: emu.port,
    path: `/${sqlHttpPath(clusterId)}`,
    token,
    customCaCert: emu.caCert,
  } as never);
  const sessions = new Map<string, Promise<Awaited<ReturnType<DBSQLClient["openSession"]>>>>();

  return {
    root,
    async writeInput(relative, input) {
      const dir = path.join(root, relative);
      mkdirSync(dir, { recursive: true });
      await queryLocalDuckDb(`COPY (${duckdbRowsSql(input)}) TO '${dir}/part-0.parquet' (FORMAT parquet)`);
      return `${MOUNT}/${relative}`;
    },
    async direct(statement, ansi) {
      const local = statement.replaceAll(`parquet.\`${MOUNT}/`, `parquet.\`file://${root}/`);
      const r = await spark.run(directSession(ansi), local, { render: "thrift" });
      if (!r.ok) return { error: condition(r.message) };
      const kinds = r.columns.map((c) => kindOfSparkType(c.type).kind);
      return {
        names: r.columns.map((c) => c.name),
        kinds,
        rows: r.rows.map((row: SparkValue[]) => row.map((v, i) => cell(kinds[i]!, v))),
      };
    },
    async remote(statement, ansi) {
      // One Thrift session per ANSI setting, opened once even by concurrent callers.
      let session = sessions.get(ansi);
      if (!session) {
        session = client.openSession({ configuration: { "spark.sql.ansi.enabled": ansi } });
        sessions.set(ansi, session);
      }
      try {
        const op = await (await session).executeStatement(statement);
        const rows = (await op.fetchAll()) as Record<string, unknown>[];
        const schema = await op.getSchema();
        await op.close();
        const names = (schema?.columns ?? []).map((c) => c.columnName);
        const kinds = (schema?.columns ?? []).map((c) => String(c.typeDesc.types[0]?.primitiveEntry?.type));
        return { names, kinds, raw: rows.map((r) => names.map((n) => r[n])) };
      } catch (e) {
        return { error: condition((e as Error).message) };
      }
    },
    async stop() {
      for (const s of sessions.values()) await (await s).close().catch(() => {});
      await client.close().catch(() => {});
      await emu.stop();
      for (const ansi of ANSI) await spark.closeSession(directSession(ansi)).catch(() => {});
      await spark.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
