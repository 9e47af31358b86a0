import { join } from "node:path";
import type { DatasetSchema } from "@sous/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkFormula, lowerFormula, sparkQueryProblems } from "../src/index.ts";
import { col, compare, type Expr, exprChildren, lit } from "../src/ir/expr.ts";
import { createIdGen } from "../src/ir/ids.ts";
import { derived, filter, project, source } from "../src/ir/rel.ts";
import { DIALECT_HOOKS } from "../src/render/dialects.ts";
import { renderSql } from "../src/render/renderer.ts";
import type { Dialect } from "../src/types.ts";
import { FORMULA_CASES, FORMULA_SCHEMA } from "./formula-cases.ts";
import { type Db, logicalType, openDb, query, writeParquetDir } from "./helpers/duckdb.ts";
import { sparkSyntaxErrors } from "./helpers/spark.ts";

/**
 * Every case: check the formula, lower it, render it for both engines; the Spark SQL must parse
 * with the Spark 3.5 grammar and the DuckDB SQL, run on the case's row, must return the value
 * Spark would (see formula-cases.ts).
 */
const SCHEMA: DatasetSchema = [{ name: "_case", type: "integer" }, ...FORMULA_SCHEMA];

export function renderFormula(formula: string, path: string, dialect: Dialect, caseIndex?: number): string {
  const ids = createIdGen();
  const src = source(ids, 0, path, SCHEMA);
  const scope = src.columns.filter((c) => c.name !== "_case");
  const { expr } = lowerFormula(formula, scope);
  const input =
    caseIndex === undefined
      ? src
      : filter(ids, src, compare("=", col(src.columns[0]!.id, "integer"), lit(String(caseIndex), "integer")));
  return renderSql(project(ids, input, [derived(ids, "v", expr)]), DIALECT_HOOKS[dialect]);
}

const walk = (e: Expr): Expr[] => [e, ...exprChildren(e).flatMap(walk)];

let db: Db;
let dir: string;
beforeAll(async () => {
  db = await openDb();
  dir = join(db.dir, "formula-cases");
  await writeParquetDir(
    db,
    dir,
    SCHEMA,
    FORMULA_CASES.map((c, i) => ({ _case: i, ...c.row })),
  );
});
afterAll(() => db.close());

const norm = (v: unknown): unknown =>
  typeof v === "number" && Number.isNaN(v) ? "NaN" : typeof v === "number" ? Number(v.toPrecision(12)) : v;

describe("formula functions: Spark's values on DuckDB, Spark SQL that parses", () => {
  it.each(FORMULA_CASES.map((c, i) => ({ ...c, i, row: JSON.stringify(c.row ?? {}) })))(
    "$f with $row",
    async ({ f, i, expect: expected, type }) => {
      const checked = checkFormula(f, FORMULA_SCHEMA);
      expect(checked.errors).toEqual([]);
      if (type) expect(checked.type).toBe(type);

      const ids = createIdGen();
      const scope = source(ids, 0, dir, FORMULA_SCHEMA).columns;
      const { expr } = lowerFormula(f, scope);
      for (const node of walk(expr)) expect(DIALECT_HOOKS.duckdb.assess(node)?.level).not.toBe("none");

      const spark = renderFormula(f, "dbfs:/mnt/sous/formula", "spark", i);
      expect(sparkSyntaxErrors(spark)).toEqual([]);
      expect(sparkQueryProblems(spark, ["dbfs:/mnt/sous/formula"])).toEqual([]);

      const sql = renderFormula(f, dir, "duckdb", i);
      const result = await query(db, sql);
      expect(result.rows).toHaveLength(1);
      expect(logicalType(result.columns[0]!.type)).toBe(checked.type);
      expect(norm(result.rows[0]!.v)).toEqual(norm(expected));
    },
  );
});
