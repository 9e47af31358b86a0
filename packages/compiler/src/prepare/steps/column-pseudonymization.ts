import { asString, defineStep, str } from "../step.ts";

export default defineStep({
  type: "ColumnPseudonymization",
  label: "Pseudonymize columns",
  category: "columns",
  description: "Replaces values by the hex SHA-256 (or MD5) of salt + value; NULL stays NULL.",
  apply(frame, p, ctx) {
    p.columns.forEach((name, i) => {
      const c = frame.get(name, [...ctx.path, "columns", i]);
      const text = asString(c.expr, ctx);
      const salted = p.salt === "" ? text : ctx.fn("concat", [str(p.salt), text], "string");
      frame.set(c.name, ctx.fn(p.algorithm, [salted], "string"), [...ctx.path, "columns", i]);
    });
  },
});
