import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { DatasetSchema } from "@sous/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CompileError, type CompileInput, compileRecipe, convertRecipeToSql } from "../src/index.ts";
import { type Db, openDb, query, type Row, sortRows, writeParquetDir } from "./helpers/duckdb.ts";
import { sparkSyntaxErrors } from "./helpers/spark.ts";

/**
 * "Convert to code" on every golden fixture: the SQL recipe's SparkSQL is the recipe's compiled
 * Spark query reading the inputs by name, it parses as Spark, and run on DuckDB (through the SQL
 * recipe's translation) it returns the same rows as the visual recipe. Fixtures whose Spark
 * query uses Spark-only functions cannot run on DuckDB after a textual translation: they are
 * listed, and must fail at run time (the SQL recipe's DuckDB verdict is partial for that reason).
 * Column types are DuckDB's own after conversion (rank BIGINT, sum of ints HUGEINT): the visual
 * recipe's DuckDB rendering casts to Spark's types, plain Spark SQL run on DuckDB does not; names
 * and values must match.
 */
interface Fixture {
  spec: unknown;
  context?: Record<string, unknown>;
  inputs: { name: string; schema: DatasetSchema; rows: Row[] }[];
}

/** Spark-only functions in the compiled Spark query: conv (sample hash), RLIKE, array_join(collect_list). */
/** Converted recipes the SQL recipe's DuckDB translation refuses (they run on Databricks only). */
const REFUSED_LOCALLY = new Set(["join-within-days-timestamp-date"]);

const dir = join(import.meta.dirname, "fixtures");
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith(".recipe.json"))
  .sort()
  .map((f) => ({
    name: f.replace(/\.recipe\.json$/, ""),
    fixture: JSON.parse(readFileSync(join(dir, f), "utf8")) as Fixture,
  }));

let db: Db;
beforeAll(async () => {
  db = await openDb();
});
afterAll(() => db.close());

describe.each(fixtures)("convert $name to SQL", ({ name, fixture }) => {
  it("gives the same rows on DuckDB as the visual recipe", async () => {
    const root = join(db.dir, name);
    const inputs: CompileInput[] = [];
    for (const [i, input] of fixture.inputs.entries()) {
      const path = join(root, `in${i}`);
      await writeParquetDir(db, path, input.schema, input.rows);
      inputs.push({ name: input.name, schema: input.schema, location: { format: "parquet", path } });
    }
    const context = fixture.context ? { context: fixture.context } : {};
    const converted = convertRecipeToSql({ spec: fixture.spec as never, inputs, ...context });
    expect(converted.kind).toBe("sql");
    expect(converted.params.sql).not.toMatch(/parquet\.`/);
    for (const input of fixture.inputs) expect(converted.params.sql).toContain(`\`${input.name}\``);

    const spark = compileRecipe({ spec: converted, inputs, dialect: "spark" });
    expect(sparkSyntaxErrors(spark.sql)).toEqual([]);

    const original = await query(
      db,
      compileRecipe({ spec: fixture.spec as never, inputs, dialect: "duckdb", ...context }).sql,
    );
    if (REFUSED_LOCALLY.has(name)) {
      expect(() => compileRecipe({ spec: converted, inputs, dialect: "duckdb" })).toThrow(
        expect.objectContaining({ code: "untranslatable_sql" }),
      );
      return;
    }
    const sql = compileRecipe({ spec: converted, inputs, dialect: "duckdb" }).sql;
    const result = await query(db, sql);
    expect(result.columns.map((c) => c.name)).toEqual(original.columns.map((c) => c.name));
    expect(sortRows(result.rows)).toEqual(sortRows(original.rows));
  });
});

describe("convertRecipeToSql refusals", () => {
  const schema: DatasetSchema = [{ name: "a", type: "string" }];
  const inputs = [{ name: "t", schema }];
  it.each([
    [{ kind: "sql", version: 1, params: { sql: "SELECT 1" } }, /already a SQL recipe/],
    [
      { kind: "split", version: 1, params: { mode: "values", column: "a", outputs: [{ values: ["x"] }] } },
      /writes 2 outputs; a SQL recipe writes one/,
    ],
    [
      {
        kind: "prepare",
        version: 1,
        params: { steps: [{ id: "ua", type: "UserAgentParser", params: { column: "a" } }] },
      },
      /Cannot convert to SparkSQL/,
    ],
  ])("refuses %j", (spec, message) => {
    let err: unknown;
    try {
      convertRecipeToSql({ spec: spec as never, inputs });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CompileError);
    expect((err as Error).message).toMatch(message);
  });
});
