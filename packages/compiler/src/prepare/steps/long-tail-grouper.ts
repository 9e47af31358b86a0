import { and, caseWhen, compare, isNull, lit, not, windowFn } from "../../ir/expr.ts";
import { asString, defineStep, str } from "../step.ts";

export default defineStep({
  type: "LongTailGrouper",
  label: "Group long-tail values",
  category: "strings",
  description: "Values seen fewer than N times in the dataset are replaced by one label.",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    const x = asString(c.expr, ctx);
    const [count] = frame.window([
      {
        name: "_value_count",
        expr: windowFn("count", [], { partitionBy: [x], orderBy: [], frame: null }, "bigint", ctx.id),
      },
    ]);
    const rare = and([not(isNull(x)), compare("<", count!, lit(String(p.minCount), "bigint"))]);
    frame.set(c.name, caseWhen([{ when: rare, result: str(p.replacement) }], x, "string"), [
      ...ctx.path,
      "column",
    ]);
  },
});
