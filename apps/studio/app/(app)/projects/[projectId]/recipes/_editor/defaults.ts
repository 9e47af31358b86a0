import type { RecipeKind } from "@sous/contracts";
import type { Col } from "@/ui/columns.tsx";
import { isNumericType } from "@/ui/format.ts";
import { isRecipeKind } from "@/ui/recipe-kinds.ts";
import { defaultSplitParams } from "./form-split.tsx";

interface Start {
  first: string;
  numeric: Col | undefined;
  text: Col | undefined;
  cols: Col[];
  inputs: Col[][];
}

// Keyed by RecipeKind like the registry (ui/recipe-kinds.ts): a kind without its starting
// params fails the typecheck instead of starting from {}.
const DEFAULTS: Record<RecipeKind, (s: Start) => Record<string, unknown>> = {
  sync: () => ({}),
  prepare: () => ({ steps: [] }),
  filter: () => ({ sampling: { method: "all" } }),
  group: ({ numeric, text }) => ({
    keys: text && numeric ? [text.name] : [],
    aggregations: numeric ? [{ column: numeric.name, fn: "sum" }] : [],
    globalCount: true,
  }),
  distinct: () => ({ duplicateCount: false }),
  join: ({ cols, inputs }) => ({
    type: "left",
    on: suggestJoinKeys(cols, inputs[1] ?? []),
    dropRightKeys: true,
  }),
  window: ({ first }) => ({
    partitionBy: [],
    orderBy: first ? [{ column: first, direction: "asc" }] : [],
    aggregations: [{ fn: "rowNumber", as: "row_number" }],
  }),
  pivot: ({ first, text }) => ({
    keys: [],
    pivotColumn: text?.name ?? first,
    aggregations: [{ fn: "count" }],
  }),
  sort: ({ first }) => ({ keys: first ? [{ column: first, direction: "asc" }] : [] }),
  topN: ({ first, numeric }) => ({
    partitionBy: [],
    orderBy: [{ column: numeric?.name ?? first, direction: "desc" }],
    n: 10,
    ranking: "rowNumber",
  }),
  stack: () => ({ mode: "byName", columns: "union" }),
  split: ({ cols }) => defaultSplitParams(cols),
  // The editor starts a SQL recipe from its inputs' names (defaultSqlParams), not their columns.
  sql: () => ({}),
  // The form picks the saved model (the one the Flow's "Score a dataset" names, else the first).
  score: () => ({ savedModelId: "" }),
  // The label starts on the last column (where a target usually sits); the form picks another.
  evaluate: ({ cols }) => ({ savedModelId: "", labelColumn: cols[cols.length - 1]?.name ?? "" }),
};

/**
 * Settings a new recipe starts from: valid as they are where the kind allows it, and a good
 * guess otherwise (sort by the first column, sum the first number...), so the preview shows
 * something at once.
 */
export function defaultParams(kind: string, inputs: Col[][]): Record<string, unknown> {
  if (!isRecipeKind(kind)) return {};
  const cols = inputs[0] ?? [];
  return DEFAULTS[kind]({
    first: cols[0]?.name ?? "",
    numeric: cols.find((c) => isNumericType(c.type)),
    text: cols.find((c) => c.type === "string") ?? cols[0],
    cols,
    inputs,
  });
}

/** Pairs of columns with the same name (case-insensitive), as DSS suggests join conditions. */
export function suggestJoinKeys(left: Col[], right: Col[]): { left: string; right: string }[] {
  const byName = new Map(right.map((c) => [c.name.toLowerCase(), c.name]));
  const pairs: { left: string; right: string }[] = [];
  for (const c of left) {
    const r = byName.get(c.name.toLowerCase());
    if (r) pairs.push({ left: c.name, right: r });
  }
  // An "id" column shared by name is the likeliest key; else every shared name is a guess too many.
  const id = pairs.find((p) => /(^|_)id$/i.test(p.left));
  return id ? [id] : pairs.slice(0, 1);
}

/** A SparkSQL identifier in backticks (dataset names may hold spaces, dots, dashes). */
const sqlIdent = (name: string) => `\`${name.replaceAll("`", "``")}\``;

/** A new SQL recipe reads its first input; the others are named in a comment to start from. */
export function defaultSqlParams(inputNames: string[]): { sql: string } {
  const [first, ...rest] = inputNames.filter(Boolean);
  if (!first) return { sql: "SELECT 1 AS one" };
  const others = rest.length ? `\n-- Other inputs: ${rest.map(sqlIdent).join(", ")}` : "";
  return { sql: `SELECT *\nFROM ${sqlIdent(first)}${others}` };
}
