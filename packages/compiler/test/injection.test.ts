import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { DatasetSchema } from "@sous/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CompileError, type CompileInput, compileRecipe, renderWriteParquet } from "../src/index.ts";
import { type Db, openDb, query, writeParquetDir } from "./helpers/duckdb.ts";
import { sparkStatementCount, sparkSyntaxErrors } from "./helpers/spark.ts";
import { INJECTION_CORPUS } from "./injection-corpus.ts";

/**
 * Security contract: whatever a column name, alias or dataset path contains, it stays data.
 * Names come from user files (CSV headers), so the corpus is executed for real on DuckDB and
 * parsed with the Spark grammar; a sentinel table proves no smuggled statement ran.
 */
const CORPUS = INJECTION_CORPUS;

const schema: DatasetSchema = CORPUS.map((name) => ({ name, type: "string" }));
const row = Object.fromEntries(CORPUS.map((n) => [n, n]));
const spec = {
  kind: "group" as const,
  version: 1 as const,
  params: {
    keys: CORPUS.slice(0, 12),
    globalCount: true,
    aggregations: CORPUS.slice(12).map((column) => ({ column, fn: "max" as const, as: `${column}·max` })),
  },
};
const expectedNames = ["count", ...CORPUS.slice(12).map((c) => `${c}·max`)];
expectedNames.splice(0, 0, ...CORPUS.slice(0, 12));

let db: Db;
beforeAll(async () => {
  db = await openDb();
  await db.conn.run("CREATE TABLE sentinel AS SELECT 42 AS answer");
});
afterAll(() => db.close());

const sentinelIntact = async () =>
  expect((await query(db, "SELECT answer FROM sentinel")).rows).toEqual([{ answer: 42 }]);

