import { CompileError } from "../../errors.ts";
import { defineStep, requireType, sketch, str, TEMPORAL } from "../step.ts";
import { HOLIDAY_COUNTRIES } from "../udfs/holiday-countries.ts";

export default defineStep({
  type: "HolidaysComputer",
  label: "Flag holidays",
  category: "dates",
  description: `true on public holidays of a country (${Object.keys(HOLIDAY_COUNTRIES).join(", ")}); a JavaScript function of the local engine.`,
  calls: (p) => [sketch.ext("sous_is_holiday", [sketch.column, str(p.country)], "boolean")],
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, TEMPORAL, "temporal", [...ctx.path, "column"]);
    if (!Object.hasOwn(HOLIDAY_COUNTRIES, p.country)) {
      throw new CompileError(
        "invalid_value",
        `No holiday calendar for "${p.country}"; available: ${Object.keys(HOLIDAY_COUNTRIES).join(", ")}.`,
        [...ctx.path, "country"],
      );
    }
    frame.insertAfter(c.name, p.output, ctx.fn("sous_is_holiday", [c.expr, str(p.country)], "boolean"), [
      ...ctx.path,
      "output",
    ]);
  },
});
