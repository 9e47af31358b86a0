import { coalesceFalse, defineStep } from "../step.ts";
import { rangeMatch } from "./match.ts";

export default defineStep({
  type: "FlagOnNumericalRange",
  label: "Flag rows on a numerical range",
  category: "rows",
  description: "A boolean column: true where the number is within [min, max].",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    frame.set(p.output, coalesceFalse(rangeMatch(c, p.min, p.max, ctx.path)), [...ctx.path, "output"]);
  },
});
