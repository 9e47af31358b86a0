import { defineStep, rowFilter } from "../step.ts";
import { lowerFormulaOnFrame } from "./create-column-with-grel.ts";

export default defineStep({
  type: "FilterOnFormula",
  label: "Filter with a formula",
  category: "rows",
  description: "Keeps (or removes) the rows where a condition holds, e.g. amount > 100 && isNotBlank(email).",
  apply(frame, p, ctx) {
    const predicate = lowerFormulaOnFrame(frame, p.formula, {
      path: [...ctx.path, "formula"],
      origin: ctx.id,
      expect: "boolean",
    });
    rowFilter(frame, predicate, p.action);
  },
});
