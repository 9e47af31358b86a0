import { CompileError } from "../../errors.ts";
import { caseWhen, compare } from "../../ir/expr.ts";
import { literalFor } from "../../lower/literals.ts";
import { defineStep, int, nullOf } from "../step.ts";

export default defineStep({
  type: "Unfold",
  label: "Unfold values to columns",
  category: "reshape",
  description:
    "One column per value (<prefix><value>): 1 where the row has that value, else NULL or 0. The values are a compile input, like the pivot recipe's.",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    const values = p.values ?? ctx.extra.prepareValues?.[ctx.id];
    if (!values) {
      throw new CompileError(
        "missing_compile_input",
        `Step "${ctx.id}" unfolds "${c.name}" but no values were given: list them in the step or pass context.prepareValues["${ctx.id}"] (e.g. from SELECT DISTINCT).`,
        [...ctx.path, "values"],
      );
    }
    const prefix = p.prefix ?? `${c.name}_`;
    const otherwise = p.absent === "zero" ? int(0) : nullOf("integer");
    let after = c.name;
    values.forEach((v, i) => {
      const path = p.values ? [...ctx.path, "values", i] : ["context", "prepareValues", ctx.id, i];
      const value = literalFor(c.expr.type, c.expr.type === "string" ? String(v) : v, c.name, path);
      const name = `${prefix}${String(v)}`;
      frame.insertAfter(
        after,
        name,
        caseWhen([{ when: compare("=", c.expr, value), result: int(1) }], otherwise, "integer"),
        path,
      );
      after = name;
    });
    if (!p.keepOriginal) frame.remove(c.name);
  },
});
