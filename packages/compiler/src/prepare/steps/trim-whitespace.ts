import { defineStep, requireType, str } from "../step.ts";

/** Java's whitespace class, spelled out (RE2's \\s lacks the vertical tab). */
export const WS = "[\\t\\n\\x0B\\f\\r ]";

export default defineStep({
  type: "TrimWhitespace",
  label: "Trim whitespace",
  category: "strings",
  description: "Removes leading and/or trailing whitespace (spaces, tabs, line breaks).",
  apply(frame, p, ctx) {
    // \z, not $: Java's $ also matches before a final line break, RE2's does not.
    const pattern = p.side === "both" ? `^${WS}+|${WS}+\\z` : p.side === "left" ? `^${WS}+` : `${WS}+\\z`;
    p.columns.forEach((name, i) => {
      const c = frame.get(name, [...ctx.path, "columns", i]);
      requireType(c, "string", "string", [...ctx.path, "columns", i]);
      frame.set(c.name, ctx.fn("regexp_replace", [c.expr, str(pattern), str("")], "string"), [
        ...ctx.path,
        "columns",
        i,
      ]);
    });
  },
});
