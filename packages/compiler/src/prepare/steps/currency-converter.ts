import { CompileError } from "../../errors.ts";
import { caseWhen, compare, type Expr } from "../../ir/expr.ts";
import { dbl, defineStep, NUMERIC, requireType, str } from "../step.ts";

export default defineStep({
  type: "CurrencyConverter",
  label: "Convert currencies",
  category: "numbers",
  description:
    "amount * rate of its currency, from a fixed rate table; NULL for currencies not in the table.",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, NUMERIC, "number", [...ctx.path, "column"]);
    const amount = c.expr.type === "double" ? c.expr : ctx.fn("try_cast", [c.expr], "double");
    const rates = Object.entries(p.rates);
    if (rates.length === 0)
      throw new CompileError("invalid_value", "The rate table is empty.", [...ctx.path, "rates"]);
    let rate: Expr;
    if (p.currencyColumn !== undefined) {
      const cur = frame.get(p.currencyColumn, [...ctx.path, "currencyColumn"]);
      requireType(cur, "string", "string", [...ctx.path, "currencyColumn"]);
      rate = caseWhen(
        rates.map(([code, r]) => ({ when: compare("=", cur.expr, str(code)), result: dbl(r) })),
        null,
        "double",
      );
    } else if (p.currency !== undefined) {
      const r = p.rates[p.currency];
      if (r === undefined) {
        throw new CompileError("invalid_value", `The rate table has no rate for ${p.currency}.`, [
          ...ctx.path,
          "rates",
        ]);
      }
      rate = dbl(r);
    } else {
      throw new CompileError("invalid_spec", "Give the currency column or a fixed currency.", ctx.path);
    }
    frame.set(p.output, ctx.fn("mul", [amount, rate], "double"), [...ctx.path, "output"]);
  },
});
