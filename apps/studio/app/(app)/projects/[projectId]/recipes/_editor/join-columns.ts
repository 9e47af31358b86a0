import type { JoinComputedColumn, JoinOperator, JoinParams } from "@sous/contracts";
import type { Col } from "@/ui/columns.tsx";
import { isNumericType } from "@/ui/format.ts";
import { checkFormulaText } from "@/ui/formula-check.ts";

// What the join editor shows before the preview answers: the columns each side offers and the
// output the compiler will produce (packages/compiler/src/lower/join.ts decides; this mirrors it
// so pickers and names update as the user types).

export interface JoinSide {
  key: "left" | "right";
  name: string;
  columns: Col[];
}

export const JOIN_OPERATORS: { op: JoinOperator; label: string; help: string }[] = [
  { op: "equals", label: "=", help: "equal" },
  { op: "notEquals", label: "≠", help: "different (NULL is never different)" },
  { op: "lt", label: "<", help: "less than" },
  { op: "lte", label: "≤", help: "less than or equal" },
  { op: "gt", label: ">", help: "greater than" },
  { op: "gte", label: "≥", help: "greater than or equal" },
  { op: "contains", label: "contains", help: "the left text contains the right text (case-sensitive)" },
  {
    op: "startsWith",
    label: "starts with",
    help: "the left text starts with the right text (case-sensitive)",
  },
  { op: "withinDays", label: "within N days", help: "dates or timestamps at most N days apart" },
];

const TEMPORAL = new Set(["date", "timestamp"]);

/** Whether two column types can be compared at all (numbers widen, dates with timestamps). */
export function compatible(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || a === b) return true;
  if (isNumericType(a) && isNumericType(b)) return true;
  return TEMPORAL.has(a) && TEMPORAL.has(b);
}

/** Whether the compiler accepts this operator between these types (unknown types pass). */
export function operatorFits(op: JoinOperator, a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || a === "?" || b === "?") return true;
  switch (op) {
    case "equals":
    case "notEquals":
      return compatible(a, b);
    case "contains":
    case "startsWith":
      return a === "string" && b === "string";
    case "withinDays":
      return TEMPORAL.has(a) && TEMPORAL.has(b);
    default:
      return compatible(a, b) && a !== "boolean";
  }
}

/** The columns plus formula columns computed from them in order ("?" while a formula is wrong). */
export function withComputed(columns: Col[], computed: readonly JoinComputedColumn[]): Col[] {
  const out = [...columns];
  for (const c of computed) {
    if (!c.name.trim()) continue;
    out.push({ name: c.name, type: checkFormulaText(c.formula, out).type ?? "?" });
  }
  return out;
}

export interface OutputColumn {
  side: "left" | "right";
  column: string;
  type: string;
  /** Whether the column is in the output, and whether it would be without a choice. */
  kept: boolean;
  defaultKept: boolean;
  name: string;
  /** The name without a rename: the input's prefix and the column's name. */
  defaultName: string;
}

/** Every column of both sides with whether and how it appears in the output, in output order. */
export function joinColumns(params: JoinParams, left: Col[], right: Col[]): OutputColumn[] {
  const equalityRight = new Set(params.on.filter((c) => (c.op ?? "equals") === "equals").map((c) => c.right));
  const side = (key: "left" | "right", cols: Col[]): OutputColumn[] => {
    const choices = (key === "left" ? params.leftColumns : params.rightColumns) ?? [];
    const prefix = (key === "left" ? params.leftPrefix : params.rightPrefix) ?? "";
    return cols.map((c) => {
      const choice = choices.find((x) => x.column === c.name);
      const defaultKept = !(key === "right" && params.dropRightKeys && equalityRight.has(c.name));
      const defaultName = prefix + c.name;
      return {
        side: key,
        column: c.name,
        type: c.type,
        kept: choice ? choice.keep !== false : defaultKept,
        defaultKept,
        name: choice?.as || defaultName,
        defaultName,
      };
    });
  };
  return [...side("left", left), ...(params.type === "leftAnti" ? [] : side("right", right))];
}
