import { CompileError } from "../../errors.ts";
import { and, compare, type Expr, not, or } from "../../ir/expr.ts";
import { literalFor } from "../../lower/literals.ts";
import { convertExpr } from "../convert.ts";
import type { FrameColumn } from "../frame.ts";
import { checkRegex } from "../sql/regex.ts";
import { isEmpty, NUMERIC, type Path, requireType, type StepContext, str } from "../step.ts";

/** A cell equal to (or containing) one of the values; typed like the column. */
export function valueMatch(
  c: FrameColumn,
  values: readonly (string | number | boolean)[],
  matching: "full" | "substring",
  caseSensitive: boolean,
  ctx: StepContext,
  path: Path,
): Expr {
  const x = c.expr;
  if (x.type !== "string") {
    if (matching === "substring") {
      throw new CompileError(
        "invalid_column_type",
        `Substring matching needs a string column; "${c.name}" is ${x.type}.`,
        [...path, "matching"],
      );
    }
    return or(values.map((v, i) => compare("=", x, literalFor(x.type, v, c.name, [...path, "values", i]))));
  }
  const fold = (e: Expr) => (caseSensitive ? e : ctx.call("lower", [e], "string"));
  const subject = fold(x);
  return or(
    values.map((v) => {
      const needle = caseSensitive ? str(String(v)) : str(String(v).toLowerCase());
      return matching === "full"
        ? compare("=", subject, needle)
        : ctx.call("contains", [subject, needle], "boolean");
    }),
  );
}

export function regexMatch(c: FrameColumn, pattern: string, ctx: StepContext, path: Path): Expr {
  requireType(c, "string", "string", [...path, "column"]);
  checkRegex(pattern, [...path, "pattern"]);
  return ctx.call("regexp_like", [c.expr, str(pattern)], "boolean");
}

export function rangeMatch(
  c: FrameColumn,
  min: number | undefined,
  max: number | undefined,
  path: Path,
): Expr {
  requireType(c, NUMERIC, "number", [...path, "column"]);
  if (min === undefined && max === undefined)
    throw new CompileError("invalid_spec", "Give a min, a max or both.", path);
  const bound = (v: number) => literalFor(c.expr.type === "double" ? "double" : "double", v, c.name, path);
  const x =
    c.expr.type === "double" ? c.expr : { kind: "cast" as const, arg: c.expr, type: "double" as const };
  return and([
    ...(min !== undefined ? [compare(">=", x, bound(min))] : []),
    ...(max !== undefined ? [compare("<=", x, bound(max))] : []),
  ]);
}

/** A non-empty cell that does not convert to `type`. */
export function badTypeMatch(
  c: FrameColumn,
  type: Parameters<typeof convertExpr>[1],
  ctx: StepContext,
  path: Path,
): Expr {
  if (c.expr.type === type) return { kind: "lit", value: false, type: "boolean" };
  const converted = convertExpr(c.expr, type, ctx, [...path, "type"]);
  return and([not(isEmpty(c.expr)), { kind: "is_null", arg: converted, type: "boolean" }]);
}

/** Every (all) or any of the columns empty. */
export function emptyMatch(cols: readonly FrameColumn[], mode: "any" | "all"): Expr {
  const parts = cols.map((c) => isEmpty(c.expr));
  return mode === "any" ? or(parts) : and(parts);
}
