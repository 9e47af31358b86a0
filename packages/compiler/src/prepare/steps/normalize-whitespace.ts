import { defineStep, requireType, str } from "../step.ts";
import { WS } from "./trim-whitespace.ts";

export default defineStep({
  type: "NormalizeWhitespace",
  label: "Normalize whitespace",
  category: "strings",
  description: "Trims, then turns every run of whitespace into one space.",
  apply(frame, p, ctx) {
    p.columns.forEach((name, i) => {
      const c = frame.get(name, [...ctx.path, "columns", i]);
      requireType(c, "string", "string", [...ctx.path, "columns", i]);
      const trimmed = ctx.fn("regexp_replace", [c.expr, str(`^${WS}+|${WS}+\\z`), str("")], "string");
      frame.set(c.name, ctx.fn("regexp_replace", [trimmed, str(`${WS}+`), str(" ")], "string"), [
        ...ctx.path,
        "columns",
        i,
      ]);
    });
  },
});
