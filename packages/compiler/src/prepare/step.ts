import type { ColumnType, PrepareStepParams, PrepareStepType, RecipeSortKey } from "@sous/contracts";
import type { ExtFunctionName, FnExpr } from "../catalog/index.ts";
import { DECIMAL_TEXT } from "../conditions.ts";
import { CompileError } from "../errors.ts";
import {
  type CallExpr,
  call,
  caseWhen,
  compare,
  type Expr,
  type ExtExpr,
  isNull,
  lit,
  not,
  or,
  type ScalarFn,
  type SortKey,
} from "../ir/expr.ts";
import type { CompileContext } from "../lower/context.ts";
import type { Dialect, Translatability } from "../types.ts";
import type { Frame, FrameColumn } from "./frame.ts";

export type Path = (string | number)[];
export type StepCategory = "columns" | "strings" | "numbers" | "dates" | "rows" | "reshape" | "web";

const partial = (condition: string): Translatability => ({ level: "partial", condition });

/** What a step module sees while lowering. */
export interface StepContext {
  /** The step's id: the `origin` of its expressions. */
  readonly id: string;
  /** Path of the step's params in the spec, for errors: ["params", "steps", i, "params"]. */
  readonly path: Path;
  readonly extra: CompileContext;
  warn(message: string): void;
  /** Lowers the step's verdict for an engine (kept if already worse), e.g. from the column types. */
  flag(dialect: Dialect, verdict: Translatability): void;
  /**
   * An extension-function call attributed to this step; the step's verdicts take the function
   * catalog's for it (no rendering on an engine: none there; a named condition: partial).
   */
  fn(name: ExtFunctionName, args: readonly Expr[], type: ColumnType): ExtExpr;
  /** A core scalar-function call attributed to this step, judged by the catalog like `fn`. */
  call(name: ScalarFn, args: readonly Expr[], type: ColumnType): CallExpr;
}

/**
 * One prepare step type. Its engine verdicts are never declared: they are the function
 * catalog's for the calls it makes (`ctx.fn`, `ctx.call`), plus what `ctx.flag` adds from the
 * column types. `calls` sketches those calls from the params alone (the column as an untyped
 * placeholder, `sketch`), for the verdict the studio's step picker shows before any input is
 * known; absent, the step makes no call whose verdict depends on its params or is ever below
 * full without the column types. `apply` rewrites the frame: schema propagation and lowering in
 * one go, type checks as CompileErrors.
 */
export interface StepModule<T extends PrepareStepType> {
  readonly type: T;
  readonly label: string;
  readonly category: StepCategory;
  readonly description: string;
  calls?(params: PrepareStepParams<T>): readonly FnExpr[];
  apply(frame: Frame, params: PrepareStepParams<T>, ctx: StepContext): void;
}

/** The input column in a `calls` sketch: its type is unknown before any input is. */
const ANY_COLUMN: Expr = lit(null, "string");

/** Calls sketched for `StepModule.calls`: the step's arguments, with `column` for the input. */
export const sketch = {
  column: ANY_COLUMN,
  ext: (name: ExtFunctionName, args: readonly Expr[], type: ColumnType = "string"): ExtExpr => ({
    kind: "ext",
    fn: name,
    args,
    type,
  }),
  call: (name: ScalarFn, args: readonly Expr[], type: ColumnType = "string"): CallExpr =>
    call(name, args, type),
};

export const defineStep = <T extends PrepareStepType>(m: StepModule<T>): StepModule<T> => m;

// ---- helpers shared by the step modules ---------------------------------------------------

export const NUMERIC: ReadonlySet<ColumnType> = new Set(["integer", "bigint", "double", "decimal"]);
export const TEMPORAL: ReadonlySet<ColumnType> = new Set(["date", "timestamp"]);

const TYPE_WORDS: Record<string, string> = {
  string: "a string",
  number: "a number",
  temporal: "a date or timestamp",
  boolean: "a boolean",
};

/** Throws unless the column's type is one of `types`. */
export function requireType(
  c: FrameColumn,
  types: ReadonlySet<ColumnType> | ColumnType,
  what: keyof typeof TYPE_WORDS,
  path: Path,
): void {
  const ok = typeof types === "string" ? c.expr.type === types : types.has(c.expr.type);
  if (!ok) {
    throw new CompileError(
      "invalid_column_type",
      `Column "${c.name}" is ${c.expr.type}; this step needs ${TYPE_WORDS[what]} column.`,
      path,
    );
  }
}

export const str = (value: string): Expr => lit(value, "string");
export const int = (value: number): Expr => lit(value, "integer");
export const dbl = (value: number): Expr => lit(value, "double");
export const bool = (value: boolean): Expr => lit(value, "boolean");
export const nullOf = (type: ColumnType): Expr => lit(null, type);

/** `pred` with NULL read as false (a filter keeps only TRUE rows; a flag must not be NULL). */
export const coalesceFalse = (pred: Expr): Expr =>
  caseWhen([{ when: pred, result: bool(true) }], bool(false), "boolean");

/** Empty = NULL, or '' for strings. */
export function isEmpty(e: Expr): Expr {
  return e.type === "string" ? or([isNull(e), compare("=", e, str(""))]) : isNull(e);
}

/** keep: rows where the predicate is TRUE; remove: all others (NULL never matches). */
export function rowFilter(frame: Frame, predicate: Expr, action: "keep" | "remove"): void {
  frame.filter(action === "keep" ? predicate : not(coalesceFalse(predicate)));
}

export function sortKeys(frame: Frame, keys: readonly RecipeSortKey[], path: Path): SortKey[] {
  return keys.map((k, i) => ({
    expr: frame.get(k.column, [...path, i, "column"]).expr,
    direction: k.direction,
    nulls: k.nulls ?? (k.direction === "asc" ? "first" : "last"),
  }));
}

/** The expression cast to string (Spark's text form; doubles print differently on DuckDB). */
export function asString(e: Expr, ctx: StepContext): Expr {
  if (e.type === "string") return e;
  if (e.type === "double") {
    ctx.flag(
      "duckdb",
      partial("doubles are turned into text differently from Spark (1.0E10 vs 10000000000.0)"),
    );
  }
  if (e.type === "decimal") ctx.flag("duckdb", partial(DECIMAL_TEXT));
  return { kind: "cast", arg: e, type: "string" };
}
