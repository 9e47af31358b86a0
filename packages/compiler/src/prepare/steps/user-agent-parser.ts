import { defineStep, requireType, sketch, str } from "../step.ts";

export default defineStep({
  type: "UserAgentParser",
  label: "Parse user agent",
  category: "web",
  description:
    "Browser, version, OS and device type of a User-Agent header (a JavaScript function of the local engine).",
  calls: (p) => p.fields.map((f) => sketch.ext("sous_parse_ua", [sketch.column, str(f)])),
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, "string", "string", [...ctx.path, "column"]);
    const prefix = p.prefix ?? `${c.name}_`;
    let after = c.name;
    for (const field of p.fields) {
      const name = `${prefix}${field}`;
      frame.insertAfter(after, name, ctx.fn("sous_parse_ua", [c.expr, str(field)], "string"), [
        ...ctx.path,
        "fields",
      ]);
      after = name;
    }
  },
});
