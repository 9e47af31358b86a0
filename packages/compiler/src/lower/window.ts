import type { ColumnType, WindowAggregation, WindowFnName } from "@sous/contracts";
import { CompileError } from "../errors.ts";
import { cast, col, type Expr, type SortKey, type WindowFn, type WindowFrame, windowFn } from "../ir/expr.ts";
import { type DerivedColumn, derived, type Rel, window } from "../ir/rel.ts";
import { assertUniqueNames, resolveColumn } from "../validate/columns.ts";
import { requireInputCount } from "../validate/inputs.ts";
import { inputLabel, type LowerContext, type Lowerer } from "./context.ts";
import { literalFor } from "./literals.ts";
import { lowerSortKeys } from "./sort-keys.ts";

type Path = (string | number)[];
const NUMERIC: ReadonlySet<ColumnType> = new Set(["integer", "bigint", "double", "decimal"]);

interface FnRule {
  ir: WindowFn;
  /** Ranking and offset functions: Spark requires ORDER BY and rejects an explicit frame. */
  ordered: boolean;
  column: "none" | "required" | "optional";
  numeric?: boolean;
  /** Spark's result type. */
  type: (input: ColumnType | null) => ColumnType;
  frame?: WindowFrame;
}

const RULES: Record<WindowFnName, FnRule> = {
  rowNumber: { ir: "row_number", ordered: true, column: "none", type: () => "integer" },
  rank: { ir: "rank", ordered: true, column: "none", type: () => "integer" },
  denseRank: { ir: "dense_rank", ordered: true, column: "none", type: () => "integer" },
  lag: { ir: "lag", ordered: true, column: "required", type: (t) => t! },
  lead: { ir: "lead", ordered: true, column: "required", type: (t) => t! },
  sum: { ir: "sum", ordered: false, column: "required", numeric: true, type: sumType },
  // Row-based so that rows tied on the order keys still get a running total each.
  cumulativeSum: {
    ir: "sum",
    ordered: true,
    column: "required",
    numeric: true,
    type: sumType,
    frame: { unit: "rows", start: "unbounded", end: 0 },
  },
  avg: { ir: "avg", ordered: false, column: "required", numeric: true, type: () => "double" },
  min: { ir: "min", ordered: false, column: "required", type: (t) => t! },
  max: { ir: "max", ordered: false, column: "required", type: (t) => t! },
  count: { ir: "count", ordered: false, column: "optional", type: () => "bigint" },
  firstValue: { ir: "first_value", ordered: false, column: "required", type: (t) => t! },
  lastValue: { ir: "last_value", ordered: false, column: "required", type: (t) => t! },
};

function sumType(t: ColumnType | null): ColumnType {
  return t === "integer" || t === "bigint" ? "bigint" : t!;
}

export interface WindowOver {
  partitionBy: readonly Expr[];
  orderBy: readonly SortKey[];
}

function lowerFrame(a: WindowAggregation, path: Path): WindowFrame | null {
  const f = a.frame;
  if (!f) return null;
  const fail = (msg: string): never => {
    throw new CompileError("invalid_window", msg, [...path, "frame"]);
  };
  if (f.unit === "range" && [f.start, f.end].some((b) => b !== "unbounded" && b !== 0)) {
    fail("A range frame can only use unbounded or the current row (0); use a rows frame for offsets.");
  }
  const pos = (b: WindowFrame["start"], atStart: boolean) =>
    b === "unbounded" ? (atStart ? -Infinity : Infinity) : b;
  if (pos(f.start, true) > pos(f.end, false)) fail("The frame starts after it ends.");
  return { unit: f.unit, start: f.start, end: f.end };
}

/** One window aggregation -> an output column. Shared by the window and top-n recipes. */
export function lowerWindowAggregation(
  ctx: LowerContext,
  rel: Rel,
  a: WindowAggregation,
  over: WindowOver,
  path: Path,
  label: string,
): DerivedColumn {
  const rule = RULES[a.fn];
  const stepId = path.join(".");
  const fail = (msg: string, at: Path = path): never => {
    throw new CompileError("invalid_window", msg, at);
  };
  if (rule.ordered && over.orderBy.length === 0) fail(`${a.fn} needs at least one order column.`);
  if (rule.column === "none" && a.column !== undefined)
    fail(`${a.fn} does not read a column.`, [...path, "column"]);
  if (rule.column === "required" && a.column === undefined)
    fail(`${a.fn} needs a column.`, [...path, "column"]);
  if ((rule.ordered || rule.frame) && a.frame) fail(`${a.fn} does not take a frame.`, [...path, "frame"]);
  if ((a.offset !== undefined || a.default !== undefined) && rule.ir !== "lag" && rule.ir !== "lead") {
    fail(`Only lag and lead take an offset or a default.`);
  }
  const c = a.column === undefined ? null : resolveColumn(rel, a.column, [...path, "column"], label);
  if (c && rule.numeric && !NUMERIC.has(c.type)) {
    throw new CompileError(
      "invalid_column_type",
      `Cannot compute ${a.fn} of column "${c.name}" (${c.type}): it needs a numeric column.`,
      [...path, "fn"],
    );
  }
  const type = rule.type(c?.type ?? null);
  // avg of a decimal over doubles, as the group recipe's (a dialect's aggregates hook cannot
  // reach inside OVER): Spark's decimal avg rounds to scale + 4, DuckDB's does not.
  const arg: Expr | null = c ? col(c.id, c.type) : null;
  const args: Expr[] = arg ? [rule.ir === "avg" && arg.type === "decimal" ? cast(arg, "double") : arg] : [];
  if (c && (rule.ir === "lag" || rule.ir === "lead")) {
    args.push(literalFor("integer", a.offset ?? 1, "offset", [...path, "offset"]));
    if (a.default !== undefined) args.push(literalFor(c.type, a.default, c.name, [...path, "default"]));
  }
  const frame = rule.frame ?? lowerFrame(a, path);
  const name = a.as ?? (c ? `${c.name}_${a.fn}` : a.fn);
  return derived(ctx.ids, name, windowFn(rule.ir, args, { ...over, frame }, type, stepId));
}

export function lowerOver(
  rel: Rel,
  partitionBy: readonly string[],
  orderBy: Parameters<typeof lowerSortKeys>[1],
  label: string,
): WindowOver {
  return {
    partitionBy: partitionBy.map((p, i) => {
      const c = resolveColumn(rel, p, ["params", "partitionBy", i], label);
      return col(c.id, c.type);
    }),
    orderBy: lowerSortKeys(rel, orderBy, ["params", "orderBy"], label),
  };
}

/** Window: every input row, plus one column per window aggregation. */
export const lowerWindow: Lowerer<"window"> = (spec, ctx) => {
  requireInputCount("window", ctx.inputs, 1);
  const src = ctx.sources[0]!;
  const label = inputLabel(ctx, 0);
  const { partitionBy, orderBy, aggregations } = spec.params;
  const over = lowerOver(src, partitionBy, orderBy, label);
  const steps = ["window"];
  const added = aggregations.map((a, i) => {
    const path = ["params", "aggregations", i];
    steps.push(path.join("."));
    return lowerWindowAggregation(ctx, src, a, over, path, label);
  });
  assertUniqueNames([
    ...src.columns.map((c) => ({ name: c.name, path: ["inputs", 0] as Path })),
    ...added.map((c, i) => ({ name: c.name, path: ["params", "aggregations", i, "as"] as Path })),
  ]);
  return { outputs: [window(ctx.ids, src, added)], steps, warnings: [] };
};
