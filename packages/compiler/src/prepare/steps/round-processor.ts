import { defineStep, int, NUMERIC, requireType, sketch } from "../step.ts";

export default defineStep({
  type: "RoundProcessor",
  label: "Round numbers",
  category: "numbers",
  description: "Rounds (half away from zero), floors or ceils to N decimals; integers are left as they are.",
  calls: (p) => [sketch.ext(p.mode, [sketch.column, int(p.decimals)], "double")],
  apply(frame, p, ctx) {
    p.columns.forEach((name, i) => {
      const c = frame.get(name, [...ctx.path, "columns", i]);
      requireType(c, NUMERIC, "number", [...ctx.path, "columns", i]);
      if (c.expr.type === "integer" || c.expr.type === "bigint") return;
      const x = c.expr.type === "double" ? c.expr : ctx.fn("try_cast", [c.expr], "double");
      frame.set(c.name, ctx.fn(p.mode, [x, int(p.decimals)], "double"), [...ctx.path, "columns", i]);
    });
  },
});
