import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SparkLocal, sparkLocalAvailability, startSparkLocal } from "../src/index.ts";

// Real Spark behaviours that DuckDB does not share: what the conformance suite relies on.
const available = sparkLocalAvailability();
const title = available.ok ? "local Spark (the venv's pyspark)" : `local Spark: SKIPPED, ${available.reason}`;
const ANSI_ON = { "spark.sql.ansi.enabled": "true" };
const ANSI_OFF = { "spark.sql.ansi.enabled": "false" };

describe.skipIf(!available.ok)(title, () => {
  let spark: SparkLocal;
  beforeAll(async () => {
    spark = await startSparkLocal();
    console.log(`[spark-local] Spark ${spark.version} started in ${spark.startupMs} ms`);
  }, 180_000);
  afterAll(() => spark?.stop());

  it("runs Spark 4.0 with integer DIV and Spark's type names", async () => {
    expect(spark.version).toMatch(/^4\.0\./);
    expect(await spark.sql("SELECT 5 DIV 2 AS q, -7 DIV 2 AS n")).toEqual({
      ok: true,
      columns: [
        { name: "q", type: "bigint" },
        { name: "n", type: "bigint" },
      ],
      rows: [[2, -3]],
    });
  });

  it("casts an impossible date to NULL with ANSI off and fails with ANSI on", async () => {
    const q = "SELECT CAST('2024-02-30' AS DATE) AS d";
    expect(await spark.sql(q, ANSI_OFF)).toMatchObject({ ok: true, rows: [[null]] });
    expect(await spark.sql(q, ANSI_ON)).toMatchObject({ ok: false, errorClass: "CAST_INVALID_INPUT" });
    // Settings not named again are unset: Spark 4.0's default is ANSI on.
    expect(await spark.sql(q)).toMatchObject({ ok: false, errorClass: "CAST_INVALID_INPUT" });
  });

  it("upper-cases ß to SS (Java's full case mapping)", async () => {
    expect(await spark.sql("SELECT upper('ß') AS u")).toMatchObject({ rows: [["SS"]] });
  });

  it("overflows integers by wrapping with ANSI off and by failing with ANSI on", async () => {
    const q = "SELECT CAST(2147483647 AS INT) + 1 AS x";
    expect(await spark.sql(q, ANSI_OFF)).toMatchObject({ ok: true, rows: [[-2147483648]] });
    expect(await spark.sql(q, ANSI_ON)).toMatchObject({ ok: false, errorClass: "ARITHMETIC_OVERFLOW" });
  });

  it("returns JSON-safe values: NaN, -0.0, decimals, dates, UTC timestamps, binary", async () => {
    const r = await spark.sql(
      "SELECT CAST('NaN' AS DOUBLE) AS nan, -0.0D AS z, 1.50BD AS d, DATE'2024-02-29' AS day, " +
        "TIMESTAMP'2024-03-10 02:30:00' AS ts, X'0102' AS b",
    );
    expect(r).toMatchObject({
      ok: true,
      rows: [["NaN", -0, "1.50", "2024-02-29", "2024-03-10T02:30:00", "AQI="]],
    });
    expect(r.ok && r.columns.map((c) => c.type)).toEqual([
      "double",
      "double",
      "decimal(3,2)",
      "date",
      "timestamp",
      "binary",
    ]);
  });

  it("returns the error class of a syntax error", async () => {
    expect(await spark.sql("SELEC 1")).toMatchObject({ ok: false, errorClass: "PARSE_SYNTAX_ERROR" });
  });
});
