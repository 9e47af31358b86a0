import { CompileError } from "../../errors.ts";
import { defineStep, type Path, requireType, sketch, str, TEMPORAL } from "../step.ts";

const ZONE = /^(UTC|[A-Z][A-Za-z_]+(\/[A-Za-z0-9_+-]+){1,2})$/;

function checkZone(zone: string, path: Path): void {
  let known = ZONE.test(zone);
  if (known) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: zone });
    } catch {
      known = false;
    }
  }
  if (!known) {
    throw new CompileError(
      "invalid_value",
      `"${zone}" is not an IANA time zone such as Europe/Paris or UTC.`,
      path,
    );
  }
}

export default defineStep({
  type: "TimezoneConverter",
  label: "Convert time zone",
  category: "dates",
  description: "Reads timestamps as wall-clock time in one zone and gives the wall-clock time in another.",
  calls: (p) => [sketch.ext("convert_timezone", [sketch.column, str(p.from), str(p.to)], "timestamp")],
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, TEMPORAL, "temporal", [...ctx.path, "column"]);
    checkZone(p.from, [...ctx.path, "from"]);
    checkZone(p.to, [...ctx.path, "to"]);
    const ts = ctx.fn("to_timestamp", [c.expr], "timestamp");
    const expr = ctx.fn("convert_timezone", [ts, str(p.from), str(p.to)], "timestamp");
    if (p.output === undefined) frame.set(c.name, expr, [...ctx.path, "column"]);
    else frame.insertAfter(c.name, p.output, expr, [...ctx.path, "output"]);
  },
});
