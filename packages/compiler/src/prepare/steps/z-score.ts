import { windowFn } from "../../ir/expr.ts";
import { dbl, defineStep, NUMERIC, requireType } from "../step.ts";

export default defineStep({
  type: "ZScore",
  label: "Standardize (z-score)",
  category: "numbers",
  description:
    "(x - mean) / sample standard deviation over the whole dataset; NULL when the deviation is 0 or undefined.",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, NUMERIC, "number", [...ctx.path, "column"]);
    const x = c.expr.type === "double" ? c.expr : ctx.fn("try_cast", [c.expr], "double");
    const whole = { partitionBy: [], orderBy: [], frame: null };
    const [mean, n] = frame.window([
      { name: "_z_mean", expr: windowFn("avg", [x], whole, "double", ctx.id) },
      { name: "_z_n", expr: windowFn("count", [x], whole, "bigint", ctx.id) },
    ]);
    const dev = ctx.fn("sub", [x, mean!], "double");
    const [squares] = frame.window([
      {
        name: "_z_ss",
        expr: windowFn("sum", [ctx.fn("mul", [dev, dev], "double")], whole, "double", ctx.id),
      },
    ]);
    const variance = ctx.fn("div", [squares!, ctx.fn("sub", [n!, dbl(1)], "double")], "double");
    frame.insertAfter(
      c.name,
      p.output ?? `${c.name}_zscore`,
      ctx.fn("div", [dev, ctx.fn("sqrt", [variance], "double")], "double"),
      [...ctx.path, "output"],
    );
  },
});
