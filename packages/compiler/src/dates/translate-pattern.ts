import { parsePatternProblem } from "./spark-patterns.ts";

/**
 * The one translation of Spark (Java) datetime patterns to DuckDB strftime/strptime patterns,
 * used by formulas, prepare steps and the SQL recipe's local run. Only letters with an exact
 * counterpart are accepted; anything else is refused with the list of what is supported, rather
 * than producing a date text that differs between engines.
 */
const FORMAT: Record<string, string> = {
  yyyy: "%Y",
  // Years below 1000 differ with these two: Spark prints that minimum of digits (999), %Y always
  // four (0999); strftime has no directive for the former, so the renderings flag it
  // (shortYearDifference).
  yyy: "%Y",
  y: "%Y",
  yy: "%y",
  MMMM: "%B",
  MMM: "%b",
  MM: "%m",
  M: "%-m",
  dd: "%d",
  d: "%-d",
  HH: "%H",
  H: "%-H",
  hh: "%I",
  h: "%-I",
  mm: "%M",
  m: "%-M",
  ss: "%S",
  s: "%-S",
  SSS: "%g",
  SSSSSS: "%f",
  a: "%p",
  EEEE: "%A",
  EEE: "%a",
  E: "%a",
  DDD: "%j",
};

/** strptime reads one- or two-digit fields with the padded directive. */
const PARSE_OVERRIDES: Record<string, string> = {
  M: "%m",
  d: "%d",
  H: "%H",
  h: "%I",
  m: "%M",
  s: "%S",
  y: "%Y",
};

const SUPPORTED =
  "yyyy, yy, MMMM, MMM, MM, M, dd, d, HH, H, hh, h, mm, m, ss, s, SSS, SSSSSS, a, EEEE, EEE, DDD";

export type PatternTranslation =
  /** `pattern` for DuckDB; `fields`, the letter runs used (e.g. ["yyyy", "MM"]). */
  { pattern: string; fields: string[] } | { error: string };

export function translateSparkPattern(pattern: string, mode: "format" | "parse"): PatternTranslation {
  let out = "";
  const fields: string[] = [];
  let i = 0;
  if (pattern === "") return { error: "The date pattern is empty: write one such as 'yyyy-MM-dd'" };
  const refused = mode === "parse" ? parsePatternProblem(pattern) : undefined;
  if (refused) return { error: refused };
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      // Java's rule (DateTimeFormatterBuilder.parsePattern): a quoted section ends at a single
      // quote, '' inside it is a quote, and an empty section ('') is a quote.
      let j = i + 1;
      for (; j < pattern.length; j++) {
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") j++;
          else break;
        }
      }
      if (j >= pattern.length) {
        return { error: `Unclosed quote in the date pattern '${pattern}': add the closing '` };
      }
      const text = pattern.slice(i + 1, j);
      out += text === "" ? "'" : text.replaceAll("''", "'").replaceAll("%", "%%");
      i = j + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      const run = pattern.slice(i, j);
      const directive = (mode === "parse" ? PARSE_OVERRIDES[run] : undefined) ?? FORMAT[run];
      if (!directive) {
        return {
          error: `The date pattern letter${run.length > 1 ? "s" : ""} '${run}' ${run.length > 1 ? "are" : "is"} not supported (supported: ${SUPPORTED}, 'quoted text')`,
        };
      }
      out += directive;
      fields.push(run);
      i = j;
      continue;
    }
    // Spark reads [ ] as an optional section and { } # as reserved (Spark 4.0.1 formats
    // 'HH:mm:ss[.SSS]' as 12:00:00.000); strftime would print them: refused.
    if ("[]{}#".includes(c)) {
      return {
        error: `'${c}' is reserved in date patterns (Spark reads [ ] as an optional section): quote it, e.g. '${c}'`,
      };
    }
    out += c === "%" ? "%%" : c;
    i++;
  }
  return { pattern: out, fields };
}
