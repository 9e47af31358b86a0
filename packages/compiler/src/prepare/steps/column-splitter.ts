import { defineStep, int, requireType, str } from "../step.ts";

export default defineStep({
  type: "ColumnSplitter",
  label: "Split column",
  category: "columns",
  description: "Splits text on a literal separator into N columns (<prefix>1..N); '' past the last part.",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, "string", "string", [...ctx.path, "column"]);
    const prefix = p.outputPrefix ?? `${c.name}_`;
    let after = c.name;
    for (let i = 1; i <= p.count; i++) {
      const name = `${prefix}${i}`;
      frame.insertAfter(after, name, ctx.fn("split_part", [c.expr, str(p.separator), int(i)], "string"), [
        ...ctx.path,
        "outputPrefix",
      ]);
      after = name;
    }
    if (!p.keepOriginal) frame.remove(c.name);
  },
});
