import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, openDb } from "../../test/helpers/duckdb.ts";
import { formulaSteps, runPrepareOnDuckdb } from "../../test/helpers/parity.ts";
import { javaRegexOnDuckdb } from "./java-regex.ts";

describe("javaRegexOnDuckdb: the one Java-regex predicate", () => {
  it.each([
    ["(?<=a)b", "look-around"],
    ["a(?!b)", "look-around"],
    ["(?>ab)", "atomic groups"],
    ["(a)\\1", "back-references"],
    ["a++", "possessive quantifiers"],
    ["a\\Z", "\\Z"],
    ["\\Ga", "\\G"],
    ["a\\hb", "\\h"],
    ["\\p{Alpha}", "\\p{Alpha}"],
    ["\\p{IsLatin}", "\\p{IsLatin}"],
    ["\\p{javaLowerCase}", "\\p{javaLowerCase}"],
    ["[a-z&&[^b]]", "class intersections"],
    ["[[:alpha:]]", "POSIX classes"],
    ["(?x) a b", "(?x)"],
    ["(?U)a+", "(?U)"],
    ["(?iu)é", "(?u)"],
    ["(?<y>\\d{4})-(\\d{2})", "named groups"],
  ])("/%s/ cannot run on RE2 (%s)", (pattern, what) => {
    const v = javaRegexOnDuckdb(pattern);
    expect(v?.level).toBe("none");
    expect(v?.level === "none" && v.reason).toContain(what);
  });

  it.each([
    ["abc$", "line break"],
    ["^.x", "carriage return"],
    ["\\bword", "non-ASCII letter"],
    ["a\\sb", "vertical tab"],
    ["(?i)é", "(?i)"],
  ])("/%s/ runs on RE2 but matches some texts differently (%s)", (pattern, what) => {
    const v = javaRegexOnDuckdb(pattern);
    expect(v?.level).toBe("partial");
    expect(v?.level === "partial" && v.condition).toContain(what);
  });

  it.each([
    "^[A-Z]{3}-[0-9]+\\z",
    "[$.]",
    "\\Q$.\\E",
    "[^@]+@\\p{L}+",
    "a{2,3}b",
    "(?s)^.*\\z",
    "\\d+\\.\\d*",
  ])("/%s/ runs the same on RE2", (pattern) => {
    expect(javaRegexOnDuckdb(pattern)).toBeUndefined();
  });
});

/**
 * Executed on DuckDB against Spark 4.0.1's answers (regexp_like / the prepare steps' SparkSQL,
 * ANSI on and off alike; re-check with `startSparkLocal().sql(compiled spark sql)`).
 */
describe("regexes on DuckDB against Spark", () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb();
  });
  afterAll(() => db.close());

  it("the compiler's own patterns anchor with \\z, so a trailing line break reads the same", async () => {
    const rows = [["12\n"], ["x \n"], ["a@b.c\n"], ["7"]];
    const run = await runPrepareOnDuckdb(db, ["s:string"], rows, [
      { id: "copy", type: "ColumnCopier", params: { column: "s", output: "n" } },
      { id: "conv", type: "TypeConverter", params: { columns: ["n"], to: "integer" } },
      { id: "copy2", type: "ColumnCopier", params: { column: "s", output: "t" } },
      { id: "trim", type: "TrimWhitespace", params: { columns: ["t"] } },
      { id: "mail", type: "EmailSplitter", params: { column: "s" } },
    ]);
    // Spark 4.0.1: n = [NULL, NULL, NULL, 7], t = ['12', 'x', 'a@b.c', '7'], s_domain = [.., 'b.c\n', ..].
    expect(run.columns.n).toEqual([null, null, null, 7]);
    expect(run.columns.t).toEqual(["12", "x", "a@b.c", "7"]);
    expect(run.columns.s_domain).toEqual([null, null, "b.c\n", null]);
    expect(run.steps.every((s) => s.engines.duckdb.level === "full")).toBe(true);
  });

  it("a user regex whose $ or . reads differently is badged partial, with the inputs that differ", async () => {
    const run = await runPrepareOnDuckdb(
      db,
      ["s:string"],
      [["ab\n"], ["é\r"], ["ab"]],
      [
        { id: "end", type: "FlagOnRegex", params: { column: "s", pattern: "b$", output: "f1" } },
        { id: "dot", type: "FlagOnRegex", params: { column: "s", pattern: "^.$", output: "f2" } },
        ...formulaSteps(['regexMatch(s, "b$")']),
      ],
    );
    // Spark 4.0.1 gives f1 = [true, false, true] and f2 = [false, true, false]: DuckDB differs on
    // the first two rows, which is what the badge says.
    expect(run.columns.f1).toEqual([false, false, true]);
    expect(run.columns.f2).toEqual([false, false, false]);
    const verdict = (id: string) => run.steps.find((s) => s.id === id)?.engines.duckdb;
    expect(verdict("end")).toMatchObject({
      level: "partial",
      condition: expect.stringContaining("line break"),
    });
    expect(verdict("dot")).toMatchObject({
      level: "partial",
      condition: expect.stringContaining("carriage"),
    });
    expect(verdict("f0")).toMatchObject({
      level: "partial",
      condition: expect.stringContaining("line break"),
    });
  });

  it("a Java-only regex blocks DuckDB instead of failing there (formulas, filters and steps alike)", async () => {
    const { compileRecipe } = await import("../index.ts");
    const inputs = [
      {
        name: "t",
        schema: [{ name: "s", type: "string" as const }],
        location: { format: "parquet" as const, path: "/data/t" },
      },
    ];
    const prepare = (steps: object[]) => ({ kind: "prepare", version: 1, params: { steps } }) as never;
    for (const steps of [
      formulaSteps(['regexMatch(s, "\\\\p{Alpha}")']),
      [{ id: "x", type: "FilterOnRegex", params: { column: "s", pattern: "[[:alpha:]]", action: "keep" } }],
      [
        {
          id: "x",
          type: "FindReplace",
          params: { columns: ["s"], mode: "regex", find: "a\\hb", replace: "" },
        },
      ],
    ]) {
      const out = compileRecipe({ spec: prepare(steps), inputs, dialect: "duckdb" });
      // Spark 4.0.1 runs these; DuckDB raises "invalid character class range" / "invalid escape".
      expect(out.blocking?.dialect).toBe("duckdb");
      expect(out.blocking?.reason).toContain("RE2");
    }
  });
});
