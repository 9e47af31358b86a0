import type { ColumnType } from "@sous/contracts";
import { CompileError } from "../errors.ts";
import { call, caseWhen, compare, type Expr, or } from "../ir/expr.ts";
import { asString, bool, type Path, type StepContext, str } from "./step.ts";

/**
 * Text that converts the same way on both engines (Spark's and DuckDB's parsers differ beyond).
 * Anchored with \z: Java's $ would also accept a trailing line break that RE2's rejects.
 */
const TEXT_FORMS: Partial<Record<ColumnType, string>> = {
  integer: "^[+-]?[0-9]+\\z",
  bigint: "^[+-]?[0-9]+\\z",
  decimal: "^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)\\z",
  double: "^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?\\z",
  date: "^[0-9]{4}-[0-9]{2}-[0-9]{2}\\z",
  timestamp: "^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?)?\\z",
};
const TRUE_WORDS = ["true", "t", "yes", "y", "1"];
const FALSE_WORDS = ["false", "f", "no", "n", "0"];
const NUMBERS: ReadonlySet<ColumnType> = new Set(["integer", "bigint", "double", "decimal"]);

/**
 * `e` converted to `to`, NULL where the value does not convert (never an error, on any engine).
 * Text is trimmed of spaces and must look like the target type's plain form (so 'NaN', '1e5'
 * as an integer or '2024-1-5' are invalid on both engines); booleans accept true/false, t/f,
 * yes/no, y/n, 1/0 in any case.
 */
export function convertExpr(e: Expr, to: ColumnType, ctx: StepContext, path: Path): Expr {
  const from = e.type;
  if (from === to) return e;
  if (to === "string") return asString(e, ctx);
  if (from === "string") {
    const t = ctx.fn("trim", [e], "string");
    if (to === "boolean") {
      const lower = call("lower", [t], "string");
      const inList = (words: string[]) => or(words.map((w) => compare("=", lower, str(w))));
      return caseWhen(
        [
          { when: inList(TRUE_WORDS), result: bool(true) },
          { when: inList(FALSE_WORDS), result: bool(false) },
        ],
        null,
        "boolean",
      );
    }
    const form = TEXT_FORMS[to]!;
    return caseWhen(
      [{ when: ctx.call("regexp_like", [t, str(form)], "boolean"), result: ctx.fn("try_cast", [t], to) }],
      null,
      to,
    );
  }
  const temporal = (t: ColumnType) => t === "date" || t === "timestamp";
  if (
    (NUMBERS.has(from) || from === "boolean") === (NUMBERS.has(to) || to === "boolean") ||
    (temporal(from) && temporal(to))
  ) {
    return ctx.fn("try_cast", [e], to);
  }
  throw new CompileError(
    "invalid_column_type",
    `A ${from} column cannot be converted to ${to}; use a date step (parse, format, UNIX timestamp) instead.`,
    path,
  );
}
