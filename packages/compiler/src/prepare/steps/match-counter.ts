import { defineStep, requireType, str } from "../step.ts";

export default defineStep({
  type: "MatchCounter",
  label: "Count occurrences",
  category: "strings",
  description: "Counts non-overlapping occurrences of a literal text (an integer).",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, "string", "string", [...ctx.path, "column"]);
    frame.insertAfter(c.name, p.output, ctx.fn("count_matches", [c.expr, str(p.search)], "integer"), [
      ...ctx.path,
      "output",
    ]);
  },
});
