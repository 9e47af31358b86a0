import { defineStep, requireType, str, TEMPORAL } from "../step.ts";

const TIME_PARTS = new Set(["hour", "minute", "second"]);

export default defineStep({
  type: "DateComponentsExtractor",
  label: "Extract date parts",
  category: "dates",
  description:
    "Year, quarter, month, day, day of week (1 = Sunday .. 7 = Saturday, Spark's), day of year, ISO week, hour, minute, second as integers.",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, TEMPORAL, "temporal", [...ctx.path, "column"]);
    const prefix = p.prefix ?? `${c.name}_`;
    let after = c.name;
    p.parts.forEach((part, i) => {
      const x =
        TIME_PARTS.has(part) && c.expr.type === "date"
          ? ctx.fn("to_timestamp", [c.expr], "timestamp")
          : c.expr;
      const name = `${prefix}${part}`;
      frame.insertAfter(after, name, ctx.fn("date_part", [x, str(part)], "integer"), [
        ...ctx.path,
        "parts",
        i,
      ]);
      after = name;
    });
  },
});
