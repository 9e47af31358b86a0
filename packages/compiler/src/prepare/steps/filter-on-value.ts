import { defineStep, rowFilter } from "../step.ts";
import { valueMatch } from "./match.ts";

export default defineStep({
  type: "FilterOnValue",
  label: "Filter on values",
  category: "rows",
  description: "Keeps (or removes) rows whose cell equals or contains one of the values.",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    rowFilter(frame, valueMatch(c, p.values, p.matching, p.caseSensitive, ctx, ctx.path), p.action);
  },
});
