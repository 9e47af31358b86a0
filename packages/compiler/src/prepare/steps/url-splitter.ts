import { defineStep, int, requireType, str } from "../step.ts";

/** scheme://host[:port][path][?query][#fragment]; groups 1, 2, 4, 5, 7, 9. */
const URL =
  "^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#:]*)(:([0-9]+))?([^?#]*)([?]([^#]*))?(#([^\\n\\r\\x{85}\\x{2028}\\x{2029}]*))?\\z";
const GROUP = { scheme: 1, host: 2, port: 4, path: 5, query: 7, fragment: 9 } as const;

export default defineStep({
  type: "URLSplitter",
  label: "Split URL",
  category: "web",
  description:
    "Splits absolute URLs into scheme, host, port (integer), path, query and fragment; NULL when absent.",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, "string", "string", [...ctx.path, "column"]);
    const prefix = p.prefix ?? `${c.name}_`;
    let after = c.name;
    for (const part of p.parts) {
      const text = ctx.fn(
        "nullif",
        [ctx.fn("regexp_extract", [c.expr, str(URL), int(GROUP[part])], "string"), str("")],
        "string",
      );
      const name = `${prefix}${part}`;
      frame.insertAfter(after, name, part === "port" ? ctx.fn("try_cast", [text], "integer") : text, [
        ...ctx.path,
        "parts",
      ]);
      after = name;
    }
  },
});
