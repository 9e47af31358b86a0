import { join } from "node:path";
import type { DatasetSchema } from "@sous/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CompileInput,
  compilePipeline,
  compileRecipe,
  inferOutputSchemas,
  renderWriteParquet,
  SqlRecipeError,
} from "../src/index.ts";
import { type Db, openDb, query, type Row, sortRows, writeParquetDir } from "./helpers/duckdb.ts";
import { sparkStatementCount, sparkSyntaxErrors } from "./helpers/spark.ts";

/**
 * The SQL code recipe: one SparkSQL query reading the inputs by dataset name. Golden queries
 * (expected rows by hand) run on DuckDB after translation and parse as Spark 3.5; the sandbox
 * refuses every escape with a message naming what is not allowed.
 */
const orders: DatasetSchema = [
  { name: "id", type: "integer" },
  { name: "customer", type: "string" },
  { name: "amount", type: "double" },
];
const customers: DatasetSchema = [
  { name: "customer", type: "string" },
  { name: "country", type: "string" },
];
const orderRows: Row[] = [
  { id: 1, customer: "ann", amount: 10 },
  { id: 2, customer: "bob", amount: 5.5 },
  { id: 3, customer: "ann", amount: 2.5 },
  { id: 4, customer: "cy", amount: null },
];
const customerRows: Row[] = [
  { customer: "ann", country: "FR" },
  { customer: "bob", country: "it's" },
];

const sqlSpec = (sql: string) => ({ kind: "sql" as const, version: 1 as const, params: { sql } });

let db: Db;
let inputs: CompileInput[];
beforeAll(async () => {
  db = await openDb();
  const o = join(db.dir, "orders");
  const c = join(db.dir, "customers");
  await writeParquetDir(db, o, orders, orderRows);
  await writeParquetDir(db, c, customers, customerRows);
  await db.conn.run("CREATE TABLE sentinel AS SELECT 42 AS answer");
  inputs = [
    { name: "orders", schema: orders, location: { format: "parquet", path: o } },
    { name: "My Customers", schema: customers, location: { format: "parquet", path: c } },
  ];
});
afterAll(() => db.close());

const compile = (sql: string, dialect: "spark" | "duckdb" = "duckdb", ins = inputs) =>
  compileRecipe({ spec: sqlSpec(sql), inputs: ins, dialect });

const GOLDEN: { name: string; sql: string; rows: Row[] }[] = [
  {
    name: "group by with backticked input name and a join",
    sql: "SELECT o.customer, c.country, sum(o.amount) AS total\nFROM orders o LEFT JOIN `My Customers` c ON o.customer = c.customer\nGROUP BY o.customer, c.country",
    rows: [
      { customer: "ann", country: "FR", total: 12.5 },
      { customer: "bob", country: "it's", total: 5.5 },
      { customer: "cy", country: null, total: null },
    ],
  },
  {
    name: "the user's own CTEs after the bound inputs, Spark string escapes, a comment and a trailing ;",
    sql: "WITH big AS (SELECT * FROM orders WHERE amount > 5) -- big ones\nSELECT id, 'it\\'s' AS note, \"dq\" AS dq FROM big;",
    rows: [
      { id: 1, note: "it's", dq: "dq" },
      { id: 2, note: "it's", dq: "dq" },
    ],
  },
  {
    name: "DIV and renamed functions (startswith, nvl) translated for DuckDB",
    sql: "SELECT id DIV 2 AS half, startswith(customer, 'a') AS a, nvl(amount, 0) AS amt FROM ORDERS WHERE id IN (SELECT id FROM orders WHERE customer <> 'bob')",
    rows: [
      { half: 0, a: true, amt: 10 },
      { half: 1, a: true, amt: 2.5 },
      { half: 2, a: false, amt: 0 },
    ],
  },
];

