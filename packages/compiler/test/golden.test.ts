import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { DatasetSchema } from "@sous/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CompileInput,
  compileRecipe,
  type Dialect,
  renderWriteParquet,
  sparkQueryProblems,
} from "../src/index.ts";
import {
  type Db,
  logicalType,
  openDb,
  query,
  type Row,
  sortRows,
  writeParquetDir,
} from "./helpers/duckdb.ts";
import { sparkSyntaxErrors } from "./helpers/spark.ts";

/**
 * Golden fixtures: each `fixtures/<name>.recipe.json` holds a spec, input schemas with seeded
 * rows, and the rows Spark would return, written by hand from Spark's documentation. For each:
 * snapshot both dialects' SQL, parse the Spark SQL with dt-sql-parser, run the DuckDB SQL.
 */
interface Fixture {
  description: string;
  spec: unknown;
  context?: Record<string, unknown>;
  inputs: { name: string; schema: DatasetSchema; rows: Row[] }[];
  expected: { schema: DatasetSchema; rows: Row[]; ordered: boolean };
  lineage?: unknown;
  warnings?: string[];
}

const dir = join(import.meta.dirname, "fixtures");
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith(".recipe.json"))
  .sort()
  .map((f) => ({
    name: f.replace(/\.recipe\.json$/, ""),
    fixture: JSON.parse(readFileSync(join(dir, f), "utf8")) as Fixture,
  }));

const SNAPSHOT_ROOT: Record<Dialect, string> = { spark: "dbfs:/mnt/sous/fixtures", duckdb: "/data/fixtures" };

function inputsFor(name: string, f: Fixture, root: string): CompileInput[] {
  return f.inputs.map((input, i) => ({
    name: input.name,
    schema: input.schema,
    location: { format: "parquet", path: `${root}/${name}/in${i}` },
  }));
}

function compile(name: string, f: Fixture, dialect: Dialect, root = SNAPSHOT_ROOT[dialect]) {
  return compileRecipe({
    spec: f.spec as never,
    inputs: inputsFor(name, f, root),
    dialect,
    ...(f.context ? { context: f.context } : {}),
  });
}

let db: Db;
beforeAll(async () => {
  db = await openDb();
});
afterAll(() => db.close());

describe.each(fixtures)("fixture $name", ({ name, fixture }) => {
  it("snapshots the Spark SQL, which dt-sql-parser accepts", async () => {
    const out = compile(name, fixture, "spark");
    expect(out.blocking).toBeNull();
    await expect(`${out.sql}\n`).toMatchFileSnapshot(`./__snapshots__/${name}.spark.sql`);
    expect(sparkSyntaxErrors(out.sql)).toEqual([]);
    // What the worker checks before sending: it reads only its inputs, by path.
    const dirs = fixture.inputs.map((_x, i) => `${SNAPSHOT_ROOT.spark}/${name}/in${i}`);
    expect(sparkQueryProblems(out.sql, dirs)).toEqual([]);
    const write = renderWriteParquet({
      selectSql: out.sql,
      path: `dbfs:/mnt/sous/out/${name}`,
      dialect: "spark",
    });
    expect(sparkSyntaxErrors(write)).toEqual([]);
  });

  it("snapshots the DuckDB SQL", async () => {
    const out = compile(name, fixture, "duckdb");
    await expect(`${out.sql}\n`).toMatchFileSnapshot(`./__snapshots__/${name}.duckdb.sql`);
  });

  it("computes output schemas and lineage without running anything", () => {
    for (const dialect of ["spark", "duckdb"] as const) {
      const out = compile(name, fixture, dialect);
      expect(out.outputSchemas).toEqual([fixture.expected.schema]);
      if (fixture.lineage) expect(out.lineage).toEqual([fixture.lineage]);
      if (fixture.warnings) expect(out.warnings).toEqual(fixture.warnings);
    }
  });

  it("returns Spark's rows and types when run on DuckDB", async () => {
    const root = join(db.dir, "golden");
    for (const [i, input] of fixture.inputs.entries()) {
      await writeParquetDir(db, join(root, name, `in${i}`), input.schema, input.rows);
    }
    const out = compile(name, fixture, "duckdb", root);
    const result = await query(db, out.sql);
    expect(result.columns.map((c) => ({ name: c.name, type: logicalType(c.type) }))).toEqual(
      fixture.expected.schema,
    );
    const expected = fixture.expected.rows.map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, norm(v)])),
    );
    if (fixture.expected.ordered) expect(result.rows).toEqual(expected);
    else expect(sortRows(result.rows)).toEqual(sortRows(expected));

    // The write statement round-trips the same rows through Parquet.
    const outDir = join(root, name, "out");
    mkdirSync(outDir, { recursive: true });
    await db.conn.run(renderWriteParquet({ selectSql: out.sql, path: outDir, dialect: "duckdb" }));
    const back = await query(db, `SELECT count(*) AS n FROM read_parquet('${join(outDir, "*.parquet")}')`);
    expect(back.rows).toEqual([{ n: fixture.expected.rows.length }]);
  });
});

function norm(v: unknown): unknown {
  return typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v;
}
