/**
 * What both date-pattern translators (formula/dates.ts and prepare/sql/date-patterns.ts) share
 * about Spark's datetime patterns, measured on Spark 4.0.1 (timeParserPolicy CORRECTED).
 */

/** The letter runs of a pattern outside quoted text, e.g. "dd/MM/yy 'at' HH" -> dd MM yy HH. */
export function patternRuns(pattern: string): string[] {
  const runs: string[] = [];
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      i = end < 0 ? pattern.length : end + 1;
      continue;
    }
    let j = i + 1;
    if (/[A-Za-z]/.test(c)) {
      while (pattern[j] === c) j++;
      runs.push(pattern.slice(i, j));
    }
    i = j;
  }
  return runs;
}

/**
 * Why Spark refuses `pattern` for parsing, or undefined. Spark 3.0+ accepts E (day of week) only
 * for formatting: to_timestamp / try_to_timestamp with it raise
 * INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION, with ANSI on and off.
 */
export function parsePatternProblem(pattern: string): string | undefined {
  return patternRuns(pattern).some((r) => r[0] === "E")
    ? `The date pattern '${pattern}' uses E (day of week), which Spark only allows for formatting, not for parsing: remove it, or quote the text it stands for`
    : undefined;
}

/** Whether the pattern reads a two-digit year (yy): Spark reads it as 2000-2099. */
export function hasTwoDigitYear(pattern: string): boolean {
  return patternRuns(pattern).includes("yy");
}

/**
 * DuckDB's %y reads 69-99 as 1969-1999 and 00-68 as 20xx; Spark's yy is always 2000-2099
 * (Spark 4.0.1: try_to_timestamp('05/03/70', 'dd/MM/yy') = 2070-03-05). `parsed` is a DuckDB
 * TIMESTAMP expression parsed with %y; 1969-02-29 cannot occur, so +100 years is exact.
 */
export const duckdbCenturyLikeSpark = (parsed: string): string =>
  `(CASE WHEN year(${parsed}) < 2000 THEN ${parsed} + INTERVAL 100 YEAR ELSE ${parsed} END)`;
