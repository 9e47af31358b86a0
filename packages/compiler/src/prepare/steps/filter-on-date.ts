import { CompileError } from "../../errors.ts";
import { and, compare, type Expr } from "../../ir/expr.ts";
import { literalFor } from "../../lower/literals.ts";
import { defineStep, requireType, rowFilter, TEMPORAL } from "../step.ts";

export default defineStep({
  type: "FilterOnDate",
  label: "Filter on a date range",
  category: "rows",
  description: "Keeps (or removes) rows whose date is in [from, to); NULL dates never match.",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, TEMPORAL, "temporal", [...ctx.path, "column"]);
    if (p.from === undefined && p.to === undefined) {
      throw new CompileError("invalid_spec", "Give a from date, a to date or both.", ctx.path);
    }
    const hasTime = [p.from, p.to].some((v) => v !== undefined && v.length > 10);
    const x = hasTime ? ctx.fn("to_timestamp", [c.expr], "timestamp") : c.expr;
    const bound = (v: string, key: string): Expr => {
      const text = x.type === "timestamp" && v.length === 10 ? `${v} 00:00:00` : v;
      return literalFor(x.type, text, c.name, [...ctx.path, key]);
    };
    const parts = [
      ...(p.from !== undefined ? [compare(">=", x, bound(p.from, "from"))] : []),
      ...(p.to !== undefined ? [compare("<", x, bound(p.to, "to"))] : []),
    ];
    rowFilter(frame, and(parts), p.action);
  },
});
