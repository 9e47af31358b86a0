import type { ColumnType } from "@sous/contracts";
import type { ColumnId } from "./ids.ts";
import type { FormulaScalarFn } from "./scalar-fns.ts";

/**
 * Typed scalar/aggregate expressions. Every node carries its result type (Spark's typing rules,
 * decided while lowering) so renderers never have to infer types. `origin` is the recipe step the
 * expression comes from; translatability is reported per step.
 */
export type AggFn =
  | "count_star"
  | "count"
  | "count_distinct"
  | "sum"
  | "avg"
  | "min"
  | "max"
  | "stddev_samp"
  | "var_samp"
  | "first"
  | "last"
  /** Non-null values cast to string, sorted by value, joined with ','. '' when there are none. */
  | "concat_sorted";

export type WindowFn =
  | "row_number"
  | "rank"
  | "dense_rank"
  | "lag"
  | "lead"
  | "sum"
  | "avg"
  | "min"
  | "max"
  | "count"
  | "first_value"
  | "last_value";

type SortDirection = "asc" | "desc";
type NullsPlacement = "first" | "last";

export interface SortKey {
  readonly expr: Expr;
  readonly direction: SortDirection;
  /** Always explicit: Spark and DuckDB disagree on the default (see research §4). */
  readonly nulls: NullsPlacement;
}

/** A frame bound: "unbounded", or an offset from the current row (negative: preceding). */
export type FrameBound = "unbounded" | number;

export interface WindowFrame {
  readonly unit: "rows" | "range";
  readonly start: FrameBound;
  readonly end: FrameBound;
}

export type CompareOp = "=" | "<>" | "<" | "<=" | ">" | ">=";

export type ScalarFn =
  | "lower"
  | "upper"
  | "length"
  | "coalesce"
  | "contains"
  | "starts_with"
  | "ends_with"
  /** Partial (unanchored) regex match. */
  | "regexp_like"
  /**
   * Deterministic row hash for sampling: the first 32 bits of md5(concat_ws('|', args...)) as a
   * bigint in [0, 2^32). Both engines implement md5 identically, unlike their hash() functions.
   */
  | "sample_hash"
  /** The formula language's functions (`src/formula/ir.ts`). */
  | FormulaScalarFn;

interface ExprBase {
  readonly type: ColumnType;
  readonly origin?: string;
}

export interface ColRefExpr extends ExprBase {
  readonly kind: "col";
  readonly id: ColumnId;
}

/** Non-JSON-native values (dates, timestamps, decimals, bigints) are carried as strings. */
export interface LiteralExpr extends ExprBase {
  readonly kind: "lit";
  readonly value: string | number | boolean | null;
}

export interface AggExpr extends ExprBase {
  readonly kind: "agg";
  readonly fn: AggFn;
  readonly args: readonly Expr[];
}

export interface CallExpr extends ExprBase {
  readonly kind: "call";
  readonly fn: ScalarFn;
  readonly args: readonly Expr[];
}

export interface CastExpr extends ExprBase {
  readonly kind: "cast";
  readonly arg: Expr;
}

export interface CompareExpr extends ExprBase {
  readonly kind: "compare";
  readonly op: CompareOp;
  readonly left: Expr;
  readonly right: Expr;
}

export interface AndExpr extends ExprBase {
  readonly kind: "and";
  readonly args: readonly Expr[];
}

export interface OrExpr extends ExprBase {
  readonly kind: "or";
  readonly args: readonly Expr[];
}

export interface NotExpr extends ExprBase {
  readonly kind: "not";
  readonly arg: Expr;
}

export interface IsNullExpr extends ExprBase {
  readonly kind: "is_null";
  readonly arg: Expr;
}

export interface WindowExpr extends ExprBase {
  readonly kind: "window";
  readonly fn: WindowFn;
  readonly args: readonly Expr[];
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly SortKey[];
  /** null: the SQL default frame, which Spark and DuckDB share. */
  readonly frame: WindowFrame | null;
}

