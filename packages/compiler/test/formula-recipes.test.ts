import { join } from "node:path";
import type { DatasetSchema, RecipeSpec } from "@sous/contracts";
import { RecipeSpecSchema } from "@sous/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CompileInput, compileRecipe, FormulaCompileError } from "../src/index.ts";
import { type Db, openDb, query, sortRows, writeParquetDir } from "./helpers/duckdb.ts";
import { sparkSyntaxErrors } from "./helpers/spark.ts";

/** Formulas inside recipes: the filter recipe's `{ kind: "formula" }` rules. */
const schema: DatasetSchema = [
  { name: "id", type: "integer" },
  { name: "name", type: "string" },
  { name: "amount", type: "double" },
  { name: "ordered", type: "date" },
  { name: "unit price", type: "double" },
];
const rows = [
  { id: 1, name: "Alice", amount: 120, ordered: "2024-01-07", "unit price": 2 },
  { id: 2, name: "bob", amount: 80, ordered: "2024-01-08", "unit price": 3 },
  { id: 3, name: "Carol", amount: null, ordered: "2024-02-10", "unit price": 1.5 },
  { id: 4, name: null, amount: 300, ordered: null, "unit price": null },
];

let db: Db;
const inputs = (path: string): CompileInput[] => [
  { name: "orders", schema, location: { format: "parquet", path } },
];
beforeAll(async () => {
  db = await openDb();
  await writeParquetDir(db, join(db.dir, "orders"), schema, rows);
});
afterAll(() => db.close());

const filterSpec = (rules: unknown[], combine: "and" | "or" = "and") =>
  ({ kind: "filter", version: 1, params: { filter: { combine, rules } } }) as unknown as RecipeSpec;

async function run(spec: RecipeSpec) {
  const spark = compileRecipe({ spec, inputs: inputs("dbfs:/mnt/sous/orders"), dialect: "spark" });
  expect(sparkSyntaxErrors(spark.sql)).toEqual([]);
  const duck = compileRecipe({ spec, inputs: inputs(join(db.dir, "orders")), dialect: "duckdb" });
  const result = await query(db, duck.sql);
  return { spark, duck, ids: sortRows(result.rows).map((r) => r.id) };
}

