import type { DatasetSchema } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { compileRecipe } from "../compile.ts";
import type { CompileInput } from "../types.ts";

const a: DatasetSchema = [
  { name: "k1", type: "integer" },
  { name: "k2", type: "date" },
  { name: "v", type: "string" },
];
const b: DatasetSchema = [
  { name: "k1", type: "double" },
  { name: "k2", type: "timestamp" },
  { name: "v", type: "integer" },
];
const inputs: CompileInput[] = [
  { name: "a", schema: a, location: { format: "parquet", path: "/d/a" } },
  { name: "b", schema: b, location: { format: "parquet", path: "/d/b" } },
];
const compile = (params: unknown, dialect: "spark" | "duckdb" = "spark") =>
  compileRecipe({ spec: { kind: "join", params } as never, inputs, dialect });

describe("join", () => {
  it("matches several column pairs with AND, widening numbers and dates", () => {
    const out = compile({
      type: "inner",
      on: [
        { left: "k1", right: "k1" },
        { left: "k2", right: "k2" },
      ],
      rightPrefix: "b_",
    });
    expect(out.sql).toMatchInlineSnapshot(`
      "SELECT \`_l\`.\`k1\` AS \`k1\`, \`_l\`.\`k2\` AS \`k2\`, \`_l\`.\`v\` AS \`v\`, \`_r\`.\`v\` AS \`b_v\`
      FROM parquet.\`/d/a\` AS \`_l\`
      INNER JOIN parquet.\`/d/b\` AS \`_r\` ON ((\`_l\`.\`k1\` = \`_r\`.\`k1\`) AND (\`_l\`.\`k2\` = \`_r\`.\`k2\`))"
    `);
  });

  it.each([
    [{ type: "inner", on: [{ left: "v", right: "v" }] }, "invalid_column_type", ["params", "on", 0]],
    [{ type: "cross", on: [{ left: "k1", right: "k1" }] }, "invalid_spec", ["params", "on"]],
    [{ type: "left", on: [] }, "invalid_spec", ["params", "on"]],
    [{ type: "left", on: [{ left: "k1", right: "nope" }] }, "unknown_column", ["params", "on", 0, "right"]],
    [
      { type: "inner", on: [{ left: "k1", right: "k1" }] },
      "duplicate_output_name",
      ["params", "rightPrefix"],
    ],
  ])("rejects %j", (params, code, path) => {
    expect(() => compile(params)).toThrow(expect.objectContaining({ code, path }));
  });

  it("suggests a prefix when names clash", () => {
    expect(() => compile({ type: "inner", on: [{ left: "k1", right: "k1" }] })).toThrow(
      /Set a left or right prefix/,
    );
  });

  it("needs exactly two inputs", () => {
    expect(() =>
      compileRecipe({
        spec: { kind: "join", params: { type: "cross" } } as never,
        inputs: [inputs[0]!],
        dialect: "duckdb",
      }),
    ).toThrow(expect.objectContaining({ code: "wrong_input_count" }));
  });
});

