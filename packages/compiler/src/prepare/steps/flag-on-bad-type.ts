import { coalesceFalse, defineStep } from "../step.ts";
import { badTypeMatch } from "./match.ts";

export default defineStep({
  type: "FlagOnBadType",
  label: "Flag rows invalid for a type",
  category: "rows",
  description: "A boolean column: true where the non-empty cell does not convert to a type.",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    frame.set(p.output, coalesceFalse(badTypeMatch(c, p.type, ctx, ctx.path)), [...ctx.path, "output"]);
  },
});
