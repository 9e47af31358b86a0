import { javaRegexOnDuckdb } from "../../regex/java-regex.ts";
import { literalString, stringLiteral } from "./literals.ts";
import type { Node, Translator } from "./tree.ts";

// Spark's regexes are Java's; DuckDB's are RE2. A pattern is translated only when it is a
// literal (so it can be checked) and uses nothing the two engines read differently.

/** A regex argument as a DuckDB literal, or a refusal saying what to change. */
export function regexPattern(n: Node, t: Translator, what: string): string {
  const pattern = literalString(n, t);
  if (pattern === undefined)
    return t.fail(
      n,
      `The ${what} must be a string literal to run locally (a regex computed at run time cannot be checked).`,
    );
  // The compiler's one Java-vs-RE2 judgement; what only some inputs see differently ($, \b, (?i)...)
  // is in the recipe's partial verdict.
  const verdict = javaRegexOnDuckdb(pattern);
  if (verdict?.level === "none")
    return t.fail(
      n,
      `The ${what} '${pattern}' cannot run locally: ${verdict.reason}. Run this recipe on Databricks or rewrite the regex.`,
    );
  return stringLiteral(pattern);
}

/** Java's replacement string ($1, \$) as RE2's (\1, $), or undefined when it uses something else. */
export function replacement(value: string): string | undefined {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === "\\") {
      const next = value[i + 1];
      if (next === undefined) return undefined;
      out += next === "\\" ? "\\\\" : next;
      i++;
    } else if (c === "$") {
      const m = /^\d/.exec(value.slice(i + 1));
      if (!m) return undefined;
      out += `\\${m[0]}`;
      i++;
    } else out += c;
  }
  return out;
}
