import { CompileError } from "../../errors.ts";
import { javaRegexOnDuckdb } from "../../regex/java-regex.ts";

type Path = (string | number)[];

/**
 * Java's inline flags, `(?i)` or `(?s-m)` and `(?i:x)`, which JavaScript's parser (used below
 * only to find syntax errors and count groups) does not know; they capture nothing.
 */
const withoutInlineFlags = (pattern: string) =>
  pattern.replace(/(?<!\\)\(\?[idmsuxU]*(?:-[idmsuxU]+)?(\)|:)/g, (_m, end: string) =>
    end === ")" ? "" : "(?:",
  );

/**
 * Rejects patterns that are not regular expressions at all. JavaScript's syntax is close to
 * Java's; Java-only constructs (possessive quantifiers, atomic groups) are allowed through.
 */
export function checkRegex(pattern: string, path: Path): void {
  if (javaRegexOnDuckdb(pattern)?.level === "none") return;
  const plain = withoutInlineFlags(pattern);
  try {
    new RegExp(plain, "u");
  } catch {
    try {
      new RegExp(plain);
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
    return new RegExp(`${withoutInlineFlags(pattern)}|`).exec("")!.length - 1;
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