describe("injection corpus", () => {
  it("column names and aliases round-trip exactly on DuckDB", async () => {
    const path = join(db.dir, "names");
    await writeParquetDir(db, path, schema, [row]);
    const inputs: CompileInput[] = [{ name: "evil", schema, location: { format: "parquet", path } }];
    const out = compileRecipe({ spec, inputs, dialect: "duckdb" });
    const result = await query(db, out.sql);
    expect(result.columns.map((c) => c.name)).toEqual(expectedNames);
    expect(result.rows).toHaveLength(1);
    const got = result.rows[0]!;
    for (const n of CORPUS.slice(0, 12)) expect(got[n]).toBe(n);
    for (const n of CORPUS.slice(12)) expect(got[`${n}·max`]).toBe(n);
    expect(out.outputSchemas[0]!.map((c) => c.name)).toEqual(expectedNames);
    await sentinelIntact();
  });

  it("column names stay one valid Spark statement", () => {
    const inputs: CompileInput[] = [
      { name: "evil", schema, location: { format: "parquet", path: "dbfs:/mnt/x/ds" } },
    ];
    const { sql } = compileRecipe({ spec, inputs, dialect: "spark" });
    expect(sparkSyntaxErrors(sql)).toEqual([]);
    expect(sparkStatementCount(sql)).toBe(1);
  });

  it("string values in filter rules stay literals, on DuckDB and in the Spark grammar", async () => {
    const path = join(db.dir, "values");
    const small: DatasetSchema = [{ name: "v", type: "string" }];
    await writeParquetDir(
      db,
      path,
      small,
      CORPUS.map((v) => ({ v })),
    );
    const inputs: CompileInput[] = [{ name: "vals", schema: small, location: { format: "parquet", path } }];
    for (const value of CORPUS) {
      const spec = {
        kind: "filter" as const,
        version: 1 as const,
        params: {
          filter: { combine: "or" as const, rules: [{ column: "v", op: "equals" as const, value }] },
          sampling: { method: "all" as const },
        },
      };
      const out = compileRecipe({ spec, inputs, dialect: "duckdb" });
      expect((await query(db, out.sql)).rows).toEqual([{ v: value }]);
      const spark = compileRecipe({
        spec,
        inputs: [{ ...inputs[0]!, location: { format: "parquet", path: "dbfs:/x" } }],
        dialect: "spark",
      });
      expect(sparkSyntaxErrors(spark.sql)).toEqual([]);
      expect(sparkStatementCount(spark.sql)).toBe(1);
    }
    await sentinelIntact();
  });

  it("pivot values become column names without escaping them", async () => {
    const path = join(db.dir, "pivot");
    const small: DatasetSchema = [{ name: "p", type: "string" }];
    const values = CORPUS.slice(0, 10);
    await writeParquetDir(
      db,
      path,
      small,
      values.map((p) => ({ p })),
    );
    const inputs: CompileInput[] = [{ name: "p", schema: small, location: { format: "parquet", path } }];
    const spec = {
      kind: "pivot" as const,
      version: 1 as const,
      params: { keys: [], pivotColumn: "p", aggregations: [{ fn: "count" as const }] },
    };
    const out = compileRecipe({ spec, inputs, dialect: "duckdb", context: { pivotValues: values } });
    const result = await query(db, out.sql);
    expect(result.columns.map((c) => c.name)).toEqual(values.map((v) => `${v}_count`));
    expect(Object.values(result.rows[0]!)).toEqual(values.map(() => 1));
    await sentinelIntact();
  });

  // Quotes, backticks, spaces and unicode are legal in directories and must work.
  const LEGAL_DIRS = ["it's", 'say "hi"', "back`tick", "spa ce", "ünï 🚀", "x'); SELECT 1 AS ('"];
  it.each(LEGAL_DIRS)("reads and writes a directory named %j on DuckDB", async (name) => {
    const legal = name.replace(";", "");
    const path = join(db.dir, "dirs", legal);
    const small: DatasetSchema = [{ name: "k", type: "string" }];
    await writeParquetDir(db, path, small, [{ k: "a" }, { k: "a" }]);
    const inputs: CompileInput[] = [{ name: "d", schema: small, location: { format: "parquet", path } }];
    const groupK = {
      kind: "group" as const,
      version: 1 as const,
      params: { keys: ["k"], globalCount: true, aggregations: [] },
    };
    const out = compileRecipe({ spec: groupK, inputs, dialect: "duckdb" });
    expect((await query(db, out.sql)).rows).toEqual([{ k: "a", count: 2 }]);
    const outDir = join(db.dir, "out", legal);
    mkdirSync(outDir, { recursive: true });
    await db.conn.run(renderWriteParquet({ selectSql: out.sql, path: outDir, dialect: "duckdb" }));
    const back = await query(
      db,
      `SELECT count(*) AS n FROM read_parquet('${join(outDir, "part-0.parquet").replaceAll("'", "''")}')`,
    );
    expect(back.rows).toEqual([{ n: 1 }]);

    const spark = compileRecipe({
      spec: groupK,
      inputs: [{ ...inputs[0]!, location: { format: "parquet", path: `dbfs:/mnt/${legal}` } }],
      dialect: "spark",
    });
    const write = renderWriteParquet({
      selectSql: spark.sql,
      path: `dbfs:/mnt/out/${legal}`,
      dialect: "spark",
    });
    expect(sparkSyntaxErrors(write)).toEqual([]);
    expect(sparkStatementCount(write)).toBe(1);
    await sentinelIntact();
  });

  const UNSAFE_DIRS = [
    "/d/a;b",
    "/d/a--b",
    "/d/a/*b",
    "/d/a*/",
    "/d/line\nbreak",
    "/d/nul\u0000",
    "/d/x[1]",
    "/d/{a,b}",
    "/d/?",
    "/d/back\\slash",
    "",
  ];
  it.each(UNSAFE_DIRS)("rejects the path %j for inputs and outputs", (path) => {
    const small: DatasetSchema = [{ name: "k", type: "string" }];
    const groupK = {
      kind: "group" as const,
      version: 1 as const,
      params: { keys: ["k"], globalCount: true, aggregations: [] },
    };
    for (const dialect of ["spark", "duckdb"] as const) {
      const inputs: CompileInput[] = [{ name: "d", schema: small, location: { format: "parquet", path } }];
      expect(() => compileRecipe({ spec: groupK, inputs, dialect })).toThrow(CompileError);
      expect(() => renderWriteParquet({ selectSql: "SELECT 1", path, dialect })).toThrow(
        expect.objectContaining({ code: "unsafe_path" }),
      );
    }
  });
});
