import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CompileInput, compileRecipe, type Dialect, sparkQueryProblems } from "../src/index.ts";
import { type Db, logicalType, openDb, query, sortRows, writeParquetDir } from "./helpers/duckdb.ts";
import { sparkSyntaxErrors } from "./helpers/spark.ts";
import { type PrepareFixture, prepareFixtures, registerUdfs, rowsOf, schemaOf } from "./prepare-harness.ts";

/**
 * Golden fixtures of the prepare steps (`fixtures/prepare-steps/<name>.recipe.json`): the
 * recipe, seeded rows and the rows Spark would return, written by hand from Spark's documented
 * behaviour. Spark SQL is snapshotted and parsed with dt-sql-parser (or the recipe must be
 * blocked for Spark with the expected reason); DuckDB SQL is snapshotted and run, with the
 * JavaScript functions registered, and must return the expected rows and types.
 */
const fixtures = prepareFixtures();

const ROOT: Record<Dialect, string> = { spark: "dbfs:/mnt/sous/fixtures", duckdb: "/data/fixtures" };

function compile(name: string, f: PrepareFixture, dialect: Dialect, root = ROOT[dialect]) {
  const inputs: CompileInput[] = [
    {
      name: "input",
      schema: schemaOf(f.input.columns),
      location: { format: "parquet", path: `${root}/${name}/in0` },
    },
  ];
  return compileRecipe({
    spec: f.spec as never,
    inputs,
    dialect,
    ...(f.context ? { context: f.context } : {}),
  });
}

let db: Db;
beforeAll(async () => {
  db = await openDb();
  registerUdfs(db);
});
afterAll(() => db.close());

describe.each(fixtures)("prepare fixture $name", ({ name, fixture }) => {
  it("Spark: snapshot accepted by dt-sql-parser, or blocked with the step's reason", async () => {
    const out = compile(name, fixture, "spark");
    if (fixture.blocked?.spark) {
      expect(out.blocking?.reason).toContain(fixture.blocked.spark);
      expect(out.sql).toBe("");
      return;
    }
    expect(out.blocking).toBeNull();
    await expect(`${out.sql}\n`).toMatchFileSnapshot(`./prepare-snapshots/${name}.spark.sql`);
    expect(sparkSyntaxErrors(out.sql)).toEqual([]);
    expect(sparkQueryProblems(out.sql, [`${ROOT.spark}/${name}/in0`])).toEqual([]);
    if (fixture.partial?.spark) expect(out.warnings.join("\n")).toContain(fixture.partial.spark);
  });

  it("schemas: output and per step, without running anything", () => {
    const out = compile(name, fixture, "duckdb");
    expect(out.outputSchemas).toEqual([schemaOf(fixture.expected.columns)]);
    const steps = fixture.spec.params.steps as { id: string }[];
    expect(out.stepSchemas?.map((s) => s.id)).toEqual(steps.map((s) => s.id));
    expect(out.stepSchemas?.at(-1)?.schema).toEqual(schemaOf(fixture.expected.columns));
    for (const s of steps) expect(out.steps.map((x) => x.id)).toContain(s.id);
  });

  it("DuckDB: returns Spark's rows and types", async () => {
    const out0 = compile(name, fixture, "duckdb");
    if (fixture.blocked?.duckdb) {
      expect(out0.blocking?.reason).toContain(fixture.blocked.duckdb);
      return;
    }
    if (fixture.partial?.duckdb) expect(out0.warnings.join("\n")).toContain(fixture.partial.duckdb);
    await expect(`${out0.sql}\n`).toMatchFileSnapshot(`./prepare-snapshots/${name}.duckdb.sql`);
    const root = join(db.dir, "prepare");
    await writeParquetDir(
      db,
      join(root, name, "in0"),
      schemaOf(fixture.input.columns),
      rowsOf(fixture.input.columns, fixture.input.rows),
    );
    const out = compile(name, fixture, "duckdb", root);
    const result = await query(db, out.sql);
    expect(result.columns.map((c) => ({ name: c.name, type: logicalType(c.type) }))).toEqual(
      schemaOf(fixture.expected.columns),
    );
    const expected = rowsOf(fixture.expected.columns, fixture.expected.rows).map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, norm(v)])),
    );
    if (fixture.expected.ordered) expect(result.rows).toEqual(expected);
    else expect(sortRows(result.rows)).toEqual(sortRows(expected));
  });
});

function norm(v: unknown): unknown {
  return typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v;
}
