import { defineStep, requireType, str, TEMPORAL } from "../step.ts";

export default defineStep({
  type: "DateTruncate",
  label: "Truncate dates",
  category: "dates",
  description: "Rounds down to the start of the year, quarter, month, week (Monday), day, hour or minute.",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, TEMPORAL, "temporal", [...ctx.path, "column"]);
    const expr = ctx.fn("date_trunc", [c.expr, str(p.unit)], c.expr.type);
    if (p.output === undefined) frame.set(c.name, expr, [...ctx.path, "column"]);
    else frame.insertAfter(c.name, p.output, expr, [...ctx.path, "output"]);
  },
});
