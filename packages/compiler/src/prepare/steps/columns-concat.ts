import { asString, defineStep, str } from "../step.ts";

export default defineStep({
  type: "ColumnsConcat",
  label: "Concatenate columns",
  category: "columns",
  description: "Joins columns as text with a separator; NULL cells are skipped (or make the result NULL).",
  apply(frame, p, ctx) {
    const parts = p.columns.map((name, i) =>
      asString(frame.get(name, [...ctx.path, "columns", i]).expr, ctx),
    );
    const expr = p.skipNulls
      ? ctx.fn("concat_ws", [str(p.separator), ...parts], "string")
      : ctx.fn(
          "concat",
          p.separator === "" ? parts : parts.flatMap((x, i) => (i === 0 ? [x] : [str(p.separator), x])),
          "string",
        );
    frame.set(p.output, expr, [...ctx.path, "output"]);
  },
});