/** CASE WHEN ... THEN ... [ELSE ...] END; a missing ELSE is NULL. */
export interface CaseExpr extends ExprBase {
  readonly kind: "case";
  readonly whens: readonly { readonly when: Expr; readonly result: Expr }[];
  readonly else: Expr | null;
}

/**
 * A call to a function defined outside the core IR (e.g. the prepare steps' string, date and JSON
 * functions, `src/prepare/sql/functions.ts`): `fn` names an entry of the extension registry,
 * which renders it per dialect. Keeps the core's ScalarFn list small.
 */
export interface ExtExpr extends ExprBase {
  readonly kind: "ext";
  readonly fn: string;
  readonly args: readonly Expr[];
}

export type Expr =
  | ExtExpr
  | CaseExpr
  | WindowExpr
  | ColRefExpr
  | LiteralExpr
  | AggExpr
  | CallExpr
  | CastExpr
  | CompareExpr
  | AndExpr
  | OrExpr
  | NotExpr
  | IsNullExpr;
export type ExprKind = Expr["kind"];

const withOrigin = <T extends object>(node: T, origin: string | undefined): T =>
  origin === undefined ? node : { ...node, origin };

export const col = (id: ColumnId, type: ColumnType): ColRefExpr => ({ kind: "col", id, type });

export const lit = (value: LiteralExpr["value"], type: ColumnType): LiteralExpr => ({
  kind: "lit",
  value,
  type,
});

export const agg = (fn: AggFn, args: readonly Expr[], type: ColumnType, origin?: string): AggExpr =>
  withOrigin({ kind: "agg", fn, args, type }, origin);

export const call = (fn: ScalarFn, args: readonly Expr[], type: ColumnType, origin?: string): CallExpr =>
  withOrigin({ kind: "call", fn, args, type }, origin);

export const windowFn = (
  fn: WindowFn,
  args: readonly Expr[],
  over: { partitionBy: readonly Expr[]; orderBy: readonly SortKey[]; frame: WindowFrame | null },
  type: ColumnType,
  origin?: string,
): WindowExpr => withOrigin({ kind: "window", fn, args, ...over, type }, origin);

export const caseWhen = (
  whens: readonly { when: Expr; result: Expr }[],
  otherwise: Expr | null,
  type: ColumnType,
): CaseExpr => ({ kind: "case", whens, else: otherwise, type });

export const cast = (arg: Expr, type: ColumnType): CastExpr => ({ kind: "cast", arg, type });

export const compare = (op: CompareOp, left: Expr, right: Expr, origin?: string): CompareExpr =>
  withOrigin({ kind: "compare", op, left, right, type: "boolean" }, origin);

/** AND/OR of several predicates; a single predicate is returned as is. */
export const and = (args: readonly Expr[]): Expr =>
  args.length === 1 ? args[0]! : ({ kind: "and", args, type: "boolean" } satisfies AndExpr);
export const or = (args: readonly Expr[]): Expr =>
  args.length === 1 ? args[0]! : ({ kind: "or", args, type: "boolean" } satisfies OrExpr);
export const not = (arg: Expr): NotExpr => ({ kind: "not", arg, type: "boolean" });
export const isNull = (arg: Expr): IsNullExpr => ({ kind: "is_null", arg, type: "boolean" });

/** Direct children of an expression, for generic walks (lineage, translatability). */
export function exprChildren(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case "col":
    case "lit":
      return [];
    case "agg":
    case "call":
    case "ext":
    case "and":
    case "or":
      return e.args;
    case "cast":
    case "not":
    case "is_null":
      return [e.arg];
    case "compare":
      return [e.left, e.right];
    case "window":
      return [...e.args, ...e.partitionBy, ...e.orderBy.map((k) => k.expr)];
    case "case":
      return [...e.whens.flatMap((w) => [w.when, w.result]), ...(e.else ? [e.else] : [])];
  }
}

/** Column ids an expression reads, in first-seen order, without duplicates. */
export function referencedColumns(e: Expr): ColumnId[] {
  const seen = new Set<ColumnId>();
  const visit = (x: Expr): void => {
    if (x.kind === "col") seen.add(x.id);
    for (const c of exprChildren(x)) visit(c);
  };
  visit(e);
  return [...seen];
}
