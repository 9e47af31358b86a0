import { duckdbDialect } from "../render/duckdb-dialect.ts";
import type { SparkToken } from "./lexer.ts";

// Spark -> DuckDB text translation of a SQL recipe's query, after the Databricks emulator's
// (packages/databricks-emulator/src/spark-to-duckdb.ts), minus paths: inputs are bound by name in
// CTEs, so no source is ever rewritten here. What is lexically different is rewritten:
//
//   `ident`                             -> "ident"
//   'it\'s' / "it\'s" / r'raw' / 'a' 'b' -> 'it''s' / 'raw' / 'ab'   (decoded, re-quoted)
//   a DIV b                             -> a // b
//   LEFT ANTI JOIN / LEFT SEMI JOIN     -> ANTI JOIN / SEMI JOIN
//   startswith( endswith( nvl( ucase( lcase(  -> DuckDB's names (same semantics)
//   comments                            -> dropped (a trailing `--` would swallow what follows)
//
// Other function-level differences (date_format, RLIKE, collect_list, ...) are NOT translated: a
// query using them fails in DuckDB at run time, which is what the translatability says.

const isSignificant = (t: SparkToken) => t.kind !== "space" && t.kind !== "comment";

/** Spark functions whose DuckDB counterpart only has another name (same arguments, same result). */
const RENAMED: Readonly<Record<string, string>> = {
  startswith: "starts_with",
  endswith: "ends_with",
  nvl: "coalesce",
  ucase: "upper",
  lcase: "lower",
};

function nextSignificant(tokens: readonly SparkToken[], index: number): SparkToken | undefined {
  for (let j = index + 1; j < tokens.length; j++) {
    const t = tokens[j] as SparkToken;
    if (isSignificant(t)) return t;
  }
  return undefined;
}

function previousSignificant(tokens: readonly SparkToken[], index: number): SparkToken | undefined {
  for (let j = index - 1; j >= 0; j--) {
    const t = tokens[j] as SparkToken;
    if (isSignificant(t)) return t;
  }
  return undefined;
}

const NOT_OPERANDS = new Set(["SELECT", "DISTINCT", "BY", "AS", "FROM", "WHERE", "AND", "OR", "NOT", "ON"]);
/** `DIV` between two operands (a column may be called div: `SELECT div FROM t`). */
function isOperator(tokens: readonly SparkToken[], index: number): boolean {
  const before = previousSignificant(tokens, index);
  const after = nextSignificant(tokens, index);
  const left =
    before?.kind === "quoted-ident" ||
    (before?.kind === "word" && !NOT_OPERANDS.has(before.text.toUpperCase())) ||
    (before?.kind === "other" && /[0-9)]/.test(before.text));
  const right =
    after?.kind === "quoted-ident" ||
    (after?.kind === "word" && !NOT_OPERANDS.has(after.text.toUpperCase())) ||
    (after?.kind === "other" && /[0-9(.+-]/.test(after.text));
  return left && right;
}

export function translateTokensToDuckDb(tokens: readonly SparkToken[]): string {
  let out = "";
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as SparkToken;
    if (tok.kind === "comment") {
      out += " ";
    } else if (tok.kind === "quoted-ident") {
      out += duckdbDialect.quoteIdent(tok.value);
    } else if (tok.kind === "string") {
      // Spark chains adjacent literals ('a' 'b' = 'ab'); DuckDB only does so across newlines.
      let value = tok.value;
      let j = i + 1;
      while (j < tokens.length) {
        const t = tokens[j] as SparkToken;
        if (t.kind === "string") value += t.value;
        else if (isSignificant(t)) break;
        j++;
      }
      // Keep the whitespace that separated the last literal from what follows.
      while (j > i + 1 && !isSignificant(tokens[j - 1] as SparkToken)) j--;
      out += duckdbDialect.stringLiteral(value);
      i = j - 1;
    } else if (
      tok.kind === "word" &&
      tok.text.toUpperCase() === "LEFT" &&
      ["ANTI", "SEMI"].includes(nextSignificant(tokens, i)?.text.toUpperCase() ?? "")
    ) {
      // Spark's LEFT ANTI / LEFT SEMI JOIN are DuckDB's ANTI / SEMI JOIN.
    } else if (tok.kind === "word" && tok.text.toUpperCase() === "DIV" && isOperator(tokens, i)) {
      out += "//";
    } else if (
      tok.kind === "word" &&
      RENAMED[tok.text.toLowerCase()] &&
      nextSignificant(tokens, i)?.text === "("
    ) {
      out += RENAMED[tok.text.toLowerCase()];
    } else {
      out += tok.text;
    }
  }
  return out;
}
