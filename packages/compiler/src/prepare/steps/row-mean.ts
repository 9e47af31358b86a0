import { caseWhen, type Expr, isNull } from "../../ir/expr.ts";
import { dbl, defineStep, int, NUMERIC, requireType } from "../step.ts";

export default defineStep({
  type: "RowMean",
  label: "Average of columns",
  category: "numbers",
  description: "Per row, the mean of the non-NULL values of the columns (NULL when all are NULL).",
  apply(frame, p, ctx) {
    const xs = p.columns.map((name, i) => {
      const c = frame.get(name, [...ctx.path, "columns", i]);
      requireType(c, NUMERIC, "number", [...ctx.path, "columns", i]);
      return c.expr.type === "double" ? c.expr : ctx.fn("try_cast", [c.expr], "double");
    });
    const sum = xs
      .map((x): Expr => ctx.call("coalesce", [x, dbl(0)], "double"))
      .reduce((a: Expr, b) => ctx.fn("add", [a, b], "double"));
    const count = xs
      .map((x): Expr => caseWhen([{ when: isNull(x), result: int(0) }], int(1), "integer"))
      .reduce((a: Expr, b) => ctx.fn("add", [a, b], "integer"));
    frame.set(p.output, ctx.fn("div", [sum, count], "double"), [...ctx.path, "output"]);
  },
});
