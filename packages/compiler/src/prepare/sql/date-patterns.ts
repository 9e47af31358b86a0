import { parsePatternProblem } from "../../dates/spark-patterns.ts";
import { CompileError } from "../../errors.ts";

type Path = (string | number)[];

/**
 * Spark datetime pattern letters Sous supports, with their DuckDB strftime/strptime equivalent
 * (research/databricks-sparksql.md §4). Anything else is refused at compile time rather than
 * rendered into a format the two engines read differently.
 */
const LETTERS: Record<string, string> = {
  yyyy: "%Y",
  yy: "%y",
  MM: "%m",
  M: "%-m",
  MMM: "%b",
  MMMM: "%B",
  dd: "%d",
  d: "%-d",
  DDD: "%j",
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
  EEE: "%a",
  EEEE: "%A",
};

const RESERVED = new Set(["[", "]", "{", "}", "#"]);

export interface DatePattern {
  /** The same pattern for DuckDB's strftime/strptime. */
  strftime: string;
  /** Letters used, e.g. ["yyyy", "MM"]. */
  fields: string[];
}

/** Translates a Spark datetime pattern; a CompileError names the first unsupported part. */
export function translateDatePattern(
  pattern: string,
  path: Path,
  mode: "format" | "parse" = "format",
): DatePattern {
  const refused = mode === "parse" ? parsePatternProblem(pattern) : undefined;
  if (refused) throw new CompileError("invalid_value", refused, path);
  let out = "";
  const fields: string[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new CompileError(
      "invalid_value",
      `Date pattern "${pattern}": ${what}. Supported letters: ${Object.keys(LETTERS).join(" ")}; quote literal text with '.`,
      path,
    );
  };
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === "'") {
      // Quoted literal; '' inside or outside quotes is one quote.
      if (pattern[i + 1] === "'") {
        out += "'";
        i += 2;
        continue;
      }
      let j = i + 1;
      let text = "";
      for (;;) {
        if (j >= pattern.length) fail("a quote is not closed");
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
      out += text.replaceAll("%", "%%");
      i = j + 1;
      continue;
    }
    if (/[A-Za-z]/.test(ch)) {
      let j = i;
      while (pattern[j] === ch) j++;
      const run = pattern.slice(i, j);
      const mapped = LETTERS[run];
      if (!mapped) fail(`"${run}" is not supported`);
      out += mapped;
      fields.push(run);
      i = j;
      continue;
    }
    if (RESERVED.has(ch)) fail(`"${ch}" is reserved`);
    out += ch === "%" ? "%%" : ch;
    i++;
  }
  if (fields.length === 0) fail("it has no date or time field");
  return { strftime: out, fields };
}
