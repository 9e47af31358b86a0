/**
 * Public holidays by country, computed (no data files): fixed dates, Easter-based dates and
 * "nth weekday of the month" rules. National holidays only (no regional ones). Pure JavaScript:
 * the local engine runs it as the DuckDB function `sous_is_holiday(date, country)`.
 */
type Rule = (year: number) => number[];

const DAY = 86_400_000;
/** Days since 1970-01-01 of a UTC calendar date (month 1-12). */
const ymd = (y: number, m: number, d: number): number => Math.round(Date.UTC(y, m - 1, d) / DAY);
/** 0 = Sunday .. 6 = Saturday. */
const weekday = (days: number): number => (((days + 4) % 7) + 7) % 7;

/** Gregorian Easter Sunday (anonymous Gregorian algorithm). */
function easter(y: number): number {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return ymd(y, month, day);
}

/** The nth (1-based; -1 = last) given weekday of a month. */
function nthWeekday(y: number, m: number, wd: number, n: number): number {
  if (n > 0) {
    const first = ymd(y, m, 1);
    return first + ((wd - weekday(first) + 7) % 7) + (n - 1) * 7;
  }
  const last = ymd(y, m + 1, 1) - 1;
  return last - ((weekday(last) - wd + 7) % 7);
}

const fixed =
  (...mds: [number, number][]): Rule =>
  (y) =>
    mds.map(([m, d]) => ymd(y, m, d));
const fromEaster =
  (...offsets: number[]): Rule =>
  (y) =>
    offsets.map((o) => easter(y) + o);
const all =
  (...rules: Rule[]): Rule =>
  (y) =>
    rules.flatMap((r) => r(y));

/** US federal observance: Saturday holidays are observed on Friday, Sunday ones on Monday. */
const usObserved =
  (m: number, d: number, since = 0): Rule =>
  (y) => {
    if (y < since) return [];
    const day = ymd(y, m, d);
    const wd = weekday(day);
    return wd === 6 ? [day, day - 1] : wd === 0 ? [day, day + 1] : [day];
  };

/** England & Wales: a holiday on a weekend gives the next free weekday ("substitute day"). */
function withSubstitutes(days: number[]): number[] {
  const taken = new Set<number>();
  const out: number[] = [];
  for (const day of days) {
    out.push(day);
    let d = day;
    while (weekday(d) === 0 || weekday(d) === 6 || taken.has(d)) d++;
    taken.add(d);
    if (d !== day) out.push(d);
  }
  return out;
}

export const HOLIDAY_COUNTRIES: Readonly<Record<string, Rule>> = {
  BE: all(fixed([1, 1], [5, 1], [7, 21], [8, 15], [11, 1], [11, 11], [12, 25]), fromEaster(0, 1, 39, 49, 50)),
  DE: all(fixed([1, 1], [5, 1], [10, 3], [12, 25], [12, 26]), fromEaster(-2, 1, 39, 50)),
  ES: all(
    fixed([1, 1], [1, 6], [5, 1], [8, 15], [10, 12], [11, 1], [12, 6], [12, 8], [12, 25]),
    fromEaster(-2),
  ),
  FR: all(
    fixed([1, 1], [5, 1], [5, 8], [7, 14], [8, 15], [11, 1], [11, 11], [12, 25]),
    fromEaster(0, 1, 39, 49, 50),
  ),
  GB: (y) => [
    ...withSubstitutes([ymd(y, 1, 1)]),
    ...fromEaster(-2, 1)(y),
    nthWeekday(y, 5, 1, 1),
    nthWeekday(y, 5, 1, -1),
    nthWeekday(y, 8, 1, -1),
    ...withSubstitutes([ymd(y, 12, 25), ymd(y, 12, 26)]),
  ],
  IT: all(
    fixed([1, 1], [1, 6], [4, 25], [5, 1], [6, 2], [8, 15], [11, 1], [12, 8], [12, 25], [12, 26]),
    fromEaster(0, 1),
  ),
  NL: (y) => {
    const kings = ymd(y, 4, 27);
    return [
      ...fixed([1, 1], [5, 5], [12, 25], [12, 26])(y),
      ...fromEaster(0, 1, 39, 49, 50)(y),
      weekday(kings) === 0 ? kings - 1 : kings,
    ];
  },
  US: all(
    usObserved(1, 1),
    usObserved(6, 19, 2021),
    usObserved(7, 4),
    usObserved(11, 11),
    usObserved(12, 25),
    (y) => [
      nthWeekday(y, 1, 1, 3),
      nthWeekday(y, 2, 1, 3),
      nthWeekday(y, 5, 1, -1),
      nthWeekday(y, 9, 1, 1),
      nthWeekday(y, 10, 1, 2),
      nthWeekday(y, 11, 4, 4),
    ],
  ),
};

const cache = new Map<string, Set<number>>();

/** Whether a day (days since 1970-01-01) is a public holiday; NULL for unknown countries. */
export function isHoliday(days: number, country: string): boolean | null {
  const rule = Object.hasOwn(HOLIDAY_COUNTRIES, country) ? HOLIDAY_COUNTRIES[country] : undefined;
  if (!rule || !Number.isFinite(days)) return null;
  const year = new Date(days * DAY).getUTCFullYear();
  const key = `${country}${year}`;
  let set = cache.get(key);
  if (!set) {
    set = new Set(rule(year));
    if (cache.size > 10_000) cache.clear();
    cache.set(key, set);
  }
  return set.has(days);
}

/** `isHoliday` for an ISO date text (YYYY-MM-DD). */
export function isHolidayIso(iso: string, country: string): boolean | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? isHoliday(ymd(Number(m[1]), Number(m[2]), Number(m[3])), country) : null;
}
