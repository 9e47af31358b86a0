// The studio's one table of recipe kinds: every kind of the contract (RecipeKind) has an entry,
// so a kind added to @sous/contracts without its studio entry fails the typecheck here. The
// tables that hold React (icons in recipe-icons.tsx, editor forms in recipe-editor.tsx, starting
// params in defaults.ts) live beside their components and are `Record<RecipeKind, ...>` too.
import type { RecipeKind } from "@sous/contracts";

export interface RecipeKindEntry {
  /** The word DSS users know it by. */
  label: string;
  /** One line for the "New recipe" menu: what the recipe does. */
  description: string;
  /** How many inputs it takes: [min, max]. */
  inputs: readonly [number, number];
  /** A new recipe's output is named `<first input>_<suffix>` (a split names each output itself). */
  outputSuffix: string;
}

export type RecipeKindRegistry = Record<RecipeKind, RecipeKindEntry>;

/** In the order the "New recipe" menu lists them. */
export const RECIPE_KIND_REGISTRY: RecipeKindRegistry = {
  prepare: {
    label: "Prepare",
    description: "Clean and enrich with a script of steps",
    inputs: [1, 1],
    outputSuffix: "prepared",
  },
  sync: {
    label: "Sync",
    description: "Copy a dataset, keeping or renaming columns",
    inputs: [1, 1],
    outputSuffix: "copy",
  },
  filter: {
    label: "Sample / Filter",
    description: "Keep rows matching rules, or a sample",
    inputs: [1, 1],
    outputSuffix: "filtered",
  },
  group: {
    label: "Group",
    description: "Aggregate rows by key columns",
    inputs: [1, 1],
    outputSuffix: "grouped",
  },
  distinct: {
    label: "Distinct",
    description: "Remove duplicate rows",
    inputs: [1, 1],
    outputSuffix: "distinct",
  },
  join: {
    label: "Join",
    description: "Match rows of two datasets on keys",
    inputs: [2, 2],
    outputSuffix: "joined",
  },
  window: {
    label: "Window",
    description: "Ranks, lags and running totals",
    inputs: [1, 1],
    outputSuffix: "windowed",
  },
  pivot: {
    label: "Pivot",
    description: "Turn values of a column into columns",
    inputs: [1, 1],
    outputSuffix: "pivoted",
  },
  sort: { label: "Sort", description: "Order rows by columns", inputs: [1, 1], outputSuffix: "sorted" },
  topN: { label: "Top N", description: "The first rows per group", inputs: [1, 1], outputSuffix: "top" },
  stack: {
    label: "Stack",
    description: "Append the rows of several datasets",
    inputs: [2, 32],
    outputSuffix: "stacked",
  },
  split: {
    label: "Split",
    description: "Send rows to several outputs by rules, values or at random",
    inputs: [1, 1],
    outputSuffix: "out",
  },
  sql: {
    label: "SQL",
    description: "Write one SparkSQL query over the inputs",
    inputs: [1, 32],
    outputSuffix: "sql",
  },
  score: {
    label: "Score",
    description: "Predict with a saved model (in SQL, on either engine)",
    inputs: [1, 1],
    outputSuffix: "scored",
  },
  evaluate: {
    label: "Evaluate",
    description: "Score labelled rows with a saved model and measure it (one row of metrics per run)",
    inputs: [1, 1],
    outputSuffix: "evaluated",
  },
};

export type RecipeKindInfo = RecipeKindEntry & { kind: RecipeKind };

/** The registry as a list, in menu order. */
export const RECIPE_KINDS: readonly RecipeKindInfo[] = Object.entries(RECIPE_KIND_REGISTRY).map(
  ([kind, entry]) => ({ kind: kind as RecipeKind, ...entry }),
);

/** Kinds come in as text (a URL's ?kind=, a stored recipe); anything else is not a kind. */
export function isRecipeKind(kind: string): kind is RecipeKind {
  return Object.hasOwn(RECIPE_KIND_REGISTRY, kind);
}

export function recipeKindInfo(kind: string): RecipeKindInfo | undefined {
  return isRecipeKind(kind) ? { kind, ...RECIPE_KIND_REGISTRY[kind] } : undefined;
}

export function recipeKindLabel(kind: string): string {
  return isRecipeKind(kind) ? RECIPE_KIND_REGISTRY[kind].label : kind;
}

/** Dataset and recipe names accept letters, digits, space, _ - . (ObjectNameSchema); make any text fit. */
export function toObjectName(raw: string): string {
  const s = raw
    .replace(/[^\p{L}\p{N} _.-]+/gu, "_")
    .replace(/_+/g, "_")
    .replace(/^[^\p{L}\p{N}_]+/u, "")
    .trim()
    .slice(0, 120);
  return s || "dataset";
}

/** `base`, or `base_2`, `base_3`... whichever is free. */
export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}
