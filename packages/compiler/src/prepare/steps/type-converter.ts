import { convertExpr } from "../convert.ts";
import { defineStep } from "../step.ts";

export default defineStep({
  type: "TypeConverter",
  label: "Convert type",
  category: "columns",
  description: "Converts columns to a type; values that do not convert become NULL (never an error).",
  apply(frame, p, ctx) {
    p.columns.forEach((name, i) => {
      const c = frame.get(name, [...ctx.path, "columns", i]);
      frame.set(c.name, convertExpr(c.expr, p.to, ctx, [...ctx.path, "columns", i]), [
        ...ctx.path,
        "columns",
        i,
      ]);
    });
  },
});
