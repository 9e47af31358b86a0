import { defineStep, int, requireType } from "../step.ts";

export default defineStep({
  type: "TruncateString",
  label: "Truncate text",
  category: "strings",
  description: "Keeps the first N characters.",
  apply(frame, p, ctx) {
    p.columns.forEach((name, i) => {
      const c = frame.get(name, [...ctx.path, "columns", i]);
      requireType(c, "string", "string", [...ctx.path, "columns", i]);
      frame.set(c.name, ctx.fn("left", [c.expr, int(p.length)], "string"), [...ctx.path, "columns", i]);
    });
  },
});
