import { defineStep } from "../step.ts";

export default defineStep({
  type: "ColumnCopier",
  label: "Copy column",
  category: "columns",
  description: "Copies a column under a new name, right after it.",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    frame.insertAfter(c.name, p.output, c.expr, [...ctx.path, "output"]);
  },
});
