import { defineStep, int, requireType, str } from "../step.ts";

export default defineStep({
  type: "PadString",
  label: "Pad text",
  category: "strings",
  description: "Pads on the left or right to N characters (longer values are cut to N, as Spark's lpad).",
  apply(frame, p, ctx) {
    p.columns.forEach((name, i) => {
      const c = frame.get(name, [...ctx.path, "columns", i]);
      requireType(c, "string", "string", [...ctx.path, "columns", i]);
      const fn = p.side === "left" ? "lpad" : "rpad";
      frame.set(c.name, ctx.fn(fn, [c.expr, int(p.length), str(p.padding)], "string"), [
        ...ctx.path,
        "columns",
        i,
      ]);
    });
  },
});
