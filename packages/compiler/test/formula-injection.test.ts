import { join } from "node:path";
import type { DatasetSchema } from "@sous/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lowerFormula } from "../src/index.ts";
import { createIdGen } from "../src/ir/ids.ts";
import { derived, project, source } from "../src/ir/rel.ts";
import { DIALECT_HOOKS } from "../src/render/dialects.ts";
import { renderSql } from "../src/render/renderer.ts";
import type { Dialect } from "../src/types.ts";
import { type Db, openDb, query, writeParquetDir } from "./helpers/duckdb.ts";
import { sparkStatementCount, sparkSyntaxErrors } from "./helpers/spark.ts";
import { INJECTION_CORPUS } from "./injection-corpus.ts";

/**
 * Security contract for formulas: whatever a column name (written in backticks or val("...")) or
 * a string literal contains, it stays data on both engines. Executed on DuckDB with a sentinel
 * table; parsed with the Spark grammar as exactly one statement.
 */
// Formulas add a regex back-reference and printf-style text (replacement strings, date patterns).
const CORPUS = [...INJECTION_CORPUS, "\\1", "%s %d %%"];

const backtick = (name: string) => `\`${name.replaceAll("`", "``")}\``;
const quoted = (value: string) => `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;

const schema: DatasetSchema = CORPUS.map((name) => ({ name, type: "string" }));
const row = Object.fromEntries(CORPUS.map((n) => [n, n]));

function render(formulas: string[], path: string, dialect: Dialect): string {
  const ids = createIdGen();
  const src = source(ids, 0, path, schema);
  const columns = formulas.map((f, i) => derived(ids, `v${i}`, lowerFormula(f, src.columns).expr));
  return renderSql(project(ids, src, columns), DIALECT_HOOKS[dialect]);
}

let db: Db;
let dir: string;
beforeAll(async () => {
  db = await openDb();
  await db.conn.run("CREATE TABLE sentinel AS SELECT 42 AS answer");
  dir = join(db.dir, "formula-injection");
  await writeParquetDir(db, dir, schema, [row]);
});
afterAll(() => db.close());

describe("formula injection corpus", () => {
  // For each corpus entry: the column by backticks and by val(), a literal of the entry, a
  // regex-free text function on it, and a regex replacement whose replacement is the entry.
  const formulas = CORPUS.flatMap((v) => [
    `concat(${backtick(v)}, "|", ${quoted(v)})`,
    `val(${quoted(v)}) == ${quoted(v)}`,
    `replace(${backtick(v)}, ${quoted(v)}, "ok")`,
    `length(${quoted(v)})`,
  ]);

  it("column names and literals stay data on DuckDB", async () => {
    const result = await query(db, render(formulas, dir, "duckdb"));
    expect(result.rows).toHaveLength(1);
    const got = result.rows[0]!;
    CORPUS.forEach((v, i) => {
      expect(got[`v${4 * i}`], JSON.stringify(v)).toBe(`${v}|${v}`);
      expect(got[`v${4 * i + 1}`], JSON.stringify(v)).toBe(true);
      expect(got[`v${4 * i + 2}`], JSON.stringify(v)).toBe("ok");
      expect(got[`v${4 * i + 3}`], JSON.stringify(v)).toBe([...v].length);
    });
    expect((await query(db, "SELECT answer FROM sentinel")).rows).toEqual([{ answer: 42 }]);
  });

  it("the Spark SQL is one valid statement", () => {
    const sql = render(formulas, "dbfs:/mnt/sous/evil", "spark");
    expect(sparkSyntaxErrors(sql)).toEqual([]);
    expect(sparkStatementCount(sql)).toBe(1);
  });

  it("regex replacements and date patterns from the corpus stay literals", async () => {
    const safe = CORPUS.filter((v) => !/[$\\]/.test(v));
    const more = safe.flatMap((v) => [
      `regexReplace(${backtick(v)}, "(?s).+", ${quoted(v)})`,
      `formatDate(toDate("2024-01-02"), ${quoted(`'${v.replaceAll("'", "''")}'`)})`,
    ]);
    const result = await query(db, render(more, dir, "duckdb"));
    const got = result.rows[0]!;
    safe.forEach((v, i) => {
      expect(got[`v${2 * i}`], JSON.stringify(v)).toBe(v);
      expect(got[`v${2 * i + 1}`], JSON.stringify(v)).toBe(v);
    });
    const spark = render(more, "dbfs:/mnt/sous/evil", "spark");
    expect(sparkSyntaxErrors(spark)).toEqual([]);
    expect(sparkStatementCount(spark)).toBe(1);
    expect((await query(db, "SELECT answer FROM sentinel")).rows).toEqual([{ answer: 42 }]);
  });
});
