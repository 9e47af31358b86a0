import { coalesceFalse, defineStep } from "../step.ts";
import { valueMatch } from "./match.ts";

export default defineStep({
  type: "FlagOnValue",
  label: "Flag rows on values",
  category: "rows",
  description: "A boolean column: true where the cell equals or contains one of the values.",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    const flag = coalesceFalse(valueMatch(c, p.values, p.matching, p.caseSensitive, ctx, ctx.path));
    frame.set(p.output, flag, [...ctx.path, "output"]);
  },
});
