import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DECIMAL_SQL, SOUS_DECIMAL, sparkDecimalResult } from "../src/decimal.ts";
import { compileRecipe } from "../src/index.ts";
import { type Db, openDb, query, writeParquetDir } from "./helpers/duckdb.ts";
import { formulaSteps, runPrepareOnDuckdb } from "./helpers/parity.ts";

/**
 * One decimal representation, DECIMAL(38, 9), with Spark's rounding. Expected values were
 * measured on Spark 4.0.1 (local pyspark, ANSI on and off gave the same; re-check by running
 * `run.sparkSql` through `startSparkLocal().sql`). Before: DuckDB multiplied DECIMAL(38,18)
 * operands and raised "Overflow in multiplication of DECIMAL(38)" where Spark returned a
 * decimal(38,6); sums were decimal(28,2) on Spark and DECIMAL(38,2) locally; the avg of
 * decimals was 1.333333 on Spark (a decimal rounded to scale + 4) and 1.3333333333 locally.
 */
describe("decimals like Spark", () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb();
  });
  afterAll(() => db.close());

  it("reproduces Spark's DecimalPrecision result types", () => {
    // Spark 4.0.1: (38,9) + (38,9) is decimal(38,8), * is decimal(38,6); sum/avg of (18,2) are
    // decimal(28,2) and decimal(22,6); (38,18) * (38,18) is decimal(38,6).
    expect(sparkDecimalResult("+", SOUS_DECIMAL)).toEqual({ precision: 38, scale: 8 });
    expect(sparkDecimalResult("*", SOUS_DECIMAL)).toEqual({ precision: 38, scale: 6 });
    expect(sparkDecimalResult("*", { precision: 38, scale: 18 })).toEqual({ precision: 38, scale: 6 });
    expect(sparkDecimalResult("sum", { precision: 18, scale: 2 })).toEqual({ precision: 28, scale: 2 });
    expect(sparkDecimalResult("avg", { precision: 18, scale: 2 })).toEqual({ precision: 22, scale: 6 });
    expect(sparkDecimalResult("*", { precision: 10, scale: 2 })).toEqual({ precision: 21, scale: 4 });
    expect(DECIMAL_SQL).toBe("DECIMAL(38, 9)");
  });

  it("+ - * % round floor on decimals give Spark's values, as DECIMAL(38, 9)", async () => {
    const run = await runPrepareOnDuckdb(
      db,
      ["m:decimal", "n:decimal", "i:integer"],
      [
        ["1.25", "2.50", 3],
        ["-0.05", "0.01", -1],
        ["99999999999999.99", "12345678.91", 2147483647],
        [null, "1", null],
      ],
      formulaSteps(["m * n", "m + n", "m - i", "round(m, 1)", "floor(m)", "m % n", "m * m * m"]),
    );
    const c = run.columns;
    expect(c.r0).toEqual(["3.125000000", "-0.000500000", null, null]);
    expect(c.r1).toEqual(["3.750000000", "-0.040000000", "100000012345678.900000000", null]);
    expect(c.r2).toEqual(["-1.750000000", "0.950000000", "99997852516352.990000000", null]);
    expect(c.r3).toEqual(["1.300000000", "-0.100000000", "100000000000000.000000000", null]);
    expect(c.r4).toEqual(["1.000000000", "-1.000000000", "99999999999999.000000000", null]);
    expect(c.r5).toEqual(["1.250000000", "0.000000000", "828999.990000000", null]);
    expect(c.r6).toEqual(["1.953125000", "-0.000125000", null, null]);
    for (const k of ["r0", "r1", "r2", "r3", "r4", "r5", "r6"]) expect(run.types[k]).toBe("DECIMAL(38,9)");
    // Spark gives 1234567890999999876543.210900000 for the third product: DuckDB's exact
    // product overflows its DECIMAL(38) first, so multiplication says so.
    expect(run.steps.find((s) => s.id === "f0")?.engines.duckdb).toMatchObject({
      level: "partial",
      condition: expect.stringContaining("10^20"),
    });
    expect(run.steps.find((s) => s.id === "f1")?.engines.duckdb).toEqual({ level: "full" });
  });

  it("a group's decimal sum is DECIMAL(38, 9) and its avg the doubles' average", async () => {
    const dir = join(db.dir, "decimal-group");
    const schema = [{ name: "amount", type: "decimal" as const }];
    await writeParquetDir(db, dir, schema, [{ amount: "1.25" }, { amount: "2.50" }, { amount: "0.25" }]);
    const spec = {
      kind: "group",
      version: 1,
      params: {
        keys: [],
        globalCount: false,
        aggregations: [
          { column: "amount", fn: "sum" },
          { column: "amount", fn: "avg" },
        ],
      },
    } as never;
    const inputs = [{ name: "t", schema, location: { format: "parquet" as const, path: dir } }];
    const result = await query(db, compileRecipe({ spec, inputs, dialect: "duckdb" }).sql);
    // Spark 4.0.1 with the emitted SQL: decimal(38,9) 4.000000000 and double 1.3333333333333333.
    expect(result.columns.map((x) => x.type)).toEqual(["DECIMAL(38,9)", "DOUBLE"]);
    expect(result.rows).toEqual([{ amount_sum: "4.000000000", amount_avg: 1.33333333333 }]);
    // Near DECIMAL(38)'s limit Spark's try_sum gives NULL where DuckDB sums on: badged.
    const steps = compileRecipe({ spec, inputs, dialect: "duckdb" }).steps;
    expect(
      steps.some((s) => s.engines.duckdb.level === "partial" && s.engines.duckdb.condition.includes("10^29")),
    ).toBe(true);
  });
});