describe("join conditions with operators", () => {
  const people: DatasetSchema = [
    { name: "name", type: "string" },
    { name: "born", type: "date" },
    { name: "score", type: "double" },
    { name: "ok", type: "boolean" },
  ];
  const tags: DatasetSchema = [
    { name: "tag", type: "string" },
    { name: "since", type: "date" },
    { name: "at", type: "timestamp" },
    { name: "min", type: "integer" },
    { name: "flag", type: "boolean" },
  ];
  const two: CompileInput[] = [
    { name: "people", schema: people, location: { format: "parquet", path: "/d/p" } },
    { name: "tags", schema: tags, location: { format: "parquet", path: "/d/t" } },
  ];
  const run = (params: unknown, dialect: "spark" | "duckdb" = "spark") =>
    compileRecipe({ spec: { kind: "join", params } as never, inputs: two, dialect });
  const onOf = (sql: string) => sql.slice(sql.indexOf(" ON ") + 4);

  it.each([
    ["notEquals", "(`_l`.`score` <> `_r`.`min`)", '("_l"."score" <> "_r"."min")'],
    ["lt", "(`_l`.`score` < `_r`.`min`)", '("_l"."score" < "_r"."min")'],
    ["lte", "(`_l`.`score` <= `_r`.`min`)", '("_l"."score" <= "_r"."min")'],
    ["gt", "(`_l`.`score` > `_r`.`min`)", '("_l"."score" > "_r"."min")'],
    ["gte", "(`_l`.`score` >= `_r`.`min`)", '("_l"."score" >= "_r"."min")'],
  ])("compiles %s to the same comparison on both engines", (op, spark, duckdb) => {
    const params = { type: "inner", on: [{ left: "score", op, right: "min" }] };
    expect(onOf(run(params).sql)).toBe(spark);
    expect(onOf(run(params, "duckdb").sql)).toBe(duckdb);
  });

  it("compiles contains and starts with with each engine's function (left contains right)", () => {
    const params = {
      type: "left",
      on: [
        { left: "name", op: "contains", right: "tag" },
        { left: "name", op: "startsWith", right: "tag" },
      ],
    };
    expect(onOf(run(params).sql)).toBe(
      "(contains(`_l`.`name`, `_r`.`tag`) AND startswith(`_l`.`name`, `_r`.`tag`))",
    );
    expect(onOf(run(params, "duckdb").sql)).toBe(
      '(contains("_l"."name", "_r"."tag") AND starts_with("_l"."name", "_r"."tag"))',
    );
  });

  it("compiles a directed date window as one condition: right <= left <= right + N days", () => {
    const params = {
      type: "inner",
      on: [{ left: "born", op: "withinDays", right: "since", days: 90, direction: "after" }],
    };
    expect(onOf(run(params).sql)).toBe(
      "((`_l`.`born` >= `_r`.`since`) AND (`_l`.`born` <= date_add(`_r`.`since`, 90)))",
    );
    expect(onOf(run(params, "duckdb").sql)).toBe(
      '(("_l"."born" >= "_r"."since") AND ("_l"."born" <= date_add("_r"."since", 90)))',
    );
    const before = {
      type: "inner",
      on: [{ left: "born", op: "withinDays", right: "since", days: 7, direction: "before" }],
    };
    expect(onOf(run(before).sql)).toBe(
      "((`_l`.`born` >= date_add(`_r`.`since`, -7)) AND (`_l`.`born` <= `_r`.`since`))",
    );
  });

  it("windows a date against a timestamp in hours, the date read as a timestamp", () => {
    const params = { type: "inner", on: [{ left: "born", op: "withinDays", right: "at", days: 2 }] };
    expect(onOf(run(params).sql)).toBe(
      "((CAST(`_l`.`born` AS TIMESTAMP) >= (`_r`.`at` + make_interval(0, 0, 0, 0, -48, 0, 0))) AND (CAST(`_l`.`born` AS TIMESTAMP) <= (`_r`.`at` + make_interval(0, 0, 0, 0, 48, 0, 0))))",
    );
    expect(onOf(run(params, "duckdb").sql)).toBe(
      '((CAST("_l"."born" AS TIMESTAMP) >= ("_r"."at" + to_hours(-48))) AND (CAST("_l"."born" AS TIMESTAMP) <= ("_r"."at" + to_hours(48))))',
    );
  });

  it("reports each non-equality condition as a step both engines run fully, and warns of nested loops", () => {
    const out = run({
      type: "inner",
      on: [
        { left: "name", op: "contains", right: "tag" },
        { left: "born", op: "withinDays", right: "since", days: 1 },
      ],
    });
    expect(out.steps.map((s) => [s.id, s.engines.spark.level, s.engines.duckdb.level])).toEqual([
      ["join", "full", "full"],
      ["params.on.0", "full", "full"],
      ["params.on.1", "full", "full"],
    ]);
    expect(out.warnings).toEqual([expect.stringMatching(/nested loop/)]);
    // With an equality, both engines hash-join on it and check the rest per pair: no warning.
    const hashed = run({
      type: "inner",
      on: [
        { left: "name", right: "tag" },
        { left: "score", op: "lt", right: "min" },
      ],
    });
    expect(hashed.warnings).toEqual([]);
  });

  it.each([
    [{ left: "score", op: "contains", right: "tag" }, /needs two text columns; "score" is a double/],
    [{ left: "name", op: "withinDays", right: "since", days: 3 }, /needs two date or timestamp columns/],
    [{ left: "ok", op: "lt", right: "flag" }, /columns that can be ordered/],
    [{ left: "name", op: "gt", right: "min" }, /Cannot match "name" \(string\) with "min" \(integer\)/],
  ])("refuses %j", (condition, message) => {
    expect(() => run({ type: "inner", on: [condition] })).toThrow(
      expect.objectContaining({ code: "invalid_column_type", message: expect.stringMatching(message) }),
    );
  });

  it("validates operator fields in the stored JSON", () => {
    expect(() => run({ type: "inner", on: [{ left: "born", op: "withinDays", right: "since" }] })).toThrow(
      /days/,
    );
    expect(() => run({ type: "inner", on: [{ left: "score", op: "lt", right: "min", days: 3 }] })).toThrow(
      /only apply to withinDays/,
    );
  });
});

