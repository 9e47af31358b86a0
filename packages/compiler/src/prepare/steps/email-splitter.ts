import { defineStep, int, requireType, str } from "../step.ts";

// \z, not $: Java's $ also matches before a final line break, RE2's does not (regex/java-regex.ts).
const EMAIL = "^([^@]+)@([^@]+)\\z";

export default defineStep({
  type: "EmailSplitter",
  label: "Split e-mail addresses",
  category: "web",
  description: "Splits user@domain into <prefix>user and <prefix>domain; NULL when not an address.",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, "string", "string", [...ctx.path, "column"]);
    const prefix = p.prefix ?? `${c.name}_`;
    let after = c.name;
    (["user", "domain"] as const).forEach((part, i) => {
      const text = ctx.fn(
        "nullif",
        [ctx.fn("regexp_extract", [c.expr, str(EMAIL), int(i + 1)], "string"), str("")],
        "string",
      );
      frame.insertAfter(after, `${prefix}${part}`, text, [...ctx.path, "prefix"]);
      after = `${prefix}${part}`;
    });
  },
});