describe("SQL recipe golden queries", () => {
  it.each(GOLDEN)("$name: Spark SQL parses, DuckDB returns the rows", async ({ sql, rows }) => {
    const spark = compile(sql, "spark");
    expect(sparkSyntaxErrors(spark.sql)).toEqual([]);
    expect(sparkStatementCount(spark.sql)).toBe(1);
    expect(spark.sql).toContain("parquet.`");
    expect(
      sparkSyntaxErrors(renderWriteParquet({ selectSql: spark.sql, path: "dbfs:/mnt/o", dialect: "spark" })),
    ).toEqual([]);
    const duck = compile(sql, "duckdb");
    expect(duck.sql).toContain("read_parquet(");
    const result = await query(db, duck.sql);
    expect(sortRows(result.rows)).toEqual(sortRows(rows));
  });

  it("says the schema is only known by running, and how each engine runs it", () => {
    const out = compile("SELECT * FROM orders", "duckdb");
    expect(out).toMatchObject({ schemaKnown: false, outputSchemas: [], lineage: [], blocking: null });
    expect(out.steps).toEqual([
      {
        id: "sql",
        engines: {
          spark: { level: "full" },
          duckdb: { level: "partial", condition: expect.stringContaining("ANSI mode off") },
        },
      },
    ]);
    // What does not translate is the recipe's local verdict on Spark, and an error on DuckDB.
    const remote = compile("SELECT months_between(current_date, current_date) AS m FROM orders", "spark");
    expect(remote.steps[0]!.engines.duckdb).toEqual({
      level: "none",
      reason: expect.stringMatching(/^months_between\(\.\.\.\) cannot run locally: .*\(line 1, column 8\)$/),
    });
    expect(() => compile("SELECT months_between(current_date, current_date) AS m FROM orders")).toThrow(
      expect.objectContaining({
        code: "untranslatable_sql",
        problems: [expect.objectContaining({ line: 1, column: 8 })],
      }),
    );
    expect(out.warnings[0]).toMatch(/^sql: on duckdb, runs locally after a Spark -> DuckDB translation/);
    expect(compile("SELECT * FROM orders", "spark").warnings).toEqual([]);
    expect(inferOutputSchemas({ spec: sqlSpec("SELECT 1"), inputs })).toEqual([]);
  });

  it("runs alone: a pipeline of just it is the recipe; it cannot be merged with another", async () => {
    // The worker compiles every activity as a pipeline: a lone SQL recipe must compile there.
    const alone = compilePipeline({
      steps: [{ name: "q", spec: sqlSpec("SELECT customer FROM orders WHERE amount > 6"), inputs }],
      dialect: "duckdb",
    });
    expect(alone.sql).toBe(compile("SELECT customer FROM orders WHERE amount > 6", "duckdb").sql);
    expect(alone.inputs).toEqual(inputs);
    expect(alone.steps.map((s) => s.id)).toEqual(["0/sql"]);
    expect((await query(db, alone.sql)).rows.length).toBeGreaterThan(0);
    expect(() =>
      compilePipeline({
        steps: [
          { name: "a", spec: { kind: "sync", version: 1, params: {} }, inputs: [inputs[0]!] },
          { name: "q", spec: sqlSpec("SELECT * FROM a"), inputs: [{ step: 0 }] },
        ],
        dialect: "duckdb",
      }),
    ).toThrow(/cannot be part of a pipeline/);
  });

  it("reports syntax errors with their position", () => {
    try {
      compile("SELECT id,\nFROM orders WHERE");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SqlRecipeError);
      const err = e as SqlRecipeError;
      expect(err.code).toBe("invalid_sql");
      expect(err.path).toEqual(["params", "sql"]);
      expect(err.problems[0]).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
      expect(err.message).toMatch(/Syntax error.*\(line \d+, column \d+\)/);
    }
  });
});

