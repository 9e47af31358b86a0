import { caseWhen } from "../../ir/expr.ts";
import { defineStep, nullOf } from "../step.ts";
import { valueMatch } from "./match.ts";

export default defineStep({
  type: "ClearCellsOnValue",
  label: "Clear cells on values",
  category: "strings",
  description: "Sets cells equal to one of the values to NULL.",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    const match = valueMatch(c, p.values, "full", true, ctx, ctx.path);
    frame.set(c.name, caseWhen([{ when: match, result: nullOf(c.expr.type) }], c.expr, c.expr.type), [
      ...ctx.path,
      "column",
    ]);
  },
});
