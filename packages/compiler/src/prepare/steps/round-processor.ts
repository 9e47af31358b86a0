import { BOTH_FULL, defineStep, FULL, int, NUMERIC, partial, requireType } from "../step.ts";

export default defineStep({
  type: "RoundProcessor",
  label: "Round numbers",
  category: "numbers",
  description: "Rounds (half away from zero), floors or ceils to N decimals; integers are left as they are.",
  engines: (p) =>
    p.mode === "round" && p.decimals > 0
      ? {
          spark: FULL,
          duckdb: partial(
            "a double exactly halfway in decimal text (2.675) can round the other way: DuckDB rounds the binary value",
          ),
        }
      : BOTH_FULL,
  apply(frame, p, ctx) {
    p.columns.forEach((name, i) => {
      const c = frame.get(name, [...ctx.path, "columns", i]);
      requireType(c, NUMERIC, "number", [...ctx.path, "columns", i]);
      if (c.expr.type === "integer" || c.expr.type === "bigint") return;
      const x = c.expr.type === "double" ? c.expr : ctx.fn("try_cast", [c.expr], "double");
      frame.set(c.name, ctx.fn(p.mode, [x, int(p.decimals)], "double"), [...ctx.path, "columns", i]);
    });
  },
});
