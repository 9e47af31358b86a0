import { defineStep, FULL, partial, requireType } from "../step.ts";

export default defineStep({
  type: "RemoveAccents",
  label: "Remove accents",
  category: "strings",
  description: "Removes diacritics (é -> e, Å -> A).",
  engines: () => ({
    spark: partial(
      "Spark has no accent stripping: precomposed Latin letters lose their accents (translate table); other scripts, and accents typed as separate combining marks (e + U+0301), keep them",
    ),
    duckdb: FULL,
  }),
  apply(frame, p, ctx) {
    p.columns.forEach((name, i) => {
      const c = frame.get(name, [...ctx.path, "columns", i]);
      requireType(c, "string", "string", [...ctx.path, "columns", i]);
      frame.set(c.name, ctx.fn("strip_accents", [c.expr], "string"), [...ctx.path, "columns", i]);
    });
  },
});