describe("filter recipe with formula rules", () => {
  it("keeps the rows whose formula is true (NULL is not true)", async () => {
    const { ids, spark, duck } = await run(
      filterSpec([
        { kind: "formula", formula: 'amount * `unit price` > 200 || startsWith(name.lower(), "b")' },
      ]),
    );
    expect(ids).toEqual([1, 2]);
    expect(spark.sql).toContain("startswith(lower(`name`), 'b')");
    expect(duck.steps.map((s) => s.id)).toEqual(["filter", "params.filter.rules.0"]);
    expect(duck.outputSchemas).toEqual([schema]);
    expect(duck.lineage[0]!.map((c) => c.output)).toEqual(schema.map((c) => c.name));
  });

  it("mixes formula and column rules", async () => {
    const { ids } = await run(
      filterSpec(
        [
          { column: "amount", op: "gte", value: 100 },
          { kind: "formula", formula: "dayOfWeek(ordered) == 1" },
        ],
        "or",
      ),
    );
    expect(ids).toEqual([1, 4]);
  });

  it("reports a bad formula as a CompileError pointing into the spec", () => {
    const spec = filterSpec([{ kind: "formula", formula: "amout > 1" }]);
    try {
      compileRecipe({ spec, inputs: inputs("/x"), dialect: "duckdb" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(FormulaCompileError);
      expect((e as FormulaCompileError).code).toBe("invalid_formula");
      expect((e as FormulaCompileError).path).toEqual(["params", "filter", "rules", 0, "formula"]);
      expect((e as Error).message).toContain("did you mean 'amount'?");
    }
    expect(() =>
      compileRecipe({
        spec: filterSpec([{ kind: "formula", formula: "amount * 2" }]),
        inputs: inputs("/x"),
        dialect: "spark",
      }),
    ).toThrow("The formula must give a condition (boolean), but it gives a double");
  });

  it("blocks DuckDB for a Java-only regex and says why, per rule", () => {
    const spec = filterSpec([{ kind: "formula", formula: 'regexExtract(name, "(?<=A)l(i)") == "i"' }]);
    const out = compileRecipe({ spec, inputs: inputs("/x"), dialect: "duckdb" });
    expect(out.blocking).toMatchObject({ stepId: "params.filter.rules.0", dialect: "duckdb" });
    expect(out.blocking?.reason).toContain("look-around");
    expect(out.sql).toBe("");
    const spark = compileRecipe({ spec, inputs: inputs("/x"), dialect: "spark" });
    expect(spark.blocking).toBeNull();
  });

  it("warns where DuckDB only partly reproduces Spark", () => {
    const spec = filterSpec([{ kind: "formula", formula: 'toString(amount) == "120.0"' }]);
    const out = compileRecipe({ spec, inputs: inputs("/x"), dialect: "duckdb" });
    expect(out.warnings.join("\n")).toContain(
      "params.filter.rules.0: on duckdb, doubles are printed differently",
    );
  });

  it("old specs (column rules only) still parse, formula rules are strict", () => {
    expect(RecipeSpecSchema.safeParse(filterSpec([{ column: "id", op: "equals", value: 1 }])).success).toBe(
      true,
    );
    expect(RecipeSpecSchema.safeParse(filterSpec([{ kind: "formula", formula: "id > 1" }])).success).toBe(
      true,
    );
    expect(RecipeSpecSchema.safeParse(filterSpec([{ kind: "formula", formula: "" }])).success).toBe(false);
    expect(
      RecipeSpecSchema.safeParse(filterSpec([{ kind: "formula", formula: "x", column: "id" }])).success,
    ).toBe(false);
  });
});

describe("group recipe custom aggregations", () => {
  const groupSpec = (customAggregations: unknown[], keys = ["bucket"]) =>
    ({
      kind: "group",
      version: 1,
      params: { keys, aggregations: [], globalCount: false, customAggregations },
    }) as unknown as RecipeSpec;
  const gschema: DatasetSchema = [
    { name: "bucket", type: "string" },
    { name: "qty", type: "integer" },
    { name: "price", type: "double" },
  ];
  const ginputs = (path: string): CompileInput[] => [
    { name: "lines", schema: gschema, location: { format: "parquet", path } },
  ];

  it("computes formulas over aggregations and keys, with Spark's types", async () => {
    const path = join(db.dir, "lines");
    await writeParquetDir(db, path, gschema, [
      { bucket: "a", qty: 2, price: 1.5 },
      { bucket: "a", qty: 3, price: 2 },
      { bucket: "b", qty: 1, price: null },
      { bucket: null, qty: null, price: 4 },
    ]);
    const spec = groupSpec([
      { formula: "sum(qty * price)", as: "revenue" },
      { formula: "sum(qty)", as: "units" },
      { formula: "count()", as: "lines" },
      { formula: 'coalesce(bucket, "?") + ":" + count(price)', as: "label" },
      { formula: "round(sum(qty * price) / count(), 2)", as: "avg_line" },
      { formula: "max(qty) - min(qty)", as: "spread" },
    ]);
    const spark = compileRecipe({ spec, inputs: ginputs("dbfs:/mnt/sous/lines"), dialect: "spark" });
    expect(sparkSyntaxErrors(spark.sql)).toEqual([]);
    expect(spark.outputSchemas[0]).toEqual([
      { name: "bucket", type: "string" },
      { name: "revenue", type: "double" },
      { name: "units", type: "bigint" },
      { name: "lines", type: "bigint" },
      { name: "label", type: "string" },
      { name: "avg_line", type: "double" },
      { name: "spread", type: "integer" },
    ]);
    expect(spark.steps.map((s) => s.id)).toContain("params.customAggregations.0");
    const duck = compileRecipe({ spec, inputs: ginputs(path), dialect: "duckdb" });
    const result = await query(db, duck.sql);
    expect(sortRows(result.rows)).toEqual(
      sortRows([
        { bucket: "a", revenue: 9, units: 5, lines: 2, label: "a:2", avg_line: 4.5, spread: 1 },
        { bucket: "b", revenue: null, units: 1, lines: 1, label: "b:0", avg_line: null, spread: 0 },
        { bucket: null, revenue: null, units: null, lines: 1, label: "?:1", avg_line: null, spread: null },
      ]),
    );
    expect(duck.lineage[0]!.find((c) => c.output === "revenue")?.from.map((f) => f.column)).toEqual([
      "qty",
      "price",
    ]);
  });

  it("rejects columns outside aggregations and nested aggregations", () => {
    const fails = (formula: string) => () =>
      compileRecipe({ spec: groupSpec([{ formula, as: "x" }]), inputs: ginputs("/x"), dialect: "duckdb" });
    expect(fails("qty * 2")).toThrow(
      "Column 'qty' is neither a group key nor inside an aggregation: aggregate it, e.g. sum(qty)",
    );
    expect(fails("sum(sum(qty))")).toThrow("Aggregations cannot be nested");
    expect(fails("sum(bucket)")).toThrow("sum() needs a numeric column, but this is a string");
    expect(() =>
      compileRecipe({
        spec: groupSpec([{ formula: "sum(qty)", as: "bucket" }]),
        inputs: ginputs("/x"),
        dialect: "duckdb",
      }),
    ).toThrow('"bucket" is produced twice');
  });

  it("aggregations are refused in row formulas with a pointer to where they belong", () => {
    const out = () =>
      compileRecipe({
        spec: filterSpec([{ kind: "formula", formula: "sum(amount) > 1" }]),
        inputs: inputs("/x"),
        dialect: "duckdb",
      });
    expect(out).toThrow("sum() is an aggregation: use it in a group recipe's custom aggregations");
  });
});
