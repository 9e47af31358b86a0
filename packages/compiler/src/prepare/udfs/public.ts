/**
 * `@sous/compiler/udfs`: the JavaScript functions some prepare steps call (pure), and their
 * registration on a DuckDB connection for the local engine. Kept out of the main entry so that
 * the compiler's entry never deals with engines.
 */
export { type DuckDBApi, registerSousUdfs } from "./duckdb.ts";
export {
  HOLIDAY_COUNTRIES,
  isHoliday,
  isHolidayIso,
  parseUserAgent,
  SOUS_UDFS,
  type SousUdf,
  type UdfType,
  type UserAgent,
  userAgentField,
} from "./index.ts";
