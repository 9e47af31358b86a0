import { call, cast, type Expr } from "../../ir/expr.ts";
import { translateDatePattern } from "../sql/date-patterns.ts";
import { defineStep, FULL, partial, requireType, str } from "../step.ts";

export default defineStep({
  type: "DateParser",
  label: "Parse dates",
  category: "dates",
  description: "Parses text with Spark datetime patterns, trying each in order; NULL when none parses.",
  engines: () => ({
    spark: FULL,
    duckdb: partial(
      "DuckDB's strptime is more lenient than Spark's parser (it accepts 1-digit fields for MM/dd/HH, which Spark turns into NULL)",
    ),
  }),
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, "string", "string", [...ctx.path, "column"]);
    p.formats.forEach((f, i) => {
      translateDatePattern(f, [...ctx.path, "formats", i], "parse");
    });
    const parsed = p.formats.map((f) => ctx.fn("parse_timestamp", [c.expr, str(f)], "timestamp"));
    let expr: Expr = parsed.length === 1 ? parsed[0]! : call("coalesce", parsed, "timestamp", ctx.id);
    if (p.outputType === "date") expr = cast(expr, "date");
    if (p.output === undefined) frame.set(c.name, expr, [...ctx.path, "column"]);
    else frame.insertAfter(c.name, p.output, expr, [...ctx.path, "output"]);
  },
});
