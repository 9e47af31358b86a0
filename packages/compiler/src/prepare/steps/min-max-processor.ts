import { CompileError } from "../../errors.ts";
import { caseWhen, compare, type Expr, or } from "../../ir/expr.ts";
import { literalFor } from "../../lower/literals.ts";
import { defineStep, NUMERIC, nullOf, requireType } from "../step.ts";

export default defineStep({
  type: "MinMaxProcessor",
  label: "Clip to a range",
  category: "numbers",
  description: "Values below min / above max become the bound (clip) or NULL (clear).",
  apply(frame, p, ctx) {
    if (p.min === undefined && p.max === undefined) {
      throw new CompileError("invalid_spec", "Give a min, a max or both.", ctx.path);
    }
    if (p.min !== undefined && p.max !== undefined && p.min > p.max) {
      throw new CompileError("invalid_value", "min is greater than max.", [...ctx.path, "min"]);
    }
    p.columns.forEach((name, i) => {
      const c = frame.get(name, [...ctx.path, "columns", i]);
      requireType(c, NUMERIC, "number", [...ctx.path, "columns", i]);
      const t = c.expr.type;
      const x = c.expr;
      const bound = (v: number, key: string) => literalFor(t, v, c.name, [...ctx.path, key]);
      const lo = p.min === undefined ? null : bound(p.min, "min");
      const hi = p.max === undefined ? null : bound(p.max, "max");
      let expr: Expr;
      if (p.mode === "clip") {
        const whens = [
          ...(lo ? [{ when: compare("<", x, lo), result: lo }] : []),
          ...(hi ? [{ when: compare(">", x, hi), result: hi }] : []),
        ];
        expr = caseWhen(whens, x, t);
      } else {
        const out = or([...(lo ? [compare("<", x, lo)] : []), ...(hi ? [compare(">", x, hi)] : [])]);
        expr = caseWhen([{ when: out, result: nullOf(t) }], x, t);
      }
      frame.set(c.name, expr, [...ctx.path, "columns", i]);
    });
  },
});
