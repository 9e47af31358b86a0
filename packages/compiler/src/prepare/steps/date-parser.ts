import { cast, type Expr } from "../../ir/expr.ts";
import { translateDatePattern } from "../sql/date-patterns.ts";
import { defineStep, requireType, sketch, str } from "../step.ts";

export default defineStep({
  type: "DateParser",
  label: "Parse dates",
  category: "dates",
  description: "Parses text with Spark datetime patterns, trying each in order; NULL when none parses.",
  calls: (p) => p.formats.map((f) => sketch.ext("parse_timestamp", [sketch.column, str(f)], "timestamp")),
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, "string", "string", [...ctx.path, "column"]);
    p.formats.forEach((f, i) => {
      translateDatePattern(f, [...ctx.path, "formats", i], "parse");
    });
    const parsed = p.formats.map((f) => ctx.fn("parse_timestamp", [c.expr, str(f)], "timestamp"));
    let expr: Expr = parsed.length === 1 ? parsed[0]! : ctx.call("coalesce", parsed, "timestamp");
    if (p.outputType === "date") expr = cast(expr, "date");
    if (p.output === undefined) frame.set(c.name, expr, [...ctx.path, "column"]);
    else frame.insertAfter(c.name, p.output, expr, [...ctx.path, "output"]);
  },
});
