import { defineStep, requireType, sketch } from "../step.ts";

export default defineStep({
  type: "RemoveAccents",
  label: "Remove accents",
  category: "strings",
  description: "Removes diacritics (é -> e, Å -> A).",
  calls: () => [sketch.ext("strip_accents", [sketch.column])],
  apply(frame, p, ctx) {
    p.columns.forEach((name, i) => {
      const c = frame.get(name, [...ctx.path, "columns", i]);
      requireType(c, "string", "string", [...ctx.path, "columns", i]);
      frame.set(c.name, ctx.fn("strip_accents", [c.expr], "string"), [...ctx.path, "columns", i]);
    });
  },
});
