/**
 * What the date-pattern translator (dates/translate-pattern.ts) and the renderings share
 * about Spark's datetime patterns, measured on Spark 4.0.1 (timeParserPolicy CORRECTED).
 */

/** The letter runs of a pattern outside quoted text, e.g. "dd/MM/yy 'at' HH" -> dd MM yy HH. */
function patternRuns(pattern: string): string[] {
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

/**
 * Where formatting with `pattern` differs on DuckDB, or undefined. Spark 4.0.1: date_format of
 * year 999 with 'y' or 'yyy' is '999'; strftime's %Y pads it to 0999.
 */
export function shortYearDifference(pattern: string): string | undefined {
  return patternRuns(pattern).some((r) => r === "y" || r === "yyy")
    ? "years below 1000 with y or yyy: Spark prints 999, DuckDB 0999"
    : undefined;
}

/** Whether the pattern reads a two-digit year (yy): Spark reads it as 2000-2099. */
function hasTwoDigitYear(pattern: string): boolean {
  return patternRuns(pattern).includes("yy");
}

/**
 * DuckDB's %y reads 69-99 as 1969-1999 and 00-68 as 20xx; Spark's yy is always 2000-2099
 * (Spark 4.0.1: try_to_timestamp('05/03/70', 'dd/MM/yy') = 2070-03-05). `parsed` is a DuckDB
 * TIMESTAMP expression parsed with %y; 1969-02-29 cannot occur, so +100 years is exact.
 */
const duckdbCenturyLikeSpark = (parsed: string): string =>
  `(CASE WHEN year(${parsed}) < 2000 THEN ${parsed} + INTERVAL 100 YEAR ELSE ${parsed} END)`;

/** Field texts Spark's parser accepts, per pattern letter run (Spark 4.0.1, measured). */
const FIELD_TEXT: Record<string, string> = {
  yyyy: "[0-9]{4}",
  yy: "[0-9]{2}",
  MMMM: "[A-Za-z]+",
  MMM: "[A-Za-z]{3}",
  MM: "[0-9]{2}",
  M: "[0-9]{1,2}",
  dd: "[0-9]{2}",
  d: "[0-9]{1,2}",
  DDD: "[0-9]{3}",
  HH: "[0-9]{2}",
  H: "[0-9]{1,2}",
  hh: "[0-9]{2}",
  h: "[0-9]{1,2}",
  mm: "[0-9]{2}",
  m: "[0-9]{1,2}",
  ss: "[0-9]{2}",
  s: "[0-9]{1,2}",
  SSS: "[0-9]{1,3}",
  SSSSSS: "[0-9]{1,6}",
  a: "[AaPp][Mm]",
};

const reQuote = (text: string): string => text.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");

/**
 * An RE2 regex of the texts Spark's parser accepts for `pattern`, or null when a letter has no
 * entry. DuckDB's strptime is more lenient (Spark 4.0.1 vs DuckDB: '2024-1-5' for yyyy-MM-dd,
 * ' 2024-01-05', '24-01-05', '5 Jan 2024' for dd MMM yyyy are NULL on Spark, dates locally), so
 * the DuckDB rendering parses only texts this matches as a whole.
 */
export function strictParseRegex(pattern: string): string | null {
  let out = "";
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        out += "'";
        i += 2;
        continue;
      }
      let j = i + 1;
      let text = "";
      while (j < pattern.length) {
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += pattern[j];
        j++;
      }
      out += reQuote(text);
      i = j + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      const field = FIELD_TEXT[pattern.slice(i, j)];
      if (!field) return null;
      out += field;
      i = j;
      continue;
    }
    out += reQuote(c);
    i++;
  }
  return out;
}

/** Whether the pattern names no year: Spark's default year is 1970, DuckDB's 1900. */
const lacksYear = (pattern: string): boolean => !patternRuns(pattern).some((r) => r[0] === "y");

/**
 * DuckDB SQL parsing `text` (an expression) like Spark's try_to_timestamp with `pattern`:
 * the strict text check, the 2000-2099 century for yy, 1970 for a pattern without a year.
 * `strptime` is the DuckDB pattern and `strict` the `strictParseRegex`, both already quoted by
 * the dialect (null: no strict form).
 */
export function duckdbParseLikeSpark(
  text: string,
  pattern: string,
  strptime: string,
  strict: string | null,
): string {
  let parsed = `try_strptime(${text}, ${strptime})`;
  if (hasTwoDigitYear(pattern)) parsed = duckdbCenturyLikeSpark(parsed);
  if (lacksYear(pattern)) parsed = `(${parsed} + INTERVAL 70 YEAR)`;
  return strict === null ? parsed : `(CASE WHEN regexp_full_match(${text}, ${strict}) THEN ${parsed} END)`;
}

/** Letter runs whose parsing was checked equal on both engines once the strict regex applies. */
const CHECKED_PARSE_RUNS: ReadonlySet<string> = new Set([
  "yyyy",
  "yy",
  "MM",
  "dd",
  "HH",
  "mm",
  "ss",
  "SSS",
  "MMM",
  "a",
]);

/**
 * Why DuckDB may parse texts differently from Spark with this pattern, or undefined. Measured on
 * Spark 4.0.1: single-letter fields also take leading zeros (yyyy-M-d reads '2024-001-05'),
 * which DuckDB's %-m does not; the letters listed above agree.
 */
export function parseDifference(pattern: string): string | undefined {
  const other = [...new Set(patternRuns(pattern).filter((r) => !CHECKED_PARSE_RUNS.has(r)))];
  if (other.length === 0) return undefined;
  return `with ${other.join(", ")} in the pattern, DuckDB's strptime can read texts differently from Spark (Spark's one-letter fields also take extra leading zeros: '001' for M)`;
}
