import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PREPARE_STEP_PARAMS } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { CompileError, type CompileInput, compileRecipe } from "../src/index.ts";
import { isHolidayIso, parseUserAgent } from "../src/prepare/udfs/index.ts";

const inputs: CompileInput[] = [
  {
    name: "t",
    schema: [
      { name: "ua", type: "string" },
      { name: "n", type: "integer" },
      { name: "d", type: "date" },
    ],
    location: { format: "parquet", path: "/data/t" },
  },
];
const prepare = (steps: object[]) =>
  ({ kind: "prepare" as const, version: 1 as const, params: { steps } }) as never;

describe("prepare recipe", () => {
  it("names the first step Spark cannot run, and compiles for DuckDB", () => {
    const spec = prepare([
      { id: "a", type: "TrimWhitespace", params: { columns: ["ua"] } },
      { id: "b", type: "ColumnCopier", params: { column: "n", output: "m" } },
      { id: "c", type: "FlagWeekend", params: { column: "d", output: "we" } },
      { id: "ua", type: "UserAgentParser", name: "Parse user agent", params: { column: "ua" } },
      { id: "h", type: "HolidaysComputer", params: { column: "d", country: "FR", output: "hol" } },
    ]);
    const spark = compileRecipe({ spec, inputs, dialect: "spark" });
    expect(spark.blocking).toEqual({
      stepId: "ua",
      dialect: "spark",
      reason: expect.stringMatching(
        /^Step 'Parse user agent' \(#4\) has no SparkSQL form .*: run this recipe on the local engine$/,
      ),
    });
    expect(spark.sql).toBe("");
    expect(spark.steps.map((s) => [s.id, s.engines.spark.level, s.engines.duckdb.level])).toEqual([
      ["prepare", "full", "full"],
      ["a", "full", "full"],
      ["b", "full", "full"],
      ["c", "full", "full"],
      ["ua", "none", "full"],
      ["h", "none", "full"],
    ]);
    const duck = compileRecipe({ spec, inputs, dialect: "duckdb" });
    expect(duck.blocking).toBeNull();
    expect(duck.sql).toContain("sous_parse_ua(");
    expect(duck.sql).toContain("sous_is_holiday(");
  });

  it("skips disabled steps but lists them, and reports what each step changed", () => {
    const spec = prepare([
      { id: "x", type: "ColumnRenamer", params: { renamings: [{ from: "n", to: "count" }] } },
      { id: "y", type: "UserAgentParser", disabled: true, params: { column: "ua" } },
      { id: "z", type: "ChangeCase", params: { columns: ["ua"], mode: "upper" } },
    ]);
    const out = compileRecipe({ spec, inputs, dialect: "spark" });
    expect(out.blocking).toBeNull();
    expect(out.sql).not.toContain("sous_parse_ua");
    expect(
      out.stepSchemas?.map(({ id, disabled, added, removed, changed }) => ({
        id,
        disabled,
        added,
        removed,
        changed,
      })),
    ).toEqual([
      { id: "x", disabled: false, added: ["count"], removed: ["n"], changed: [] },
      { id: "y", disabled: true, added: [], removed: [], changed: [] },
      { id: "z", disabled: false, added: [], removed: [], changed: ["ua"] },
    ]);
    expect(out.lineage[0]).toContainEqual({ output: "count", from: [{ input: 0, column: "n" }] });
  });

  it("fuses scalar steps into one SELECT", () => {
    const spec = prepare([
      { id: "a", type: "TrimWhitespace", params: { columns: ["ua"] } },
      { id: "b", type: "ChangeCase", params: { columns: ["ua"], mode: "lower" } },
      { id: "c", type: "FilterOnValue", params: { column: "ua", values: ["x"] } },
      { id: "d", type: "AbsoluteValue", params: { columns: ["n"] } },
    ]);
    const { sql } = compileRecipe({ spec, inputs, dialect: "duckdb" });
    expect(sql).not.toContain("WITH");
    expect(sql).toContain("lower(replace(regexp_replace(");
  });

  it("errors name the step and point into the spec", () => {
    const bad = (steps: object[]) => {
      try {
        compileRecipe({ spec: prepare(steps), inputs, dialect: "duckdb" });
      } catch (e) {
        return e as CompileError;
      }
      throw new Error("no error");
    };
    const e1 = bad([
      { id: "a", type: "ColumnRenamer", params: { renamings: [{ from: "n", to: "m" }] } },
      { id: "b", type: "AbsoluteValue", name: "abs", params: { columns: ["n"] } },
    ]);
    expect(e1).toBeInstanceOf(CompileError);
    expect(e1.code).toBe("unknown_column");
    expect(e1.message).toMatch(/^Step 'abs' \(#2\): Column "n" does not exist/);
    expect(e1.path).toEqual(["params", "steps", 1, "params", "columns", 0]);
    expect(bad([{ id: "a", type: "TrimWhitespace", params: { columns: ["n"] } }]).code).toBe(
      "invalid_column_type",
    );
    expect(bad([{ id: "a", type: "ColumnCopier", params: { column: "n", output: "UA" } }]).code).toBe(
      "duplicate_output_name",
    );
    expect(bad([{ id: "a", type: "Unfold", params: { column: "ua" } }]).code).toBe("missing_compile_input");
    expect(bad([{ id: "a", type: "DateFormatter", params: { column: "d", format: "yyyy-QQ" } }]).code).toBe(
      "invalid_value",
    );
    expect(
      bad([
        {
          id: "a",
          type: "FindReplace",
          params: { columns: ["ua"], mode: "regex", find: "(a)", replace: "$2" },
        },
      ]).code,
    ).toBe("invalid_value");
    expect(bad([{ id: "a", type: "Nope", params: {} }]).code).toBe("invalid_spec");
    expect(
      bad([
        { id: "a", type: "AbsoluteValue", params: { columns: ["n"] } },
        { id: "a", type: "AbsoluteValue", params: { columns: ["n"] } },
      ]).code,
    ).toBe("invalid_spec");
  });

  it("a Java-only regex blocks DuckDB, not Spark", () => {
    const spec = prepare([{ id: "r", type: "FilterOnRegex", params: { column: "ua", pattern: "(?<=a)b" } }]);
    expect(compileRecipe({ spec, inputs, dialect: "duckdb" }).blocking?.reason).toMatch(
      /cannot run on DuckDB: .*RE2/,
    );
    expect(compileRecipe({ spec, inputs, dialect: "spark" }).blocking).toBeNull();
  });

  it("has at least 60 step types, each with a golden fixture", () => {
    const types = Object.keys(PREPARE_STEP_PARAMS);
    expect(types.length).toBeGreaterThanOrEqual(60);
    const dir = join(import.meta.dirname, "fixtures", "prepare-steps");
    const covered = new Set(
      readdirSync(dir).flatMap((f) =>
        (JSON.parse(readFileSync(join(dir, f), "utf8")).spec.params.steps as { type: string }[]).map(
          (s) => s.type,
        ),
      ),
    );
    expect(types.filter((t) => !covered.has(t))).toEqual([]);
  });
});

describe("JavaScript functions of the local engine", () => {
  it("holiday calendars", () => {
    expect(isHolidayIso("2024-05-09", "FR")).toBe(true); // Ascension 2024
    expect(isHolidayIso("2024-05-20", "DE")).toBe(true); // Whit Monday 2024
    expect(isHolidayIso("2024-11-28", "US")).toBe(true); // Thanksgiving
    expect(isHolidayIso("2021-07-05", "US")).toBe(true); // July 4th observed on Monday
    expect(isHolidayIso("2022-12-27", "GB")).toBe(true); // Christmas substitute day
    expect(isHolidayIso("2024-03-29", "GB")).toBe(true); // Good Friday
    expect(isHolidayIso("2024-03-28", "GB")).toBe(false);
    expect(isHolidayIso("2024-07-14", "ZZ")).toBeNull();
  });

  it("user agents", () => {
    expect(
      parseUserAgent(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
      ),
    ).toEqual({
      browser: "Edge",
      browserVersion: "120.0.2210.91",
      os: "Windows",
      osVersion: "10",
      device: "desktop",
    });
    expect(
      parseUserAgent(
        "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
      ),
    ).toMatchObject({ browser: "Chrome", os: "Android", osVersion: "14", device: "tablet" });
    expect(
      parseUserAgent(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7; rv:121.0) Gecko/20100101 Firefox/121.0",
      ),
    ).toMatchObject({
      browser: "Firefox",
      os: "macOS",
      osVersion: "10.15.7",
    });
    expect(parseUserAgent("")).toMatchObject({ browser: null, device: null });
  });
});
