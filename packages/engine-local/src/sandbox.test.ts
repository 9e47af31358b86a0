import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { blankComments, tokenizeSpark } from "@sous/compiler/spark-lexer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uncheckedSparkToDuckDb } from "../../compiler/src/sql-recipe/to-duckdb/index.ts";
import { type EscapeTargets, SQL_ESCAPES } from "../../compiler/test/sql-escape-corpus.ts";
import { LocalEngine } from "./local-engine.ts";
import { duckString } from "./sql-literals.ts";

/**
 * The engine's own lockdown, with the SQL checker out of the way: each escape of the corpus is
 * translated to DuckDB as the recipe compiler would and run the way a preview or a build runs a
 * recipe (in a sandbox that may read the input and write the output's staging folder). None
 * reads the victim's rows or paths, and none writes outside the staging folder.
 */
const MARKER = "victim-secret-7f3a";
let root: string;
let engine: LocalEngine;
let targets: EscapeTargets;
let inputDir: string;
let stagingDir: string;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), "sous-sandbox-"));
  const storage = path.join(root, "storage");
  inputDir = path.join(storage, "projects/pMine/datasets/dMine/versions/vMine");
  const victimDir = path.join(storage, "projects/pVictim/datasets/dVictim/versions/vVictim");
  stagingDir = path.join(storage, "staging/sMine");
  for (const d of [inputDir, victimDir, stagingDir]) mkdirSync(d, { recursive: true });
  engine = await LocalEngine.create({ allowedDirectories: [root] });
  await engine.runWrite(`COPY (SELECT 1 AS id, 'mine' AS s) TO ${duckString(`${inputDir}/part-0.parquet`)}`);
  await engine.runWrite(
    `COPY (SELECT 2 AS id, '${MARKER}' AS s) TO ${duckString(`${victimDir}/part-0.parquet`)}`,
  );
  targets = {
    input: "orders",
    victimName: "salaries",
    victimFile: `${victimDir}/part-0.parquet`,
    victimDir,
    victimGlob: `${storage}/projects/*/datasets/*/versions/*/*.parquet`,
    storageRoot: storage,
    clusterDir: "dbfs:/mnt/sous/projects/pVictim/datasets/dVictim/versions/vVictim",
  };
});
afterAll(() => {
  engine?.close();
  rmSync(root, { recursive: true, force: true });
});

/**
 * What DuckDB would run for `sql` had the checker accepted it: the input bound, the text
 * translated; where the translation refuses it, the text as written (comments blanked), which
 * puts the engine's lockdown to a harder test than anything the compiler would emit.
 */
function unchecked(sql: string): string {
  let body: string;
  try {
    body = uncheckedSparkToDuckDb(sql);
  } catch {
    body = blankComments(tokenizeSpark(sql));
  }
  return `WITH "orders" AS (SELECT * FROM read_parquet(${duckString(`${inputDir}/*.parquet`)}))\n${body}`;
}

describe("the local engine's sandbox, checker bypassed", () => {
  it.each(SQL_ESCAPES.map((a) => [a.name, a] as const))("0 get through: %s", async (_name, attempt) => {
    const sql = unchecked(attempt.sql(targets));
    const victimFiles = readdirSync(targets.victimDir);
    let out = "";
    for (const statement of [sql, `COPY (${sql}) TO ${duckString(`${stagingDir}/part-0.parquet`)}`]) {
      try {
        const r = await engine.sandboxed({ read: [inputDir], write: [stagingDir] }, (box) =>
          box.withConnection((c) => c.runAndReadAll(statement)),
        );
        out += JSON.stringify(r.getRowsJson(), (_k, v) => (typeof v === "bigint" ? String(v) : v));
      } catch (e) {
        // Refused or failed: what matters is that the error names nothing of the victim's data.
        expect(String(e)).not.toContain(MARKER);
      }
    }
    expect(out).not.toContain(MARKER);
    // No other project's path either (a glob listing files), unless the query itself spelled it
    // out and only echoes it back as a string. The engine may show the sandbox's own folders
    // (duckdb_settings(): the checker refuses that before any engine sees it).
    if (!sql.includes("pVictim")) expect(out).not.toContain("pVictim");
    expect(readdirSync(targets.victimDir)).toEqual(victimFiles);
    expect(existsSync("/tmp/stolen.csv")).toBe(false);
    rmSync(stagingDir, { recursive: true, force: true });
    mkdirSync(stagingDir, { recursive: true });
  });

  it("still runs what a recipe does: read the inputs, write the output", async () => {
    const rows = await engine.sandboxed({ read: [inputDir], write: [stagingDir] }, async (box) => {
      await box.runWrite(
        `COPY (${unchecked("SELECT id, s FROM orders")}) TO ${duckString(`${stagingDir}/part-0.parquet`)}`,
      );
      return box.withConnection(async (c) =>
        (
          await c.runAndReadAll(`SELECT * FROM read_parquet(${duckString(`${stagingDir}/*.parquet`)})`)
        ).getRowsJson(),
      );
    });
    expect(rows).toEqual([[1, "mine"]]);
  });

  it("cannot read a sibling folder whose name starts like an input's", async () => {
    const sibling = `${inputDir}X`;
    mkdirSync(sibling, { recursive: true });
    await engine.runWrite(`COPY (SELECT '${MARKER}' AS s) TO ${duckString(`${sibling}/part-0.parquet`)}`);
    await expect(
      engine.sandboxed({ read: [inputDir] }, (box) =>
        box.withConnection((c) =>
          c.runAndReadAll(`SELECT * FROM read_parquet(${duckString(`${sibling}/*.parquet`)})`),
        ),
      ),
    ).rejects.toThrow(/Permission Error/);
  });

  it("a build's sandbox leaves no temp folder; previews reuse one per set of inputs, and only that set", async () => {
    // A temp folder of this test's own (os.tmpdir() reads TMPDIR): other test files running at
    // the same time make and remove sandboxes' folders in the shared one.
    const own = mkdtempSync(path.join(tmpdir(), "sous-sandbox-tmp-"));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = own;
    const temps = () => readdirSync(own).filter((f) => f.startsWith("sous-duckdb-")).length;
    try {
      await engine.sandboxed({ read: [inputDir], write: [stagingDir] }, async () => undefined);
      // Retired once the caller has its result, closed when the caller says (a job's end).
      expect(temps()).toBe(1);
      engine.closeRetired();
      expect(temps()).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      rmSync(own, { recursive: true, force: true });
    }
    await expect(engine.sandboxed({ read: [] }, async () => 1)).rejects.toThrow(/at least one folder/);

    const other = path.join(root, "storage/projects/pMine/datasets/dOther/versions/v1");
    mkdirSync(other, { recursive: true });
    await engine.runWrite(`COPY (SELECT 7 AS id) TO ${duckString(`${other}/part-0.parquet`)}`);
    const read = (dirs: string[], dir: string) =>
      engine.sandboxed({ read: dirs }, (box) =>
        box.withConnection(async (c) =>
          (
            await c.runAndReadAll(`SELECT id FROM read_parquet(${duckString(`${dir}/*.parquet`)})`)
          ).getRowsJson(),
        ),
      );
    const first = await read([inputDir], inputDir);
    const again = await read([inputDir], inputDir);
    expect(again).toEqual(first);
    // The reused sandbox of [input] still cannot read `other`; the one of [input, other] can.
    await expect(read([inputDir], other)).rejects.toThrow(/Permission Error/);
    expect(await read([inputDir, other], other)).toEqual([[7]]);
  });
});
