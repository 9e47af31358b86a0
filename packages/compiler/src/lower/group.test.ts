import type { DatasetSchema, GroupAggregationFn } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { compileRecipe, inferOutputSchemas } from "../compile.ts";
import { CompileError } from "../errors.ts";
import type { CompileInput } from "../types.ts";

const schema: DatasetSchema = [
  { name: "s", type: "string" },
  { name: "i", type: "integer" },
  { name: "l", type: "bigint" },
  { name: "d", type: "double" },
  { name: "m", type: "decimal" },
  { name: "b", type: "boolean" },
  { name: "dt", type: "date" },
  { name: "ts", type: "timestamp" },
];
const inputs: CompileInput[] = [{ name: "t", schema, location: { format: "parquet", path: "/data/t" } }];

type Agg = { column: string; fn: GroupAggregationFn; as?: string };
const group = (keys: string[], aggregations: Agg[], globalCount = false) => ({
  kind: "group" as const,
  version: 1 as const,
  params: { keys, aggregations, globalCount },
});

function compileError(spec: unknown, ins: CompileInput[] = inputs): CompileError {
  try {
    compileRecipe({ spec: spec as never, inputs: ins, dialect: "duckdb" });
  } catch (e) {
    if (e instanceof CompileError) return e;
    throw e;
  }
  throw new Error("expected a CompileError");
}

describe("group output types follow Spark", () => {
  const typeOf = (column: string, fn: GroupAggregationFn) =>
    inferOutputSchemas({ spec: group([], [{ column, fn }]), inputs })[0]![0]!.type;

  it.each([
    ["i", "sum", "bigint"],
    ["l", "sum", "bigint"],
    ["d", "sum", "double"],
    ["m", "sum", "decimal"],
    ["i", "avg", "double"],
    ["m", "avg", "double"],
    ["dt", "min", "date"],
    ["s", "max", "string"],
    ["b", "max", "boolean"],
    ["ts", "first", "timestamp"],
    ["s", "count", "bigint"],
    ["s", "countDistinct", "bigint"],
    ["i", "stddev", "double"],
    ["l", "variance", "double"],
    ["d", "concat", "string"],
  ] as const)("%s %s -> %s", (column, fn, type) => expect(typeOf(column, fn)).toBe(type));

  it("puts keys first, then count, then aggregations named <column>_<fn> unless renamed", () => {
    const [out] = inferOutputSchemas({
      spec: group(
        ["s", "b"],
        [
          { column: "i", fn: "sum" },
          { column: "d", fn: "avg", as: "mean" },
        ],
        true,
      ),
      inputs,
    });
    expect(out!.map((c) => c.name)).toEqual(["s", "b", "count", "i_sum", "mean"]);
  });
});

describe("group errors say what to fix", () => {
  it("names an unknown column and suggests the near miss", () => {
    const e = compileError(group(["S"], []));
    expect(e.code).toBe("unknown_column");
    expect(e.message).toBe('Column "S" does not exist in input "t". Did you mean "s"?');
    expect(e.path).toEqual(["params", "keys", 0]);
  });

  it.each(["sum", "avg", "stddev", "variance"] as const)("rejects %s of a string column", (fn) => {
    const e = compileError(group([], [{ column: "s", fn }]));
    expect(e.code).toBe("invalid_column_type");
    expect(e.message).toContain('column "s" (string)');
    expect(e.path).toEqual(["params", "aggregations", 0, "fn"]);
  });

  it("rejects duplicate output names, ignoring case", () => {
    const e = compileError(group(["s"], [{ column: "i", fn: "sum", as: "S" }]));
    expect(e.code).toBe("duplicate_output_name");
    expect(e.message).toContain('"S" clashes with "s"');
    expect(e.path).toEqual(["params", "aggregations", 0, "as"]);
    expect(compileError(group([], [{ column: "i", fn: "max", as: "count" }], true)).code).toBe(
      "duplicate_output_name",
    );
  });

  it("rejects a group that produces nothing, a bad spec and a wrong input count", () => {
    expect(compileError(group([], [])).code).toBe("invalid_spec");
    const bad = compileError({
      kind: "group",
      version: 1,
      params: { keys: [], aggregations: [{ column: "i", fn: "median" }] },
    });
    expect(bad.code).toBe("invalid_spec");
    expect(bad.path).toEqual(["params", "aggregations", 0, "fn"]);
    expect(compileError(group(["s"], []), [...inputs, ...inputs]).code).toBe("wrong_input_count");
  });

  it("rejects an input schema with clashing column names", () => {
    const dup: CompileInput[] = [
      {
        ...inputs[0]!,
        schema: [
          { name: "A", type: "string" },
          { name: "a", type: "string" },
        ],
      },
    ];
    expect(compileError(group(["A"], []), dup).code).toBe("invalid_schema");
  });
});

describe("group steps, warnings, lineage", () => {
  it("reports one step per aggregation and where DuckDB only partly matches Spark", () => {
    const out = compileRecipe({
      spec: group(
        ["s"],
        [
          { column: "d", fn: "concat" },
          { column: "i", fn: "first" },
        ],
      ),
      inputs,
      dialect: "duckdb",
    });
    expect(out.steps).toEqual([
      { id: "group", engines: { spark: { level: "full" }, duckdb: { level: "full" } } },
      {
        id: "params.aggregations.0",
        engines: {
          spark: { level: "full" },
          duckdb: {
            level: "partial",
            condition: "doubles are printed differently from Spark (10000000000.0 instead of 1.0E10)",
          },
        },
      },
      { id: "params.aggregations.1", engines: { spark: { level: "full" }, duckdb: { level: "full" } } },
    ]);
    expect(out.blocking).toBeNull();
    expect(out.warnings).toEqual([
      'params.aggregations.1: first of "i" picks a row in no defined order; results can differ between runs and engines.',
      "params.aggregations.0: on duckdb, doubles are printed differently from Spark (10000000000.0 instead of 1.0E10)",
    ]);
  });

  it("traces each output column to its input columns", () => {
    const out = compileRecipe({
      spec: group(["s"], [{ column: "i", fn: "sum" }], true),
      inputs,
      dialect: "spark",
    });
    expect(out.lineage).toEqual([
      [
        { output: "s", from: [{ input: 0, column: "s" }] },
        { output: "count", from: [] },
        { output: "i_sum", from: [{ input: 0, column: "i" }] },
      ],
    ]);
  });

  it("renders an inline SQL for both dialects", () => {
    const spec = group(["s"], [{ column: "i", fn: "sum" }], true);
    expect(compileRecipe({ spec, inputs, dialect: "spark" }).sql).toMatchInlineSnapshot(`
      "SELECT \`s\`, count(*) AS \`count\`, try_sum(\`i\`) AS \`i_sum\`
      FROM parquet.\`/data/t\`
      GROUP BY \`s\`"
    `);
    expect(compileRecipe({ spec, inputs, dialect: "duckdb" }).sql).toMatchInlineSnapshot(`
      "SELECT "s", count(*) AS "count", TRY_CAST(sum("i") AS BIGINT) AS "i_sum"
      FROM read_parquet('/data/t/*.parquet')
      GROUP BY "s""
    `);
  });
});
