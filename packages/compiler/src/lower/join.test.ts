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
