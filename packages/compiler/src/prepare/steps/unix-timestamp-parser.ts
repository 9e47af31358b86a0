import { defineStep, NUMERIC, requireType, str } from "../step.ts";

export default defineStep({
  type: "UNIXTimestampParser",
  label: "Convert UNIX timestamps",
  category: "dates",
  description: "Seconds (or milliseconds) since 1970-01-01 UTC to a timestamp (UTC wall-clock time).",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, NUMERIC, "number", [...ctx.path, "column"]);
    const expr = ctx.fn("timestamp_from_epoch", [c.expr, str(p.unit)], "timestamp");
    if (p.output === undefined) frame.set(c.name, expr, [...ctx.path, "column"]);
    else frame.insertAfter(c.name, p.output, expr, [...ctx.path, "output"]);
  },
});
