import { asString, defineStep, str } from "../step.ts";

export default defineStep({
  type: "AddPrefixSuffix",
  label: "Add prefix / suffix",
  category: "strings",
  description: "Wraps values with a prefix and a suffix (NULL stays NULL); the column becomes text.",
  apply(frame, p, ctx) {
    p.columns.forEach((name, i) => {
      const c = frame.get(name, [...ctx.path, "columns", i]);
      const parts = [
        ...(p.prefix ? [str(p.prefix)] : []),
        asString(c.expr, ctx),
        ...(p.suffix ? [str(p.suffix)] : []),
      ];
      frame.set(c.name, parts.length === 1 ? parts[0]! : ctx.fn("concat", parts, "string"), [
        ...ctx.path,
        "columns",
        i,
      ]);
    });
  },
});
