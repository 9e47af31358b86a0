import { not } from "../../ir/expr.ts";
import { defineStep, requireType } from "../step.ts";

export default defineStep({
  type: "BooleanNot",
  label: "Negate booleans",
  category: "columns",
  description: "true <-> false; NULL stays NULL.",
  apply(frame, p, ctx) {
    p.columns.forEach((name, i) => {
      const c = frame.get(name, [...ctx.path, "columns", i]);
      requireType(c, "boolean", "boolean", [...ctx.path, "columns", i]);
      frame.set(c.name, not(c.expr), [...ctx.path, "columns", i]);
    });
  },
});
