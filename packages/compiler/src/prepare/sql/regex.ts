import { CompileError } from "../../errors.ts";

type Path = (string | number)[];

/** Java regex constructs RE2 (DuckDB) rejects or reads differently (same list as the DuckDB dialect's). */
const JAVA_ONLY = /\(\?[=!]|\(\?<[=!]|\(\?>|\\[1-9]|\\k<|[*+?}]\+|\\[pP]\{(In|Is|java)|\\[GZz]/;

/** Why DuckDB cannot run this Java regex the way Spark does, or undefined when it can. */
export function re2Problem(pattern: string): string | undefined {
  return JAVA_ONLY.test(pattern)
    ? "DuckDB's RE2 regex engine has no look-around, back-references, atomic groups, possessive quantifiers or \\G/\\Z anchors"
    : undefined;
}

/**
 * Rejects patterns that are not regular expressions at all. JavaScript's syntax is close to
 * Java's; Java-only constructs (possessive quantifiers, atomic groups) are allowed through.
 */
export function checkRegex(pattern: string, path: Path): void {
  if (re2Problem(pattern)) return;
  try {
    new RegExp(pattern, "u");
  } catch {
    try {
      new RegExp(pattern);
    } catch (e) {
      throw new CompileError(
        "invalid_value",
        `"${pattern}" is not a valid regular expression: ${(e as Error).message}`,
        path,
      );
    }
  }
}

/** Number of capturing groups in a (valid) regex, counted with JavaScript's parser. */
export function groupCount(pattern: string): number {
  try {
    return new RegExp(`${pattern}|`).exec("")!.length - 1;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * Spark's regexp_replace replacement (Java's Matcher syntax: `$n` inserts group n, `\x` is a
 * literal x) in RE2's syntax (`\n` inserts group n, `\\` is a backslash). Throws on Java's
 * errors (a `$` not followed by a group number, a trailing backslash).
 */
export function re2Replacement(replacement: string, groups: number, path: Path): string {
  let out = "";
  for (let i = 0; i < replacement.length; i++) {
    const ch = replacement[i]!;
    if (ch === "\\") {
      const next = replacement[i + 1];
      if (next === undefined) {
        throw new CompileError(
          "invalid_value",
          "The replacement ends with a lone backslash; write \\\\.",
          path,
        );
      }
      out += next === "\\" ? "\\\\" : next;
      i++;
    } else if (ch === "$") {
      const digit = replacement[i + 1];
      if (digit === undefined || !/[0-9]/.test(digit)) {
        throw new CompileError(
          "invalid_value",
          "In a regex replacement, $ must be followed by a group number ($1); write \\$ for a dollar sign.",
          path,
        );
      }
      if (Number(digit) > groups) {
        throw new CompileError(
          "invalid_value",
          `The replacement uses $${digit} but the regex has ${groups} groups.`,
          path,
        );
      }
      out += `\\${digit}`;
      i++;
    } else {
      out += ch;
    }
  }
  return out;
}

/** A Java-syntax regex matching `text` literally (for substring / whole-value matching). */
export function quoteRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");
}
