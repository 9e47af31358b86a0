import { defineStep, NUMERIC, requireType } from "../step.ts";

export default defineStep({
  type: "AbsoluteValue",
  label: "Absolute value",
  category: "numbers",
  description: "|x|, same type.",
  apply(frame, p, ctx) {
    p.columns.forEach((name, i) => {
      const c = frame.get(name, [...ctx.path, "columns", i]);
      requireType(c, NUMERIC, "number", [...ctx.path, "columns", i]);
      // The formula language's abs: one rendering per engine (NULL for |MIN_INT|, never an error).
      const expr = ctx.call("abs", [c.expr], c.expr.type);
      frame.set(c.name, expr, [...ctx.path, "columns", i]);
    });
  },
});
