import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileRecipe } from "../src/index.ts";
import { type Db, openDb, query, writeParquetDir } from "./helpers/duckdb.ts";
import { formulaSteps, runPrepareOnDuckdb } from "./helpers/parity.ts";

/**
 * The emitted SparkSQL must give the same rows with ANSI mode on (Spark 4 / DBR 17 default) and
 * off, and DuckDB must give those rows. Expected values were measured on Spark 4.0.1 (local
 * pyspark, both ANSI settings gave these same values; re-check by running `run.sparkSql`
 * through `startSparkLocal().sql(sql, { "spark.sql.ansi.enabled": "true" | "false" })`).
 * Before: with ANSI on Spark raised ARITHMETIC_OVERFLOW / CAST_INVALID_INPUT / CAST_OVERFLOW,
 * with it off it wrapped or saturated, and DuckDB raised "Overflow in addition of INT32".
 */
describe("ANSI-independent SQL: a NULL where a value does not fit, on Spark and DuckDB", () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb();
  });
  afterAll(() => db.close());

  const columns = ["i:integer", "b:bigint", "x:double", "s:string"];
  const rows = [
    [2147483647, "9223372036854775807", "NaN", " 1.9 "],
    [1, 1, 1e20, " 12 "],
    [-2147483648, -5, -2.5, "1_000"],
    [5, "-9223372036854775808", 3.7, "0x10"],
  ];
  const cases: [string, unknown[]][] = [
    ["i + 1", [null, 2, -2147483647, 6]],
    ["b * 2", [null, 2, -10, null]],
    ["i * i", [null, 1, null, 25]],
    ["-i", [-2147483647, -1, null, -5]],
    ["i - 1 - 2147483647", [-1, -2147483647, null, -2147483643]],
    ["toInteger(x)", [null, null, -2, 3]],
    ["toInteger(b)", [null, 1, -5, null]],
    ["toInteger(s)", [null, 12, null, null]],
    ["toNumber(s)", [1.9, 12, null, null]],
    ["abs(i)", [2147483647, 1, null, 5]],
    ["i % -1", [0, 0, 0, 0]],
    ["mod(i, 0)", [null, null, null, null]],
    // round(2147483647, -1) leaves INT: Spark raised ARITHMETIC_OVERFLOW (ANSI on) or wrapped.
    ["round(i, -1)", [null, 0, null, 10]],
  ];

  it.each(cases)("%s gives Spark's values on DuckDB", async (formula, expected) => {
    const run = await runPrepareOnDuckdb(db, columns, rows, formulaSteps([formula]));
    expect(run.columns.r0).toEqual(expected);
    // The forms that raise with ANSI on are not emitted for these.
    expect(run.sparkSql).not.toMatch(/\bCAST\(`s` AS|\bto_date\(|`i` \+ 1|`b` \* 2/);
  });

  it("parseDate emits try_to_timestamp, NULL for a bad date under both settings", async () => {
    const run = await runPrepareOnDuckdb(
      db,
      ["s:string"],
      [["2024-13-01"], ["2024-02-29"]],
      formulaSteps(["parseDate(s, 'yyyy-MM-dd')"]),
    );
    expect(run.sparkSql).toContain("try_to_timestamp(`s`, 'yyyy-MM-dd')");
    expect(run.columns.r0).toEqual([null, "2024-02-29"]);
  });

  it("a group sum that overflows BIGINT is NULL (try_sum), not an error", async () => {
    const dir = join(db.dir, "sum-overflow");
    const schema = [{ name: "v", type: "bigint" as const }];
    await writeParquetDir(db, dir, schema, [{ v: "9223372036854775807" }, { v: "1" }]);
    const spec = {
      kind: "group",
      version: 1,
      params: { keys: [], aggregations: [{ column: "v", fn: "sum" }] },
    } as never;
    const inputs = [{ name: "t", schema, location: { format: "parquet" as const, path: dir } }];
    const spark = compileRecipe({ spec, inputs, dialect: "spark" });
    expect(spark.sql).toContain("try_sum(`v`)");
    const duck = compileRecipe({ spec, inputs, dialect: "duckdb" });
    // Spark 4.0.1: try_sum gives NULL (sum raises with ANSI on and wraps with it off).
    expect((await query(db, duck.sql)).rows).toEqual([{ count: 2, v_sum: null }]);
    // A running total that overflows and comes back is NULL on Spark only: badged.
    expect(duck.steps.find((s) => s.engines.duckdb.level !== "full")?.engines.duckdb).toMatchObject({
      level: "partial",
      condition: expect.stringContaining("running total"),
    });
  });
});
