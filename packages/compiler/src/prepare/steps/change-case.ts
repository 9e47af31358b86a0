import { defineStep, requireType } from "../step.ts";

export default defineStep({
  type: "ChangeCase",
  label: "Change case",
  category: "strings",
  description: "Upper case, lower case, or title case (Spark's initcap: words split on spaces).",
  apply(frame, p, ctx) {
    p.columns.forEach((name, i) => {
      const c = frame.get(name, [...ctx.path, "columns", i]);
      requireType(c, "string", "string", [...ctx.path, "columns", i]);
      const expr =
        p.mode === "title" ? ctx.fn("initcap", [c.expr], "string") : ctx.call(p.mode, [c.expr], "string");
      frame.set(c.name, expr, [...ctx.path, "columns", i]);
    });
  },
});
