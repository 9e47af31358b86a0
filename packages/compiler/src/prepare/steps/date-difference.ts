import type { Expr } from "../../ir/expr.ts";
import { dbl, defineStep, requireType, TEMPORAL } from "../step.ts";

const SECONDS = { seconds: 1, minutes: 60, hours: 3600 } as const;

export default defineStep({
  type: "DateDifference",
  label: "Difference between dates",
  category: "dates",
  description:
    "end - start: whole calendar days (integer) for days, days / 7 for weeks, elapsed time (double) for seconds, minutes, hours.",
  apply(frame, p, ctx) {
    const start = frame.get(p.start, [...ctx.path, "start"]);
    const end = frame.get(p.end, [...ctx.path, "end"]);
    requireType(start, TEMPORAL, "temporal", [...ctx.path, "start"]);
    requireType(end, TEMPORAL, "temporal", [...ctx.path, "end"]);
    let expr: Expr;
    if (p.unit === "days" || p.unit === "weeks") {
      expr = ctx.fn("datediff", [end.expr, start.expr], "integer");
      if (p.unit === "weeks") expr = ctx.fn("div", [expr, dbl(7)], "double");
    } else {
      const micros = (e: Expr) =>
        ctx.fn("epoch_micros", [ctx.fn("to_timestamp", [e], "timestamp")], "bigint");
      const diff = ctx.fn("sub", [micros(end.expr), micros(start.expr)], "bigint");
      expr = ctx.fn("div", [diff, dbl(SECONDS[p.unit] * 1_000_000)], "double");
    }
    frame.set(p.output, expr, [...ctx.path, "output"]);
  },
});
