import { defineStep, rowFilter } from "../step.ts";
import { rangeMatch } from "./match.ts";

export default defineStep({
  type: "FilterOnNumericalRange",
  label: "Filter on a numerical range",
  category: "rows",
  description: "Keeps (or removes) rows whose number is within [min, max].",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    rowFilter(frame, rangeMatch(c, p.min, p.max, ctx.path), p.action);
  },
});