describe("join output columns, computed columns and post-join filter", () => {
  const compileJoin = (params: unknown, dialect: "spark" | "duckdb" = "spark") =>
    compileRecipe({ spec: { kind: "join", params } as never, inputs, dialect });

  it("keeps, drops, renames and prefixes each input's columns", () => {
    const out = compileJoin({
      type: "left",
      on: [{ left: "k1", right: "k1" }],
      leftColumns: [
        { column: "k2", keep: false },
        { column: "v", as: "label" },
      ],
      rightColumns: [{ column: "k2", as: "when" }],
      rightPrefix: "b_",
    });
    expect(out.outputSchemas[0]?.map((c) => c.name)).toEqual(["k1", "label", "when", "b_v"]);
  });

  it("names both columns when two outputs would share a name, at compile time", () => {
    expect(() =>
      compileJoin({
        type: "inner",
        on: [{ left: "k1", right: "k1" }],
        leftColumns: [{ column: "v", as: "total" }],
        rightColumns: [
          { column: "v", as: "TOTAL" },
          { column: "k2", keep: false },
        ],
      }),
    ).toThrow(
      expect.objectContaining({
        code: "duplicate_output_name",
        path: ["params", "rightColumns", 0, "as"],
        message: expect.stringMatching(/"total" \/ "TOTAL" would come from both a\.v and b\.v/),
      }),
    );
  });

  it("lets a kept right key back in when dropRightKeys would drop it", () => {
    const out = compileJoin({
      type: "inner",
      on: [{ left: "k1", right: "k1" }],
      rightPrefix: "b_",
      rightColumns: [{ column: "k1", keep: true }],
    });
    expect(out.outputSchemas[0]?.map((c) => c.name)).toEqual(["k1", "k2", "v", "b_k1", "b_k2", "b_v"]);
  });

  it("refuses choices naming unknown columns or the same column twice", () => {
    expect(() =>
      compileJoin({
        type: "inner",
        on: [{ left: "k1", right: "k1" }],
        rightPrefix: "b_",
        leftColumns: [{ column: "nope" }],
      }),
    ).toThrow(
      expect.objectContaining({ code: "unknown_column", path: ["params", "leftColumns", 0, "column"] }),
    );
    expect(() =>
      compileJoin({
        type: "inner",
        on: [{ left: "k1", right: "k1" }],
        rightPrefix: "b_",
        leftColumns: [{ column: "v" }, { column: "v", keep: false }],
      }),
    ).toThrow(expect.objectContaining({ code: "invalid_spec", path: ["params", "leftColumns", 1] }));
  });

  it("inlines columns computed before the join into the ON clause and the output, in one SELECT", () => {
    const out = compileJoin({
      type: "inner",
      on: [{ left: "key", right: "key" }],
      leftComputed: [{ name: "key", formula: "upper(v)" }],
      rightComputed: [
        { name: "key", formula: "toString(v)" },
        { name: "key2", formula: 'concat(key, "!")' },
      ],
      rightPrefix: "b_",
    });
    expect(out.sql).not.toMatch(/WITH/);
    expect(out.sql).toMatch(/ON \(upper\(`_l`\.`v`\) = CAST\(`_r`\.`v` AS STRING\)\)/);
    expect(out.outputSchemas[0]?.map((c) => c.name)).toEqual([
      "k1",
      "k2",
      "v",
      "key",
      "b_k1",
      "b_k2",
      "b_v",
      "b_key2",
    ]);
    const lineage = Object.fromEntries(out.lineage[0]!.map((l) => [l.output, l.from]));
    expect(lineage.b_key2).toEqual([{ input: 1, column: "v" }]);
    expect(out.steps.map((s) => s.id)).toEqual([
      "join",
      "params.leftComputed.0",
      "params.rightComputed.0",
      "params.rightComputed.1",
    ]);
  });

  it("adds columns computed after the join over the output names, then filters on them", () => {
    const out = compileJoin({
      type: "inner",
      on: [{ left: "k1", right: "k1" }],
      rightColumns: [
        { column: "v", as: "qty" },
        { column: "k2", keep: false },
      ],
      computed: [{ name: "double_qty", formula: "qty * 2" }],
      postFilter: {
        combine: "or",
        rules: [
          { column: "double_qty", op: "gt", value: 10 },
          { kind: "formula", formula: "isNull(v)" },
        ],
      },
    });
    expect(out.outputSchemas[0]).toEqual([
      { name: "k1", type: "integer" },
      { name: "k2", type: "date" },
      { name: "v", type: "string" },
      { name: "qty", type: "integer" },
      { name: "double_qty", type: "integer" },
    ]);
    expect(out.sql).toContain("try_multiply(`_r`.`v`, 2) AS `double_qty`");
    expect(out.sql).toMatch(/WHERE \(\(`double_qty` > 10\) OR \(`v` IS NULL\)\)/);
    expect(out.steps.map((s) => s.id)).toEqual([
      "join",
      "params.computed.0",
      "params.postFilter.rules.0",
      "params.postFilter.rules.1",
    ]);
  });

  it("refuses a computed column that clashes with a column of its input or of the output", () => {
    expect(() =>
      compileJoin({ type: "cross", rightPrefix: "b_", leftComputed: [{ name: "V", formula: "k1 + 1" }] }),
    ).toThrow(
      expect.objectContaining({ code: "duplicate_output_name", path: ["params", "leftComputed", 0, "name"] }),
    );
    expect(() =>
      compileJoin({ type: "cross", rightPrefix: "b_", computed: [{ name: "b_v", formula: "k1 + 1" }] }),
    ).toThrow(
      expect.objectContaining({
        code: "duplicate_output_name",
        message: expect.stringMatching(/both b\.v and computed column "b_v"/),
      }),
    );
  });

  it("points a formula error at the computed column", () => {
    expect(() =>
      compileJoin({ type: "cross", rightPrefix: "b_", computed: [{ name: "x", formula: "nope + 1" }] }),
    ).toThrow(
      expect.objectContaining({ code: "invalid_formula", path: ["params", "computed", 0, "formula"] }),
    );
  });
});
