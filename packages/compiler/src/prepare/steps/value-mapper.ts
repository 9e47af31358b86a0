import { CompileError } from "../../errors.ts";
import { caseWhen, compare, lit } from "../../ir/expr.ts";
import { asString, defineStep, str } from "../step.ts";

export default defineStep({
  type: "ValueMapper",
  label: "Map values (switch case)",
  category: "strings",
  description: "Replaces listed values by others; other values are kept, cleared or set to a default.",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    const x = asString(c.expr, ctx);
    if (p.otherwise === "value" && p.otherwiseValue === undefined) {
      throw new CompileError("invalid_spec", "otherwise = value needs otherwiseValue.", [
        ...ctx.path,
        "otherwiseValue",
      ]);
    }
    const otherwise =
      p.otherwise === "keep" ? x : p.otherwise === "null" ? lit(null, "string") : str(p.otherwiseValue ?? "");
    const expr = caseWhen(
      p.mapping.map((m) => ({ when: compare("=", x, str(m.from)), result: lit(m.to, "string") })),
      otherwise,
      "string",
    );
    if (p.output === undefined) frame.set(c.name, expr, [...ctx.path, "column"]);
    else frame.insertAfter(c.name, p.output, expr, [...ctx.path, "output"]);
  },
});
