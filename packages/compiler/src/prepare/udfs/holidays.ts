import Holidays from "date-holidays";
import { HOLIDAY_COUNTRIES } from "./holiday-countries.ts";

/**
 * Public holidays by country from date-holidays (ISC; its data CC-BY-3.0): national holidays
 * of type "public", with the observed (substitute) day of one that falls on a weekend, even
 * where the library files that day as "bank" (US Veterans Day); not bank-only days (Germany's
 * 24 and 31 December), school holidays or observances. Pure JavaScript: the local engine runs
 * it as the DuckDB function `sous_is_holiday(date, country)`.
 */
const DAY = 86_400_000;

/** Days since 1970-01-01 of a UTC calendar date (month 1-12). */
const ymd = (y: number, m: number, d: number): number => Math.round(Date.UTC(y, m - 1, d) / DAY);

const calendars = new Map<string, Holidays>();
const cache = new Map<string, Set<number>>();

function holidaysOf(country: keyof typeof HOLIDAY_COUNTRIES, year: number): Set<number> {
  const key = `${country}${year}`;
  let set = cache.get(key);
  if (set) return set;
  let calendar = calendars.get(country);
  if (!calendar) {
    const c: { country: string; state?: string } = HOLIDAY_COUNTRIES[country];
    calendar = c.state ? new Holidays(c.country, c.state) : new Holidays(c.country);
    calendars.set(country, calendar);
  }
  set = new Set();
  for (const h of calendar.getHolidays(year)) {
    // `date` is the local calendar day, "YYYY-MM-DD hh:mm:ss".
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(h.date);
    const kept = h.type === "public" || (h.type === "bank" && h.substitute === true);
    if (m && kept) set.add(ymd(Number(m[1]), Number(m[2]), Number(m[3])));
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(key, set);
  return set;
}

/** Whether a day (days since 1970-01-01) is a public holiday; NULL for unknown countries. */
export function isHoliday(days: number, country: string): boolean | null {
  if (!Object.hasOwn(HOLIDAY_COUNTRIES, country) || !Number.isFinite(days)) return null;
  const year = new Date(days * DAY).getUTCFullYear();
  return holidaysOf(country as keyof typeof HOLIDAY_COUNTRIES, year).has(days);
}

/** `isHoliday` for an ISO date text (YYYY-MM-DD). */
export function isHolidayIso(iso: string, country: string): boolean | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? isHoliday(ymd(Number(m[1]), Number(m[2]), Number(m[3])), country) : null;
}
