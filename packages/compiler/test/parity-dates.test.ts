import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CompileError, compileRecipe } from "../src/index.ts";
import { type Db, openDb, query } from "./helpers/duckdb.ts";
import { formulaSteps, runPrepareOnDuckdb } from "./helpers/parity.ts";

/**
 * Dates on DuckDB against Spark 4.0.1 (local pyspark, session time zone UTC, parser policy
 * CORRECTED, the same with ANSI on and off; re-check by running `run.sparkSql` through
 * `startSparkLocal().sql(sql, conf)`).
 */
describe("dates like Spark", () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb();
  });
  afterAll(() => db.close());

  it("UNIX timestamps: INTEGER seconds do not overflow, fractions truncate, NaN is NULL", async () => {
    const run = await runPrepareOnDuckdb(
      db,
      ["i:integer", "x:double", "m:decimal"],
      [
        [2000000000, 1.0000005, "0.12"],
        [-1, -1.5, "-0.01"],
        [0, "NaN", "1.99"],
        [5, 1.7, null],
      ],
      [
        { id: "a", type: "UNIXTimestampParser", params: { column: "i", unit: "seconds", output: "ti" } },
        { id: "b", type: "UNIXTimestampParser", params: { column: "x", unit: "seconds", output: "tx" } },
        { id: "c", type: "UNIXTimestampParser", params: { column: "m", unit: "seconds", output: "tm" } },
        {
          id: "d",
          type: "UNIXTimestampParser",
          params: { column: "x", unit: "milliseconds", output: "tmx" },
        },
      ],
    );
    // Before: DuckDB raised "Overflow in multiplication of INT32", rounded 1.0000005 s to
    // 00:00:01.000001 and 1.7 ms to .002; Spark raised "Rounding necessary" on decimals with
    // more than 6 decimals and, with ANSI on, CAST_OVERFLOW on NaN milliseconds.
    expect(run.columns.ti).toEqual([
      "2033-05-18 03:33:20",
      "1969-12-31 23:59:59",
      "1970-01-01 00:00:00",
      "1970-01-01 00:00:05",
    ]);
    expect(run.columns.tx).toEqual([
      "1970-01-01 00:00:01",
      "1969-12-31 23:59:58.5",
      null,
      "1970-01-01 00:00:01.7",
    ]);
    expect(run.columns.tm).toEqual([
      "1970-01-01 00:00:00.12",
      "1969-12-31 23:59:59.99",
      "1970-01-01 00:00:01.99",
      null,
    ]);
    expect(run.columns.tmx).toEqual([
      "1970-01-01 00:00:00.001",
      "1969-12-31 23:59:59.999",
      null,
      "1970-01-01 00:00:00.001",
    ]);
  });

  it("two-digit years are 2000-2099, as Spark's yy", async () => {
    const run = await runPrepareOnDuckdb(
      db,
      ["s:string"],
      [["05/03/70"], ["31/12/99"], ["01/01/00"], ["05/03/1970"]],
      [
        { id: "a", type: "DateParser", params: { column: "s", formats: ["dd/MM/yy"], output: "p" } },
        ...formulaSteps(["parseDate(s, 'dd/MM/yy')"]),
      ],
    );
    // Spark 4.0.1; DuckDB's %y alone gave 1970-03-05 and 1999-12-31.
    expect(run.columns.p).toEqual([
      "2070-03-05 00:00:00",
      "2099-12-31 00:00:00",
      "2000-01-01 00:00:00",
      null,
    ]);
    expect(run.columns.r0).toEqual(["2070-03-05", "2099-12-31", "2000-01-01", null]);
  });

  it("parses only the texts Spark's parser accepts (DuckDB's strptime is more lenient)", async () => {
    const run = await runPrepareOnDuckdb(
      db,
      ["s:string"],
      [["2024-1-5"], ["2024-01-05"], [" 2024-01-05"], ["2024-01-05 "], ["24-01-05"], ["2024-02-30"], [null]],
      [
        { id: "a", type: "DateParser", params: { column: "s", formats: ["yyyy-MM-dd"], output: "p" } },
        ...formulaSteps(["parseDate(s, 'yyyy-MM-dd')"]),
      ],
    );
    // Spark 4.0.1: only '2024-01-05' parses; DuckDB's strptime alone also read '2024-1-5',
    // ' 2024-01-05', '2024-01-05 ' and '24-01-05' (as year 24).
    expect(run.columns.p).toEqual([null, "2024-01-05 00:00:00", null, null, null, null, null]);
    expect(run.columns.r0).toEqual([null, "2024-01-05", null, null, null, null, null]);
    expect(run.steps.find((s) => s.id === "a")?.engines.duckdb).toEqual({ level: "full" });
    const times = await runPrepareOnDuckdb(
      db,
      ["s:string"],
      [["5 Jan 2024"], ["05 jan 2024"], ["7:05 PM"], ["12/31 23:59"]],
      [
        { id: "a", type: "DateParser", params: { column: "s", formats: ["dd MMM yyyy"], output: "p" } },
        { id: "b", type: "DateParser", params: { column: "s", formats: ["h:mm a"], output: "q" } },
        { id: "c", type: "DateParser", params: { column: "s", formats: ["MM/dd HH:mm"], output: "r" } },
      ],
    );
    // Spark 4.0.1: a pattern without a year is in 1970 (DuckDB's default is 1900).
    expect(times.columns.p).toEqual([null, "2024-01-05 00:00:00", null, null]);
    expect(times.columns.q).toEqual([null, null, "1970-01-01 19:05:00", null]);
    expect(times.columns.r).toEqual([null, null, null, "1970-12-31 23:59:00"]);
  });

  it("E (day of week) is refused in parse patterns, as Spark refuses it", () => {
    const inputs = [
      {
        name: "t",
        schema: [{ name: "s", type: "string" as const }],
        location: { format: "parquet" as const, path: "/d/t" },
      },
    ];
    const prepare = (steps: object[]) => ({ kind: "prepare", version: 1, params: { steps } }) as never;
    const dated = [{ ...inputs[0]!, schema: [{ name: "d", type: "date" as const }] }];
    // Spark 4.0.1: try_to_timestamp('Mon 2024-01-01', 'EEE yyyy-MM-dd') raises
    // INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION (ANSI on and off).
    const parser = prepare([
      { id: "a", type: "DateParser", params: { column: "s", formats: ["EEE yyyy-MM-dd"] } },
    ]);
    expect(() => compileRecipe({ spec: parser, inputs, dialect: "spark" })).toThrow(CompileError);
    expect(() => compileRecipe({ spec: parser, inputs, dialect: "spark" })).toThrow(
      /only allows for formatting/,
    );
    const formula = prepare(formulaSteps(["parseDate(s, 'EEE yyyy-MM-dd')"]));
    expect(() => compileRecipe({ spec: formula, inputs, dialect: "duckdb" })).toThrow(
      /only allows for formatting/,
    );
    // Spark 4.0.1 formats 'HH:mm:ss[.SSS]' with an optional section; strftime would print '['.
    const optional = prepare(formulaSteps(["formatDate(toDate('2024-01-01'), 'HH:mm:ss[.SSS]')"]));
    expect(() => compileRecipe({ spec: optional, inputs, dialect: "duckdb" })).toThrow(/reserved/);
    // Spark 4.0.1: formatDate of year 999 with 'y' is '999', DuckDB's %Y gives '0999': badged.
    const shortYear = compileRecipe({
      spec: prepare(formulaSteps(["formatDate(d, 'y')"])),
      inputs: dated,
      dialect: "duckdb",
    });
    expect(shortYear.steps.find((s) => s.id === "f0")?.engines.duckdb).toMatchObject({ level: "partial" });
    // The prepare step takes the same translator and the same condition (it refused 'y' before).
    const formatter = compileRecipe({
      spec: prepare([{ id: "p", type: "DateFormatter", params: { column: "d", format: "d/M/y" } }]),
      inputs: dated,
      dialect: "duckdb",
    });
    expect(formatter.steps.find((s) => s.id === "p")?.engines.duckdb).toEqual(
      shortYear.steps.find((s) => s.id === "f0")?.engines.duckdb,
    );
    // Formatting with E stays allowed.
    const format = prepare(formulaSteps(["formatDate(toDate('2024-01-01'), 'EEE')"]));
    expect(compileRecipe({ spec: format, inputs, dialect: "duckdb" }).blocking).toBeNull();
  });

  it("converting from a zone with daylight saving is partial: the repeated autumn hour differs", async () => {
    const run = await runPrepareOnDuckdb(
      db,
      ["t:timestamp"],
      [["2024-10-27 02:30:00"], ["2024-03-31 02:30:00"], ["2024-10-27 01:30:00"]],
      [
        {
          id: "c",
          type: "TimezoneConverter",
          params: { column: "t", from: "Europe/Paris", to: "UTC", output: "u" },
        },
        {
          id: "d",
          type: "TimezoneConverter",
          params: { column: "t", from: "UTC", to: "America/New_York", output: "v" },
        },
      ],
    );
    // Spark 4.0.1: u = [00:30, 01:30, 2024-10-26 23:30]: the first (02:30 happens twice) differs.
    expect(run.columns.u).toEqual(["2024-10-27 01:30:00", "2024-03-31 01:30:00", "2024-10-26 23:30:00"]);
    // Spark 4.0.1: v = [2024-10-26 22:30, 2024-03-30 22:30, 2024-10-26 21:30], equal.
    expect(run.columns.v).toEqual(["2024-10-26 22:30:00", "2024-03-30 22:30:00", "2024-10-26 21:30:00"]);
    const verdict = (id: string) => run.steps.find((s) => s.id === id)?.engines.duckdb;
    expect(verdict("c")).toMatchObject({
      level: "partial",
      condition: expect.stringContaining("clocks back"),
    });
    expect(verdict("d")).toEqual({ level: "full" });
  });

  it("now() and today() are the UTC wall clock whatever DuckDB's time zone", async () => {
    await db.conn.run("SET TimeZone = 'Pacific/Kiritimati'");
    try {
      const run = await runPrepareOnDuckdb(db, ["i:integer"], [[1]], formulaSteps(["now()", "today()"]));
      const now = new Date();
      const utc = now.toISOString().slice(0, 10);
      // Spark sessions run with spark.sql.session.timeZone = UTC (SPARK_SESSION_SETTINGS).
      expect(run.columns.r1).toEqual([utc]);
      const local = String(run.columns.r0?.[0]).replace(" ", "T");
      expect(Math.abs(Date.parse(`${local}Z`) - now.getTime())).toBeLessThan(60_000);
    } finally {
      await db.conn.run("SET TimeZone = 'UTC'");
    }
    expect((await query(db, "SELECT 1 AS x")).rows).toEqual([{ x: 1 }]);
  });
});
