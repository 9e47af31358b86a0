// A small orders dataset and a chain of five recipes over it, shared by the remote-engine tests
// and bench/databricks.ts. Every construct is in the subset the emulator runs (plain SQL).
import { type CompiledRecipe, compilePipeline, compileRecipe, type PipelineStep } from "@sous/compiler";
import type { DatasetSchema, RecipeSpec } from "@sous/contracts";

export const ORDERS_SCHEMA: DatasetSchema = [
  { name: "region", type: "string" },
  { name: "product", type: "string" },
  { name: "qty", type: "integer" },
  { name: "price", type: "double" },
];

/** DuckDB SQL producing the orders rows (n of them, deterministic). */
export const ordersSelect = (n = 200) => `
  SELECT ['north','south','east','west'][1 + (i % 4)] AS region,
         'p' || CAST(i % 7 AS VARCHAR) AS product,
         CAST((i * 7919) % 11 - 2 AS INTEGER) AS qty,
         CAST(((i * 104729) % 1000) / 10.0 AS DOUBLE) AS price
  FROM range(0, ${n}) AS t(i)`;

/**
 * Minutes of work on Spark (a 4e10-row cross join) that only a cancel ends early; no range():
 * the emulator refuses table-valued functions, as Sous' own checker does.
 */
export const LONG_RUNNING_SQL =
  "SELECT count(*) AS n FROM (SELECT explode(sequence(1, 200000)) AS a) CROSS JOIN (SELECT explode(sequence(1, 200000)) AS b) WHERE (a + b) % 7 = 3";

export const CHAIN: { name: string; spec: RecipeSpec }[] = [
  {
    name: "positive",
    spec: {
      kind: "filter",
      version: 1,
      params: { filter: { combine: "and", rules: [{ column: "qty", op: "gt", value: 0 }] } },
    } as RecipeSpec,
  },
  {
    name: "by_region",
    spec: {
      kind: "group",
      version: 1,
      params: {
        keys: ["region", "product"],
        aggregations: [
          { column: "qty", fn: "sum", as: "qty_total" },
          { column: "price", fn: "max", as: "price_max" },
        ],
      },
    } as RecipeSpec,
  },
  {
    name: "renamed",
    spec: {
      kind: "sync",
      version: 1,
      params: {
        columns: [
          { column: "region", as: "area" },
          { column: "product" },
          { column: "qty_total" },
          { column: "price_max" },
        ],
      },
    } as RecipeSpec,
  },
  {
    name: "big",
    spec: {
      kind: "filter",
      version: 1,
      params: { filter: { combine: "and", rules: [{ column: "qty_total", op: "gt", value: 20 }] } },
    } as RecipeSpec,
  },
  {
    name: "ranked",
    spec: {
      kind: "sort",
      version: 1,
      params: {
        keys: [{ column: "qty_total", direction: "desc" }, { column: "area" }, { column: "product" }],
      },
    } as RecipeSpec,
  },
];

/** The first `count` recipes as ONE statement reading `inputPath`. */
export function compileChain(
  dialect: "spark" | "duckdb",
  inputPath: string,
  count = CHAIN.length,
): CompiledRecipe {
  const steps: PipelineStep[] = CHAIN.slice(0, count).map((r, i) => ({
    name: r.name,
    spec: r.spec,
    inputs: [
      i === 0
        ? { name: "orders", schema: ORDERS_SCHEMA, location: { format: "parquet", path: inputPath } }
        : { step: i - 1 },
    ],
  }));
  return compilePipeline({ steps, dialect });
}

/** Recipe `i` alone, reading `inputPath` with the schema the previous recipe produced. */
export function compileOne(dialect: "spark" | "duckdb", i: number, inputPath: string, schema: DatasetSchema) {
  const r = CHAIN[i];
  if (!r) throw new Error(`no recipe ${i}`);
  return compileRecipe({
    spec: r.spec,
    dialect,
    inputs: [
      {
        name: i === 0 ? "orders" : (CHAIN[i - 1]?.name ?? "in"),
        schema,
        location: { format: "parquet", path: inputPath },
      },
    ],
  });
}
