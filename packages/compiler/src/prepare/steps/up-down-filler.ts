import { windowFn } from "../../ir/expr.ts";
import { defineStep, sortKeys, str } from "../step.ts";

export default defineStep({
  type: "UpDownFiller",
  label: "Fill empty cells from the previous/next row",
  category: "strings",
  description:
    "Fills NULL (and '') cells with the last non-empty value before (or after) them in the given row order.",
  apply(frame, p, ctx) {
    const cols = p.columns.map((name, i) => frame.get(name, [...ctx.path, "columns", i]));
    const partitionBy = p.partitionBy.map((name, i) => frame.get(name, [...ctx.path, "partitionBy", i]).expr);
    let orderBy = sortKeys(frame, p.orderBy, [...ctx.path, "orderBy"]);
    if (p.direction === "next") {
      orderBy = orderBy.map((k) => ({
        ...k,
        direction: k.direction === "asc" ? "desc" : "asc",
        nulls: k.nulls === "first" ? "last" : "first",
      }));
    }
    ctx.warn("rows that tie on the order columns are filled in no defined order.");
    // No IGNORE NULLS (its syntax differs per engine): number the non-empty values seen so far,
    // then each group of rows sharing that number takes the group's only non-empty value.
    const values = cols.map((c) =>
      c.expr.type === "string" ? ctx.fn("nullif", [c.expr, str("")], "string") : c.expr,
    );
    const groups = frame.window(
      values.map((v, i) => ({
        name: `_fill_group_${i}`,
        expr: windowFn(
          "count",
          [v],
          { partitionBy, orderBy, frame: { unit: "rows", start: "unbounded", end: 0 } },
          "bigint",
          ctx.id,
        ),
      })),
    );
    const filled = frame.window(
      values.map((v, i) => ({
        name: `_fill_value_${i}`,
        expr: windowFn(
          "max",
          [v],
          { partitionBy: [...partitionBy, groups[i]!], orderBy: [], frame: null },
          v.type,
          ctx.id,
        ),
      })),
    );
    cols.forEach((c, i) => {
      frame.set(c.name, filled[i]!, [...ctx.path, "columns", i]);
    });
  },
});
