import { defineStep, int, requireType, str, TEMPORAL } from "../step.ts";

const DATE_UNITS = new Set(["days", "weeks", "months", "years"]);

export default defineStep({
  type: "DateIncrement",
  label: "Add to / subtract from dates",
  category: "dates",
  description:
    "Adds a (negative) amount of a unit; month arithmetic clamps to the month's last day (Jan 31 + 1 month = Feb 29). Dates plus hours become timestamps.",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, TEMPORAL, "temporal", [...ctx.path, "column"]);
    const type = c.expr.type === "date" && DATE_UNITS.has(p.unit) ? "date" : "timestamp";
    const expr = ctx.fn("date_add", [c.expr, int(p.amount), str(p.unit)], type);
    if (p.output === undefined) frame.set(c.name, expr, [...ctx.path, "column"]);
    else frame.insertAfter(c.name, p.output, expr, [...ctx.path, "output"]);
  },
});
