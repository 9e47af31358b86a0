import { call, cast } from "../../ir/expr.ts";
import { asString, BOTH_FULL, defineStep } from "../step.ts";

export default defineStep({
  type: "StringLength",
  label: "Text length",
  category: "strings",
  description: "Number of characters of the value as text (an integer).",
  engines: () => BOTH_FULL,
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    const len = cast(call("length", [asString(c.expr, ctx)], "bigint", ctx.id), "integer");
    frame.insertAfter(c.name, p.output, len, [...ctx.path, "output"]);
  },
});
