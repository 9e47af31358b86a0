import { translateDatePattern } from "../sql/date-patterns.ts";
import { defineStep, requireType, str, TEMPORAL } from "../step.ts";

export default defineStep({
  type: "DateFormatter",
  label: "Format dates",
  category: "dates",
  description: "Writes dates/timestamps as text with a Spark datetime pattern (English names).",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, TEMPORAL, "temporal", [...ctx.path, "column"]);
    translateDatePattern(p.format, [...ctx.path, "format"]);
    const expr = ctx.fn("date_format", [c.expr, str(p.format)], "string");
    if (p.output === undefined) frame.set(c.name, expr, [...ctx.path, "column"]);
    else frame.insertAfter(c.name, p.output, expr, [...ctx.path, "output"]);
  },
});
