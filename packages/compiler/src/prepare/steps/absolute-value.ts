import { BOTH_FULL, defineStep, NUMERIC, requireType } from "../step.ts";

export default defineStep({
  type: "AbsoluteValue",
  label: "Absolute value",
  category: "numbers",
  description: "|x|, same type.",
  engines: () => BOTH_FULL,
  apply(frame, p, ctx) {
    p.columns.forEach((name, i) => {
      const c = frame.get(name, [...ctx.path, "columns", i]);
      requireType(c, NUMERIC, "number", [...ctx.path, "columns", i]);
      frame.set(c.name, ctx.fn("abs", [c.expr], c.expr.type), [...ctx.path, "columns", i]);
    });
  },
});
