import { defineStep, int, requireType, str } from "../step.ts";

export default defineStep({
  type: "ExtractNumbers",
  label: "Extract a number",
  category: "numbers",
  description: "The first number in the text (e.g. 'EUR 12.50 net' -> 12.5) as a double; NULL when none.",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, "string", "string", [...ctx.path, "column"]);
    const sep = p.decimalSeparator === "." ? "[.]" : ",";
    let text = ctx.fn("regexp_extract", [c.expr, str(`([-+]?[0-9]+(${sep}[0-9]+)?)`), int(1)], "string");
    if (p.decimalSeparator === ",") text = ctx.fn("replace", [text, str(","), str(".")], "string");
    frame.insertAfter(c.name, p.output ?? `${c.name}_number`, ctx.fn("try_cast", [text], "double"), [
      ...ctx.path,
      "output",
    ]);
  },
});
