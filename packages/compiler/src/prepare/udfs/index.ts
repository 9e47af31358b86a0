import { isHoliday } from "./holidays.ts";
import { userAgentField } from "./user-agent.ts";

/**
 * JavaScript scalar functions that some prepare steps render calls to (`none` on Spark: they
 * block a Databricks run). Pure functions; the local engine registers each one as a DuckDB
 * scalar function (`@sous/engine-local`'s `registerSousUdfs`). NULL arguments never reach
 * `impl` (DuckDB's default NULL handling returns NULL).
 */
export type UdfType = "VARCHAR" | "DATE" | "BOOLEAN";

export interface SousUdf {
  readonly name: string;
  readonly parameterTypes: readonly UdfType[];
  readonly returnType: UdfType;
  /** DATE arguments arrive as days since 1970-01-01; VARCHAR ones as strings. */
  readonly impl: (...args: (string | number)[]) => string | boolean | null;
}

// Caching the last parse: a step extracting N fields calls the function N times per row.
let lastUa: string | undefined;
let lastFields = new Map<string, string | null>();

export const SOUS_UDFS: readonly SousUdf[] = [
  {
    name: "sous_parse_ua",
    parameterTypes: ["VARCHAR", "VARCHAR"],
    returnType: "VARCHAR",
    impl: (ua, field) => {
      if (ua !== lastUa) {
        lastUa = String(ua);
        lastFields = new Map();
      }
      const key = String(field);
      if (!lastFields.has(key)) lastFields.set(key, userAgentField(String(ua), key));
      return lastFields.get(key) ?? null;
    },
  },
  {
    name: "sous_is_holiday",
    parameterTypes: ["DATE", "VARCHAR"],
    returnType: "BOOLEAN",
    impl: (days, country) => isHoliday(Number(days), String(country)),
  },
];

export { HOLIDAY_COUNTRIES } from "./holiday-countries.ts";
export { isHoliday, isHolidayIso } from "./holidays.ts";
export { parseUserAgent, type UserAgent, userAgentField } from "./user-agent.ts";
