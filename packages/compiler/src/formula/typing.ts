import type { ColumnType } from "@sous/contracts";
import { cast, type Expr, lit } from "../ir/expr.ts";
import { commonType } from "../lower/types.ts";
import type { FormulaNode } from "./ast.ts";
import type { FormulaError, FormulaErrorCode } from "./errors.ts";

/**
 * A checked sub-expression: its IR and type. "null" is the untyped `null` literal (it takes the
 * type its context needs); "error" is a sub-expression that already reported an error, so no
 * cascade of follow-up errors is reported about it.
 */
export type FType = ColumnType | "null" | "error";

export interface Typed {
  readonly type: FType;
  readonly expr: Expr;
  readonly node: FormulaNode;
}

export const NUMERIC: ReadonlySet<FType> = new Set(["integer", "bigint", "double", "decimal"]);
export const INTEGRAL: ReadonlySet<FType> = new Set(["integer", "bigint"]);
export const TEMPORAL: ReadonlySet<FType> = new Set(["date", "timestamp"]);

const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;

/** Collects errors while checking; `fail` returns an "error" value so checking can go on. */
export class Reporter {
  readonly errors: FormulaError[] = [];

  report(code: FormulaErrorCode, message: string, at: { start: number; end: number }): void {
    this.errors.push({ code, message, start: at.start, end: at.end });
  }

  fail(code: FormulaErrorCode, message: string, node: FormulaNode): Typed {
    this.report(code, message, node);
    return errorValue(node);
  }
}

export const errorValue = (node: FormulaNode): Typed => ({ type: "error", expr: lit(null, "string"), node });

/** Article + type name for messages: "an integer", "a string". */
export function describeType(t: FType): string {
  if (t === "null") return "null";
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

/** A date or timestamp written as text ("2024-01-31"), usable where a date is expected. */
export function temporalLiteral(t: Typed): Expr | null {
  if (t.node.kind !== "string") return null;
  const v = t.node.value;
  if (DATE_TEXT.test(v)) return lit(v, "date");
  if (TIMESTAMP_TEXT.test(v)) return lit(v.replace("T", " "), "timestamp");
  return null;
}

/** The common type of several values both engines widen to the same way, or null. */
export function unifyTypes(types: readonly FType[]): ColumnType | "null" | null {
  let acc: ColumnType | "null" = "null";
  for (const t of types) {
    if (t === "error") continue;
    if (t === "null") continue;
    if (acc === "null") {
      acc = t;
      continue;
    }
    const c = commonType(acc, t);
    if (c === null) return null;
    acc = c;
  }
  return acc;
}

/** The value as `to`: NULL literals take the type, numbers widen, dates become timestamps. */
export function coerce(t: Typed, to: ColumnType): Expr {
  if (t.type === "null" || t.type === "error") return lit(null, to);
  if (t.type === to) return t.expr;
  if (t.type === "string" && TEMPORAL.has(to)) {
    const l = temporalLiteral(t);
    if (l) return l.type === to ? l : cast(l, to);
  }
  return cast(t.expr, to);
}
