import { compare, or } from "../../ir/expr.ts";
import { defineStep, int, requireType, str, TEMPORAL } from "../step.ts";

export default defineStep({
  type: "FlagWeekend",
  label: "Flag weekends",
  category: "dates",
  description: "true on Saturdays and Sundays, false otherwise, NULL for NULL dates.",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, TEMPORAL, "temporal", [...ctx.path, "column"]);
    const dow = ctx.fn("date_part", [c.expr, str("dayOfWeek")], "integer");
    frame.insertAfter(c.name, p.output, or([compare("=", dow, int(1)), compare("=", dow, int(7))]), [
      ...ctx.path,
      "output",
    ]);
  },
});
