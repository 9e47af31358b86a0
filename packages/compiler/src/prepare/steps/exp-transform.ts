import { defineStep, NUMERIC, requireType } from "../step.ts";

export default defineStep({
  type: "ExpTransform",
  label: "Exponential",
  category: "numbers",
  description: "e^x as a double (Infinity on overflow, as Spark).",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, NUMERIC, "number", [...ctx.path, "column"]);
    const x = c.expr.type === "double" ? c.expr : ctx.fn("try_cast", [c.expr], "double");
    const expr = ctx.fn("exp", [x], "double");
    if (p.output === undefined) frame.set(c.name, expr, [...ctx.path, "column"]);
    else frame.insertAfter(c.name, p.output, expr, [...ctx.path, "output"]);
  },
});
