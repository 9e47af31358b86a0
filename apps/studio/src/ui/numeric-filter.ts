import { NUMBER_TEXT, type SampleFilter } from "@sous/contracts";

// The explore grid's filter box on a numeric column: `> 50`, `>= 1.5`, `< 0`, `<= 9`, `= 3` or a
// plain number, `10..20` (both ends included; `10..` and `..20` are open ranges). Bounds stay
// text, so a DECIMAL(38,9) or a BIGINT past 2^53 is compared exactly by the server.

export type NumericFilterParse = { filter: SampleFilter | null } | { error: string };

const OPS: Record<string, "eq" | "gt" | "gte" | "lt" | "lte"> = {
  "=": "eq",
  "==": "eq",
  ">": "gt",
  ">=": "gte",
  "<": "lt",
  "<=": "lte",
};
const SYMBOL = { eq: "=", gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;

export const NUMERIC_FILTER_HELP = "A number, > 50, >= 1.5, < 0, or a range 10..20";

/** Reads what the user typed in a numeric column's filter box; an empty box clears the filter. */
export function parseNumericFilter(column: string, text: string): NumericFilterParse {
  const t = text.trim();
  if (!t) return { filter: null };
  const range = /^(.*?)\s*\.\.\s*(.*)$/.exec(t);
  if (range && !NUMBER_TEXT.test(t)) {
    const lo = range[1]?.trim() ?? "";
    const hi = range[2]?.trim() ?? "";
    if (!lo && !hi) return { error: "A range needs a start or an end, e.g. 10..20" };
    for (const [end, v] of [
      ["start", lo],
      ["end", hi],
    ] as const)
      if (v && !NUMBER_TEXT.test(v)) return { error: `The range's ${end} "${v}" is not a number` };
    if (!lo) return { filter: { column, op: "lte", value: hi } };
    if (!hi) return { filter: { column, op: "gte", value: lo } };
    if (Number(lo) > Number(hi)) return { error: `The range starts after it ends: ${hi}..${lo}?` };
    return { filter: { column, op: "between", value: lo, to: hi } };
  }
  const m = /^(==|>=|<=|=|>|<)?\s*(.*)$/.exec(t);
  const sym = m?.[1];
  const num = m?.[2] ?? "";
  if (!num) return { error: `${sym} what? Add a number, e.g. ${sym} 50` };
  if (!NUMBER_TEXT.test(num)) return { error: `"${num}" is not a number. ${NUMERIC_FILTER_HELP}` };
  return { filter: { column, op: sym ? (OPS[sym] ?? "eq") : "eq", value: num } };
}

/** A numeric filter as the user would type it (what the filter box shows again); null for others. */
export function numericFilterText(f: SampleFilter): string | null {
  if (f.op === "between") return `${f.value}..${f.to}`;
  if (f.op === "eq") return f.value ?? "";
  if (f.op in SYMBOL) return `${SYMBOL[f.op as keyof typeof SYMBOL]} ${f.value}`;
  return null;
}
