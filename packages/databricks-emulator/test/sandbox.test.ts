import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EscapeTargets, SQL_ESCAPES } from "../../compiler/test/sql-escape-corpus.ts";
import { DuckDbEngine } from "../src/duckdb-engine.ts";
import { queryLocalDuckDb } from "../src/local-duckdb.ts";
import { createMountStore } from "../src/mount-store.ts";
import { translateSparkToDuckDb } from "../src/spark-to-duckdb.ts";

/**
 * The emulator's engine reaches its mounts and nothing else of the host, as a cluster reaches
 * only its storage. Each escape of the corpus is sent as-is (no Sous checker in front, as if a
 * client other than Sous sent it), aimed at a file outside the mount: none reads it.
 */
const MARKER = "host-secret-51c2";
let root: string;
let engine: DuckDbEngine;
let targets: EscapeTargets;
const mountPrefix = "dbfs:/mnt/sous";

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), "sous-emu-sandbox-"));
  const mount = path.join(root, "mount");
  const inputDir = path.join(mount, "projects/pMine/datasets/dMine/versions/vMine");
  const outside = path.join(root, "host/projects/pVictim/datasets/dVictim/versions/vVictim");
  for (const d of [inputDir, outside]) mkdirSync(d, { recursive: true });
  await queryLocalDuckDb(`COPY (SELECT 1 AS id) TO '${inputDir}/part-0.parquet'`);
  await queryLocalDuckDb(`COPY (SELECT '${MARKER}' AS s) TO '${outside}/part-0.parquet'`);
  engine = await DuckDbEngine.create({ mountDirectories: [mount] });
  targets = {
    input: "orders",
    victimName: "salaries",
    victimFile: `${outside}/part-0.parquet`,
    victimDir: outside,
    victimGlob: `${root}/*/projects/*/datasets/*/versions/*/*.parquet`,
    storageRoot: path.join(root, "host"),
    clusterDir: `${mountPrefix}/../host/projects/pVictim/datasets/dVictim/versions/vVictim`,
  };
});
afterAll(() => {
  engine?.close();
  rmSync(root, { recursive: true, force: true });
});

describe("the emulator's engine is locked to its mounts", () => {
  it.each(SQL_ESCAPES.map((a) => [a.name, a] as const))("0 reach the host: %s", async (_name, attempt) => {
    const mounts = createMountStore({ [mountPrefix]: path.join(root, "mount") }, path.join(root, "mirror"));
    const input = `${mountPrefix}/projects/pMine/datasets/dMine/versions/vMine`;
    const sql = `WITH \`orders\` AS (SELECT * FROM parquet.\`${input}\`)\n${attempt.sql(targets)}`;
    const before = readdirSync(targets.victimDir);
    const session = await engine.openSession();
    let out = "";
    try {
      const r = await session.execute(translateSparkToDuckDb(sql, mounts.table));
      out = JSON.stringify(
        r.columns.map((c) => c.values),
        (_k, v) => (typeof v === "bigint" ? String(v) : v),
      );
    } catch (e) {
      expect(String(e)).not.toContain(MARKER);
    } finally {
      session.close();
    }
    expect(out).not.toContain(MARKER);
    if (!sql.includes("pVictim")) expect(out).not.toContain("pVictim");
    expect(readdirSync(targets.victimDir)).toEqual(before);
  });

  it("still reads and writes its mounts", async () => {
    const mounts = createMountStore({ [mountPrefix]: path.join(root, "mount") }, path.join(root, "mirror"));
    const session = await engine.openSession();
    try {
      const input = `${mountPrefix}/projects/pMine/datasets/dMine/versions/vMine`;
      await session.execute(
        translateSparkToDuckDb(
          `INSERT OVERWRITE DIRECTORY '${mountPrefix}/out' USING PARQUET SELECT id + 1 AS id FROM parquet.\`${input}\``,
          mounts.table,
        ),
      );
      const r = await session.execute(
        translateSparkToDuckDb(`SELECT * FROM parquet.\`${mountPrefix}/out\``, mounts.table),
      );
      expect(r.columns[0]?.values).toEqual([2]);
    } finally {
      session.close();
    }
  });
});
