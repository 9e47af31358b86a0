import { compare, type SortKey, windowFn } from "../../ir/expr.ts";
import { defineStep, int, sortKeys } from "../step.ts";

export default defineStep({
  type: "Deduplicate",
  label: "Remove duplicate rows",
  category: "rows",
  description:
    "Keeps one row per distinct value of all columns, or of a subset (then the first row in an order; without one, the smallest row).",
  apply(frame, p, ctx) {
    if (p.columns === undefined) {
      frame.distinct();
      return;
    }
    const keys = p.columns.map((name, i) => frame.get(name, [...ctx.path, "columns", i]).expr);
    const orderBy: SortKey[] = p.orderBy
      ? sortKeys(frame, p.orderBy, [...ctx.path, "orderBy"])
      : frame.cols.map((c) => ({ expr: c.expr, direction: "asc", nulls: "first" }));
    const [rn] = frame.window([
      {
        name: "_dedup_rank",
        expr: windowFn("row_number", [], { partitionBy: keys, orderBy, frame: null }, "integer", ctx.id),
      },
    ]);
    frame.filter(compare("=", rn!, int(1)));
  },
});