/** Each escape attempt, and a word the refusal message must name. */
const ESCAPES: [string, RegExp][] = [
  ["SELECT * FROM orders; DROP TABLE sentinel", /ONE query: remove the ';'/],
  ["SELECT 1; SELECT 2;", /ONE query/],
  ["DROP TABLE sentinel", /DROP is not allowed/],
  ["CREATE TABLE x AS SELECT * FROM orders", /CREATE is not allowed/],
  ["INSERT INTO orders SELECT * FROM orders", /INSERT is not allowed/],
  ["INSERT OVERWRITE DIRECTORY '/tmp/x' USING PARQUET SELECT * FROM orders", /INSERT is not allowed/],
  ["DELETE FROM orders", /DELETE is not allowed/],
  ["UPDATE orders SET id = 1", /UPDATE is not allowed/],
  ["SELECT * FROM read_parquet('/etc/*.parquet')", /read_parquet\(\.\.\.\) is not allowed/],
  ["SELECT * FROM read_csv('/etc/passwd')", /read_csv\(\.\.\.\) is not allowed/],
  ["SELECT * FROM read_csv_auto('/etc/passwd')", /read_csv_auto\(\.\.\.\) is not allowed/],
  ["SELECT * FROM read_files('/etc', format => 'csv')", /read_files\(\.\.\.\) is not allowed/],
  ["SELECT * FROM glob('/etc/*')", /glob\(\.\.\.\) is not allowed/],
  ["SELECT * FROM parquet.`/etc/secrets`", /parquet\.`\.\.\.` reads files by path/],
  ["SELECT * FROM csv.`/etc/passwd`", /csv\.`\.\.\.` reads files by path/],
  ["SELECT * FROM delta.`dbfs:/mnt/other`", /delta\.`\.\.\.` reads files by path/],
  ["LOAD DATA INPATH '/x' INTO TABLE orders", /LOAD is not allowed/],
  ["INSTALL httpfs", /INSTALL is not allowed/],
  ["ATTACH '/tmp/x.db' AS x", /ATTACH is not allowed/],
  ["COPY orders TO '/tmp/x.csv'", /COPY is not allowed/],
  ["PRAGMA version", /PRAGMA is not allowed/],
  ["SET spark.sql.ansi.enabled = true", /SET is not allowed/],
  [
    "SELECT * FROM orders WHERE id IN (SELECT 1) UNION ALL SELECT * FROM secret_table",
    /secret_table is not an input/,
  ],
  ["SELECT * FROM default.orders", /default\.orders is not an input/],
  ["SELECT * FROM `/etc/passwd.csv`", /is not an input/],
  ["SELECT * FROM range(10)", /range\(10\) is not allowed/],
  ["SELECT * FROM query('SELECT 1')", /query\(\.\.\.\) is not allowed/],
  ["SELECT getenv('HOME')", /getenv\(\.\.\.\) is not allowed/],
  ["SELECT reflect('java.lang.System', 'getenv', 'HOME')", /reflect\(\.\.\.\) is not allowed/],
  ["SELECT * FROM duckdb_settings()", /duckdb_settings\(\.\.\.\) is not allowed/],
  ["SHOW TABLES", /SHOW is not allowed/],
  ["USE other_db", /USE is not allowed/],
  ["ADD JAR '/tmp/evil.jar'", /ADD is not allowed/],
  ["CALL sys.something()", /CALL is not allowed/],
  ["SELECT * FROM orders /* ; */ -- ;\n; DROP TABLE sentinel", /remove the ';'/],
];

describe("SQL recipe sandbox", () => {
  it.each(ESCAPES)("refuses %j", async (sql, message) => {
    for (const dialect of ["spark", "duckdb"] as const) {
      let err: unknown;
      try {
        compile(sql, dialect);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SqlRecipeError);
      expect((err as SqlRecipeError).code).toMatch(/forbidden_sql|invalid_sql/);
      expect((err as Error).message).toMatch(message);
    }
    expect((await query(db, "SELECT answer FROM sentinel")).rows).toEqual([{ answer: 42 }]);
  });

  it("allows forbidden words as quoted names, strings and qualified columns", async () => {
    const out = compile("SELECT o.id AS `set`, 'DROP TABLE x; --' AS `delete` FROM orders o WHERE o.id = 1");
    expect((await query(db, out.sql)).rows).toEqual([{ set: 1, delete: "DROP TABLE x; --" }]);
  });
});

/** The injection corpus (test/injection.test.ts) as input dataset names: names stay names. */
const CORPUS = [
  'a"b',
  "a`b",
  "x'; DROP TABLE sentinel; --",
  "'",
  ";",
  "-- comment",
  "/* c */",
  "line\nbreak",
  "ünïcödé 🚀 名前",
  "back\\slash",
  "\\'",
  " spaced ",
  ")",
  "\u200b",
];

describe("SQL recipe inputs named with the injection corpus", () => {
  it.each(CORPUS)("binds %j by name on both engines", async (name) => {
    const ins: CompileInput[] = [{ ...inputs[0]!, name }];
    const sql = `SELECT count(*) AS n FROM \`${name.replaceAll("`", "``")}\``;
    const spark = compile(sql, "spark", ins);
    expect(sparkSyntaxErrors(spark.sql)).toEqual([]);
    expect(sparkStatementCount(spark.sql)).toBe(1);
    const duck = compile(sql, "duckdb", ins);
    expect((await query(db, duck.sql)).rows).toEqual([{ n: 4 }]);
    expect((await query(db, "SELECT answer FROM sentinel")).rows).toEqual([{ answer: 42 }]);
  });
});
