/**
 * The one place that decides whether DuckDB (RE2) runs a Java regex (Spark's) the same way.
 * Every regex the compiler emits (formulas, filter rules, prepare steps, the compiler's own
 * patterns) is judged here, by the DuckDB dialect's `assess` hook and by the prepare steps'
 * catalogue verdicts, so the badge and the run agree.
 *
 * Each entry was checked on Spark 4.0.1 (`regexp_like`) and DuckDB 1.5 (`regexp_matches`):
 * - RE2 rejects it, or reads it as something else: the step cannot run locally (`none`);
 * - both accept it but some inputs match differently: `partial`, naming those inputs.
 */
export type RegexVerdict =
  | { readonly level: "none"; readonly reason: string }
  | { readonly level: "partial"; readonly condition: string }
  | undefined;

/** `\p{...}` names Java knows and RE2 does not (POSIX classes, Is/In/java prefixes). */
const JAVA_ONLY_PROPERTY =
  /^(Is|In|java)|^(Lower|Upper|ASCII|Alpha|Digit|Alnum|Punct|Graph|Print|Blank|Cntrl|XDigit|Space)$/;

/** Escapes RE2 rejects: \G \Z \h \H \R \X \e \c \u \N \k and back-references. */
const JAVA_ONLY_ESCAPE = /^[GZhHRXecuNk1-9]$/;

/** What makes `pattern` run differently on RE2: constructs RE2 lacks, and inputs that differ. */
function scan(pattern: string): { missing: Set<string>; differs: Set<string> } {
  const missing = new Set<string>();
  const differs = new Set<string>();
  let dotAll = false;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\") {
      const next = pattern[i + 1] ?? "";
      if (next === "Q") {
        // \Q...\E quotes literally on both engines.
        const end = pattern.indexOf("\\E", i + 2);
        i = end < 0 ? pattern.length : end + 1;
        continue;
      }
      if (JAVA_ONLY_ESCAPE.test(next)) missing.add(/[1-9k]/.test(next) ? "back-references" : `\\${next}`);
      if ((next === "p" || next === "P") && pattern[i + 2] === "{") {
        const close = pattern.indexOf("}", i + 3);
        const name = pattern.slice(i + 3, close < 0 ? undefined : close);
        if (JAVA_ONLY_PROPERTY.test(name)) missing.add(`\\${next}{${name}}`);
        i = close < 0 ? pattern.length : close;
        continue;
      }
      if (!inClass && (next === "b" || next === "B")) differs.add("word");
      if (next === "s" || next === "S") differs.add("space");
      if (next === "v") differs.add("vtab");
      i++;
      continue;
    }
    if (inClass) {
      // Java nests classes ([a[b]], [[:alpha:]] is a union) and intersects them (&&); RE2 does not.
      if (c === "[" && pattern[i + 1] !== ":") missing.add("nested character classes");
      if (c === "[" && pattern[i + 1] === ":") missing.add("POSIX classes such as [[:alpha:]]");
      if (c === "&" && pattern[i + 1] === "&") missing.add("class intersections (&&)");
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") {
      inClass = true;
      // A leading ] (or ^]) is a literal member on both engines.
      if (pattern[i + 1] === "]") i++;
      else if (pattern[i + 1] === "^" && pattern[i + 2] === "]") i += 2;
      continue;
    }
    if (c === "(" && pattern[i + 1] === "?") {
      const rest = pattern.slice(i + 2);
      if (/^(<?[=!])/.test(rest)) missing.add("look-around");
      // Java's (?<name>...); RE2 only knows (?P<name>...).
      else if (/^<[A-Za-z]/.test(rest)) missing.add("named groups (?<name>...)");
      else if (rest.startsWith(">")) missing.add("atomic groups");
      else {
        const flags = /^([a-zA-Z]*)(-[a-zA-Z]*)?[:)]/.exec(rest);
        if (flags) {
          const on = flags[1] ?? "";
          if (/[xdUuc]/.test(`${on}${flags[2] ?? ""}`)) missing.add("the (?x), (?d), (?u) or (?U) flags");
          if (on.includes("i") && !on.includes("u")) differs.add("case");
          if (on.includes("s")) dotAll = true;
        }
      }
      continue;
    }
    if ((c === "+" || c === "*" || c === "?" || c === "}") && pattern[i + 1] === "+") {
      missing.add("possessive quantifiers");
      i++;
      continue;
    }
    if (c === "$") differs.add("end");
    if (c === "." && !dotAll) differs.add("dot");
  }
  return { missing, differs };
}

const DIFFERENCES: Record<string, string> = {
  end: "text ending with a line break: Java's $ also matches before it, DuckDB's RE2 only at the very end (write \\z for the end)",
  dot: "a carriage return or U+0085/U+2028/U+2029: Java's . does not match them, DuckDB's RE2 does",
  word: "\\b next to a non-ASCII letter (é, ß): Java counts it as a word character, DuckDB's RE2 does not",
  space: "a vertical tab (\\x0B): Java's \\s matches it, DuckDB's RE2 does not",
  vtab: "\\v: Java's matches every vertical space (\\n, \\r, \\f, U+2028...), DuckDB's RE2 only \\x0B",
  case: "(?i) on non-ASCII letters: Java folds only ASCII letters, DuckDB's RE2 folds all",
};

/** How DuckDB's RE2 runs a Java regex compared with Spark: undefined when always the same. */
export function javaRegexOnDuckdb(pattern: string): RegexVerdict {
  const { missing, differs } = scan(pattern);
  if (missing.size > 0) {
    return {
      level: "none",
      reason: `DuckDB's RE2 regex engine has no ${[...missing].join(", ")} (Java regex /${pattern}/): run this step on Spark, or rewrite the regex`,
    };
  }
  if (differs.size > 0) {
    return {
      level: "partial",
      condition: `the regex /${pattern}/ matches differently on ${[...differs].map((d) => DIFFERENCES[d]).join("; ")}`,
    };
  }
  return undefined;
}

/** For a regex computed per row (not a literal): RE2 may reject or read it differently. */
export const COMPUTED_REGEX_CONDITION =
  "a regex computed from the data runs on DuckDB's RE2 locally and Java's engine on Spark: Java-only constructs fail locally and $, ., \\b, \\s and (?i) can match differently";
