import { describe, expect, it } from "vitest";
import {
  CompileError,
  type CompileInput,
  compileRecipe,
  SqlRecipeError,
  sparkQueryProblems,
} from "../src/index.ts";
import { tokenizeSpark } from "../src/sql-recipe/lexer.ts";
import { type EscapeTargets, SQL_ESCAPES } from "./sql-escape-corpus.ts";

/**
 * The escape corpus against the SQL recipe checker: every attempt is refused on both dialects
 * with a SqlRecipeError (the engines' own lockdown is tested where they run: engine-local, the
 * studio's preview, the worker's build, the Databricks emulator).
 */
const storageRoot = "/srv/sous/storage";
const victimDir = `${storageRoot}/projects/pVictim/datasets/dVictim/versions/vVictim`;
const targets: EscapeTargets = {
  input: "orders",
  victimName: "salaries",
  victimFile: `${victimDir}/part-0.parquet`,
  victimDir,
  victimGlob: `${storageRoot}/projects/*/datasets/*/versions/*/*.parquet`,
  storageRoot,
  clusterDir: "dbfs:/mnt/sous/projects/pVictim/datasets/dVictim/versions/vVictim",
};
const inputs: CompileInput[] = [
  {
    name: "orders",
    schema: [{ name: "id", type: "integer" }],
    location: { format: "parquet", path: `${storageRoot}/projects/pMine/datasets/dMine/versions/vMine` },
  },
];

/** The statement with its string literals blanked (each dialect's own quoting). */
function outsideLiterals(sql: string, dialect: "spark" | "duckdb"): string {
  if (dialect === "duckdb") return sql.replace(/'(?:[^']|'')*'/g, "''");
  return tokenizeSpark(sql)
    .map((t) => (t.kind === "string" ? "''" : t.text))
    .join("");
}

describe("SQL escape corpus against the checker", () => {
  it("holds at least 150 distinct attempts", () => {
    expect(SQL_ESCAPES.length).toBeGreaterThanOrEqual(150);
    expect(new Set(SQL_ESCAPES.map((a) => a.sql(targets))).size).toBe(SQL_ESCAPES.length);
  });

  it.each(SQL_ESCAPES.map((a) => [a.name, a] as const))("0 get through: %s", (_name, attempt) => {
    for (const dialect of ["spark", "duckdb"] as const) {
      let out: string | undefined;
      try {
        out = compileRecipe({
          spec: { kind: "sql", version: 1, params: { sql: attempt.sql(targets) } },
          inputs,
          dialect,
        }).sql;
      } catch (e) {
        // Refused by the checker (with positions), or by the spec's schema (a NUL character).
        expect(e, `${dialect}: ${attempt.sql(targets)}`).toBeInstanceOf(CompileError);
        if (e instanceof SqlRecipeError) expect(e.problems[0]!.line).toBeGreaterThanOrEqual(1);
        else expect((e as CompileError).message).toMatch(/NUL/);
      }
      // Accepted only where the escape is inert text (a comment or a string literal, which the
      // engines run as such): outside literals the statement names no victim and reads only inputs.
      if (out !== undefined) {
        const code = outsideLiterals(out, dialect);
        const own = `${storageRoot}/projects/pMine/datasets/dMine/versions/vMine`;
        expect(code.replaceAll(own, ""), `${dialect} runs ${out}`).not.toMatch(
          /pVictim|salaries|\/srv\/|\/etc|\/proc|dbfs:/i,
        );
        expect(code.toLowerCase()).not.toMatch(/reflect|secret|read_(?!parquet\(''\))/);
      }
    }
  });

  it("still accepts what a SQL recipe is for: CTEs in scope, subqueries, lateral views, generators", () => {
    const ok = [
      "WITH a AS (SELECT * FROM orders), b AS (SELECT * FROM a) SELECT * FROM b",
      "SELECT * FROM (WITH a AS (SELECT id FROM orders) SELECT * FROM a) x",
      "WITH a AS (SELECT 1 AS z) SELECT * FROM orders WHERE id IN (SELECT z FROM a)",
      "WITH a AS (SELECT 1 AS z) SELECT (SELECT max(z) FROM a) AS m FROM orders",
      "WITH a AS (SELECT id FROM orders) SELECT * FROM a x JOIN (WITH b AS (SELECT * FROM a) SELECT * FROM b) y ON x.id = y.id",
      "SELECT id, e FROM orders LATERAL VIEW explode(array(1, 2)) t AS e",
      "SELECT transform(array(id), x -> x + 1) AS t, `read_me` FROM (SELECT id, 1 AS read_me FROM orders)",
      "WITH orders AS (SELECT 1 AS id) SELECT * FROM orders",
      "SELECT o.id FROM orders o WHERE EXISTS (SELECT 1 FROM orders p WHERE p.id = o.id)",
      "TABLE orders",
      "FROM orders SELECT id",
    ];
    for (const sql of ok) {
      const out = compileRecipe({
        spec: { kind: "sql", version: 1, params: { sql } },
        inputs,
        dialect: "spark",
      });
      expect(out.sql).toMatch(sql.startsWith("WITH orders") ? /^WITH orders AS \(SELECT 1/ : /parquet\.`/);
    }
  });
});

describe("the Spark statement guard (the last check before Databricks)", () => {
  const own = "dbfs:/mnt/sous/projects/pMine/datasets/dMine/versions/vMine";
  /** What would reach the cluster had the SQL checker accepted `sql`: the input bound by path. */
  const unchecked = (sql: string) => `WITH \`orders\` AS (SELECT * FROM parquet.\`${own}\`)\n${sql}`;

  it.each(SQL_ESCAPES.map((a) => [a.name, a] as const))("0 get through: %s", (_name, attempt) => {
    const statement = unchecked(attempt.sql(targets));
    const problems = sparkQueryProblems(statement, [own]);
    if (problems.length === 0) {
      // Only inert text may pass: outside comments and literals it names nothing but the input.
      const code = outsideLiterals(
        tokenizeSpark(statement)
          .map((t) => (t.kind === "comment" ? " " : t.text))
          .join(""),
        "spark",
      ).replaceAll(own, "");
      expect(code, statement).not.toMatch(
        /pVictim|salaries|\/srv\/|\/etc|\/proc|dbfs:|reflect|secret|read_/i,
      );
    }
  });

  it("passes the compiled golden fixtures and SQL recipes, which read only their inputs", () => {
    const sql = compileRecipe({
      spec: { kind: "sql", version: 1, params: { sql: "WITH a AS (SELECT * FROM orders) SELECT * FROM a" } },
      inputs: [{ ...inputs[0]!, location: { format: "parquet", path: own } }],
      dialect: "spark",
    }).sql;
    expect(sparkQueryProblems(sql, [own])).toEqual([]);
    expect(sparkQueryProblems(sql, ["dbfs:/mnt/sous/projects/pOther"])[0]).toMatch(/not an input/);
    expect(sparkQueryProblems(`${sql}; SELECT 1`, [own]).length).toBeGreaterThan(0);
  });
});
