// The visual recipe kinds the studio can create and edit, in the order the "New recipe" menu
// lists them, with the words DSS users know them by.

export interface RecipeKindInfo {
  kind: string;
  label: string;
  /** One line for the menu: what the recipe does. */
  description: string;
  /** How many inputs it takes: [min, max]. */
  inputs: [number, number];
}

export const RECIPE_KINDS: RecipeKindInfo[] = [
  {
    kind: "prepare",
    label: "Prepare",
    description: "Clean and enrich with a script of steps",
    inputs: [1, 1],
  },
  { kind: "sync", label: "Sync", description: "Copy a dataset, keeping or renaming columns", inputs: [1, 1] },
  {
    kind: "filter",
    label: "Sample / Filter",
    description: "Keep rows matching rules, or a sample",
    inputs: [1, 1],
  },
  { kind: "group", label: "Group", description: "Aggregate rows by key columns", inputs: [1, 1] },
  { kind: "distinct", label: "Distinct", description: "Remove duplicate rows", inputs: [1, 1] },
  { kind: "join", label: "Join", description: "Match rows of two datasets on keys", inputs: [2, 2] },
  { kind: "window", label: "Window", description: "Ranks, lags and running totals", inputs: [1, 1] },
  { kind: "pivot", label: "Pivot", description: "Turn values of a column into columns", inputs: [1, 1] },
  { kind: "sort", label: "Sort", description: "Order rows by columns", inputs: [1, 1] },
  { kind: "topN", label: "Top N", description: "The first rows per group", inputs: [1, 1] },
  { kind: "stack", label: "Stack", description: "Append the rows of several datasets", inputs: [2, 32] },
  {
    kind: "split",
    label: "Split",
    description: "Send rows to several outputs by rules, values or at random",
    inputs: [1, 1],
  },
  { kind: "sql", label: "SQL", description: "Write one SparkSQL query over the inputs", inputs: [1, 32] },
];

const BY_KIND = new Map(RECIPE_KINDS.map((k) => [k.kind, k]));

export function recipeKindInfo(kind: string): RecipeKindInfo | undefined {
  return BY_KIND.get(kind);
}

export function recipeKindLabel(kind: string): string {
  return BY_KIND.get(kind)?.label ?? (kind === "prepare" ? "Prepare" : kind);
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
