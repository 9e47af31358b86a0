import { defineStep, requireType, sketch, str } from "../step.ts";

export default defineStep({
  type: "JSONFlattener",
  label: "Flatten JSON",
  category: "reshape",
  description: "Extracts known keys (a.b for nested ones) of a JSON text column into text columns.",
  calls: (p) => p.keys.map((k) => sketch.ext("json_get", [sketch.column, str(`$.${k.path}`)])),
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, "string", "string", [...ctx.path, "column"]);
    const prefix = p.prefix ?? `${c.name}_`;
    let after = c.name;
    p.keys.forEach((k, i) => {
      const name = k.output ?? `${prefix}${k.path.replaceAll(".", "_")}`;
      frame.insertAfter(after, name, ctx.fn("json_get", [c.expr, str(`$.${k.path}`)], "string"), [
        ...ctx.path,
        "keys",
        i,
      ]);
      after = name;
    });
  },
});
