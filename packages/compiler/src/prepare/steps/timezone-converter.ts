import { CompileError } from "../../errors.ts";
import { BOTH_FULL, defineStep, FULL, type Path, partial, requireType, str, TEMPORAL } from "../step.ts";

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

/** Whether a zone's UTC offset changes over the year (its clocks go back once: an hour repeats). */
function hasDaylightSaving(zone: string): boolean {
  const offset = (month: number): string =>
    new Intl.DateTimeFormat("en", { timeZone: zone, timeZoneName: "longOffset" })
      .formatToParts(Date.UTC(2024, month, 1))
      .find((x) => x.type === "timeZoneName")?.value ?? "";
  try {
    return offset(0) !== offset(6);
  } catch {
    return false;
  }
}

/**
 * Measured on Spark 4.0.1: to_utc_timestamp(TIMESTAMP '2024-10-27 02:30:00', 'Europe/Paris') is
 * 00:30 UTC (the earlier, summer offset, java.time's rule); DuckDB's ICU gives 01:30 UTC.
 * Times in the skipped hour in spring agree (both move forward).
 */
const overlapCondition = (zone: string): string =>
  `wall-clock times in the hour that repeats when ${zone} turns its clocks back (e.g. 02:30 on the last Sunday of October in Europe/Paris): Spark reads them with the summer offset, DuckDB with the winter one, an hour apart`;

export default defineStep({
  type: "TimezoneConverter",
  label: "Convert time zone",
  category: "dates",
  description: "Reads timestamps as wall-clock time in one zone and gives the wall-clock time in another.",
  engines: (p) =>
    p.from !== "UTC" && hasDaylightSaving(p.from)
      ? { spark: FULL, duckdb: partial(overlapCondition(p.from)) }
      : BOTH_FULL,
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
