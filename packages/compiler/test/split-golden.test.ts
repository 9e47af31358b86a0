import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { DatasetSchema } from "@sous/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CompileInput,
  compilePipeline,
  compileRecipe,
  type Dialect,
  renderWriteParquet,
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
 * Split golden fixtures (`fixtures/split/*.recipe.json`): a spec, seeded rows and, per output,
 * the rows Spark would write (by hand, or from the md5 definition for random splits). For each:
 * one SELECT per output (`sqlPerOutput`), snapshots, Spark syntax, DuckDB rows per output.
 */
interface Fixture {
  description: string;
  spec: unknown;
  inputs: { name: string; schema: DatasetSchema; rows: Row[] }[];
  expected: { outputs: { schema: DatasetSchema; rows: Row[] }[] };
}

const dir = join(import.meta.dirname, "fixtures", "split");
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith(".recipe.json"))
  .sort()
  .map((f) => ({
    name: f.replace(/\.recipe\.json$/, ""),
    fixture: JSON.parse(readFileSync(join(dir, f), "utf8")) as Fixture,
  }));

const ROOT: Record<Dialect, string> = { spark: "dbfs:/mnt/sous/fixtures", duckdb: "/data/fixtures" };
const inputsFor = (name: string, f: Fixture, root: string): CompileInput[] =>
  f.inputs.map((input, i) => ({
    name: input.name,
    schema: input.schema,
    location: { format: "parquet", path: `${root}/${name}/in${i}` },
  }));
const compile = (name: string, f: Fixture, dialect: Dialect, root = ROOT[dialect]) =>
  compileRecipe({ spec: f.spec as never, inputs: inputsFor(name, f, root), dialect });

let db: Db;
beforeAll(async () => {
  db = await openDb();
});
afterAll(() => db.close());

describe.each(fixtures)("split fixture $name", ({ name, fixture }) => {
  it("renders one Spark SELECT per output, each accepted by dt-sql-parser", async () => {
    const out = compile(name, fixture, "spark");
    expect(out.blocking).toBeNull();
    expect(out.sqlPerOutput).toHaveLength(fixture.expected.outputs.length);
    expect(out.sql).toBe(out.sqlPerOutput![0]);
    await expect(`${out.sqlPerOutput!.join("\n;\n")}\n`).toMatchFileSnapshot(
      `./__snapshots__/split/${name}.spark.sql`,
    );
    for (const sql of out.sqlPerOutput!) {
      expect(sparkSyntaxErrors(sql)).toEqual([]);
      expect(
        sparkSyntaxErrors(renderWriteParquet({ selectSql: sql, path: "dbfs:/mnt/o", dialect: "spark" })),
      ).toEqual([]);
    }
  });

  it("snapshots the DuckDB SQL and computes every output schema without running", async () => {
    const out = compile(name, fixture, "duckdb");
    await expect(`${out.sqlPerOutput!.join("\n;\n")}\n`).toMatchFileSnapshot(
      `./__snapshots__/split/${name}.duckdb.sql`,
    );
    expect(out.outputSchemas).toEqual(fixture.expected.outputs.map((o) => o.schema));
    expect(out.lineage).toHaveLength(fixture.expected.outputs.length);
  });

  it("writes Spark's rows to each output when run on DuckDB", async () => {
    const root = join(db.dir, "split");
    for (const [i, input] of fixture.inputs.entries()) {
      await writeParquetDir(db, join(root, name, `in${i}`), input.schema, input.rows);
    }
    const out = compile(name, fixture, "duckdb", root);
    for (const [k, expected] of fixture.expected.outputs.entries()) {
      const result = await query(db, out.sqlPerOutput![k]!);
      expect(result.columns.map((c) => ({ name: c.name, type: logicalType(c.type) }))).toEqual(
        expected.schema,
      );
      expect(sortRows(result.rows)).toEqual(sortRows(expected.rows));
    }
  });
});

describe("split in a pipeline", () => {
  const f = fixtures.find((x) => x.name === "split-values")!.fixture;
  const input = inputsFor("p", f, "/data/p")[0]!;
  const split = { name: "parts", spec: f.spec as never, inputs: [input] };

  it("may end a pipeline: one SELECT per output, merged with what precedes it", () => {
    const out = compilePipeline({
      steps: [
        { name: "all", spec: { kind: "sync", version: 1, params: {} }, inputs: [input] },
        { ...split, inputs: [{ step: 0 }] },
      ],
      dialect: "duckdb",
    });
    expect(out.sqlPerOutput).toHaveLength(3);
    expect(out.outputSchemas).toHaveLength(3);
    expect(out.lineage).toHaveLength(3);
  });

  it("cannot merge with what follows", () => {
    expect(() =>
      compilePipeline({
        steps: [
          split,
          { name: "next", spec: { kind: "sync", version: 1, params: {} }, inputs: [{ step: 0 }] },
        ],
        dialect: "duckdb",
      }),
    ).toThrow(/must end the pipeline/);
  });
});
