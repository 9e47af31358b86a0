import { caseWhen, compare } from "../../ir/expr.ts";
import { dbl, defineStep, NUMERIC, requireType } from "../step.ts";

const FN = { e: "ln", "10": "log10", "2": "log2" } as const;

export default defineStep({
  type: "LogTransform",
  label: "Logarithm",
  category: "numbers",
  description: "Natural, base-10 or base-2 logarithm; NULL for values <= 0 (Spark's).",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, NUMERIC, "number", [...ctx.path, "column"]);
    const x = c.expr.type === "double" ? c.expr : ctx.fn("try_cast", [c.expr], "double");
    const expr = caseWhen(
      [{ when: compare(">", x, dbl(0)), result: ctx.fn(FN[p.base], [x], "double") }],
      null,
      "double",
    );
    if (p.output === undefined) frame.set(c.name, expr, [...ctx.path, "column"]);
    else frame.insertAfter(c.name, p.output, expr, [...ctx.path, "output"]);
  },
});
