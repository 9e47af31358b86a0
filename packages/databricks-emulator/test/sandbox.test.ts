import { describe, expect, it } from "vitest";
import { type EscapeTargets, SQL_ESCAPES } from "../../compiler/test/sql-escape-corpus.ts";
import { guardStatement } from "../src/statement-guard.ts";

/**
 * The emulator's guard, before anything reaches Spark: each escape of the corpus is sent as-is
 * (no Sous checker in front, as if a client other than Sous sent it). It is refused, or it only
 * reads dbfs: paths, which Spark resolves through the mounts alone (sandbox.int.test.ts runs
 * them all on Spark).
 */
const mounts = { "dbfs:/mnt/sous": "/srv/mount" };
const targets: EscapeTargets = {
  input: "orders",
  victimName: "salaries",
  victimFile: "/srv/host/projects/pVictim/datasets/dVictim/versions/vVictim/part-0.parquet",
  victimDir: "/srv/host/projects/pVictim/datasets/dVictim/versions/vVictim",
  victimGlob: "/srv/*/projects/*/datasets/*/versions/*/*.parquet",
  storageRoot: "/srv/host",
  clusterDir: "dbfs:/mnt/sous/../host/projects/pVictim/datasets/dVictim/versions/vVictim",
};
const input = "dbfs:/mnt/sous/projects/pMine/datasets/dMine/versions/vMine";

describe("the emulator's statement guard", () => {
  it.each(SQL_ESCAPES.map((a) => [a.name, a] as const))("refused or dbfs-only: %s", (_name, attempt) => {
    const sql = `WITH \`orders\` AS (SELECT * FROM parquet.\`${input}\`)\n${attempt.sql(targets)}`;
    const guarded = guardStatement(sql, mounts);
    if (!guarded.ok) {
      expect(guarded.sqlState).toMatch(/^(42501|42601)$/);
      return;
    }
    for (const m of guarded.sql.matchAll(/parquet\s*\.\s*`([^`]*)`/gi)) expect(m[1]).toMatch(/^dbfs:\//i);
  });

  it("lets through queries and INSERT OVERWRITE DIRECTORY under a mount, with what they read and write", () => {
    expect(
      guardStatement(
        `INSERT OVERWRITE DIRECTORY 'dbfs:/mnt/sous/out' USING PARQUET\nSELECT id + 1 AS id FROM parquet.\`${input}\`;`,
        mounts,
      ),
    ).toEqual({
      ok: true,
      sql: `INSERT OVERWRITE DIRECTORY 'dbfs:/mnt/sous/out' USING PARQUET\nSELECT id + 1 AS id FROM parquet.\`${input}\``,
      hasResultSet: false,
      reads: ["/srv/mount/projects/pMine/datasets/dMine/versions/vMine"],
      overwriteDirectory: "/srv/mount/out",
    });
    expect(guardStatement("SELECT 1 AS one", mounts)).toMatchObject({
      ok: true,
      hasResultSet: true,
      reads: [],
    });
  });

  it.each([
    ["a bare host path", "SELECT * FROM parquet.`/etc`"],
    ["file:", "SELECT * FROM parquet.`file:///etc`"],
    ["a text source", "SELECT * FROM text.`dbfs:/mnt/sous/x`"],
    ["read_files", "SELECT * FROM read_files('/etc/passwd')"],
    ["a catalog table", "SELECT * FROM some_table"],
    ["reflect", "SELECT reflect('java.lang.System', 'exit', 1)"],
    ["ADD JAR", "ADD JAR '/tmp/x.jar'"],
    ["SET", "SET spark.sql.ansi.enabled = false"],
    ["a write outside the mounts", "INSERT OVERWRITE DIRECTORY 'dbfs:/mnt/other' USING PARQUET SELECT 1"],
    ["a local write", "INSERT OVERWRITE LOCAL DIRECTORY '/tmp/x' USING PARQUET SELECT 1"],
    [
      "a write with OPTIONS",
      "INSERT OVERWRITE DIRECTORY 'dbfs:/mnt/sous/o' USING PARQUET OPTIONS (path '/tmp') SELECT 1",
    ],
    ["a CSV write", "INSERT OVERWRITE DIRECTORY 'dbfs:/mnt/sous/o' USING CSV SELECT 1"],
    ["an INSERT INTO a table", "INSERT INTO t SELECT 1"],
  ])("refuses %s", (_label, sql) => {
    expect(guardStatement(sql, mounts)).toMatchObject({ ok: false, sqlState: "42501" });
  });

  it("reports syntax errors as Spark does", () => {
    expect(guardStatement("SELEC 1", mounts)).toMatchObject({
      ok: false,
      sqlState: "42601",
      message: expect.stringMatching(/^\[PARSE_SYNTAX_ERROR\].*SQLSTATE: 42601$/),
    });
  });
});
