import { caseWhen, isNull } from "../../ir/expr.ts";
import { literalFor } from "../../lower/literals.ts";
import { defineStep, isEmpty } from "../step.ts";

export default defineStep({
  type: "FillEmptyWithValue",
  label: "Fill empty cells with a value",
  category: "strings",
  description: "Replaces NULL (and '' in text columns) with a fixed value of the column's type.",
  apply(frame, p, ctx) {
    p.columns.forEach((name, i) => {
      const c = frame.get(name, [...ctx.path, "columns", i]);
      const t = c.expr.type;
      const value = literalFor(t, t === "string" ? String(p.value) : p.value, c.name, [...ctx.path, "value"]);
      const empty = p.emptyStrings ? isEmpty(c.expr) : isNull(c.expr);
      frame.set(c.name, caseWhen([{ when: empty, result: value }], c.expr, t), [...ctx.path, "columns", i]);
    });
  },
});
