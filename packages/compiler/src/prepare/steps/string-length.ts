import { cast } from "../../ir/expr.ts";
import { asString, defineStep } from "../step.ts";

export default defineStep({
  type: "StringLength",
  label: "Text length",
  category: "strings",
  description: "Number of characters of the value as text (an integer).",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    const len = cast(ctx.call("length", [asString(c.expr, ctx)], "bigint"), "integer");
    frame.insertAfter(c.name, p.output, len, [...ctx.path, "output"]);
  },
});
