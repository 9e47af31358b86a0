import { duckdbDialect } from "../../render/duckdb-dialect.ts";
import { tokenizeSpark } from "../lexer.ts";
import type { Node, Translator } from "./tree.ts";

// Identifiers and literals: Spark's spelling decoded (backquotes, both string quotes, backslash
// escapes, raw r'...', adjacent literals chained) and re-quoted by the DuckDB dialect's own
// quoting, so nothing the user wrote can end a DuckDB identifier or literal early.

export const quoteIdent = duckdbDialect.quoteIdent;
export const stringLiteral = duckdbDialect.stringLiteral;

/** The name an identifier rule spells: a backquoted name unquoted, a bare word as written. */
export function identifierName(n: Node, t: Translator): string {
  const leaves = t.leaves(n);
  if (leaves.length !== 1) t.fail(n, `${t.source(n)} is not a plain name: write it in backquotes.`);
  const text = leaves[0]!.symbol?.text ?? "";
  if (text.startsWith('"') || text.startsWith("'"))
    t.fail(n, `${text} is a string in Spark, not a name: write names in backquotes.`);
  if (text.startsWith("`")) return text.slice(1, -1).replaceAll("``", "`");
  return text;
}

export const isBackquoted = (n: Node, t: Translator) =>
  t.leaves(n)[0]?.symbol?.text?.startsWith("`") ?? false;

/** errorCapturingIdentifier = identifier + errorCapturingIdentifierExtra (`a-b`, refused). */
export function renderIdentifier(n: Node, t: Translator): string {
  const extra = t.child(n, "errorCapturingIdentifierExtra");
  if (extra && t.span(extra).end > t.span(extra).start)
    t.fail(n, `${t.source(n)} is not a valid name: write it in backquotes.`);
  const id = t.kids(n).find((k) => k !== extra) ?? n;
  return quoteIdent(identifierName(id, t));
}

/** The value of one Spark string literal token (escapes resolved, as Spark's parser does). */
export function stringValue(tokenText: string): string {
  const tokens = tokenizeSpark(tokenText);
  const only = tokens[0];
  if (tokens.length !== 1 || only?.kind !== "string")
    throw new Error(`compiler bug: ${tokenText} is not one literal`);
  return only.value;
}

/** `constant` may be several stringLit in a row: Spark chains them ('a' 'b' = 'ab'). */
export function literalString(n: Node, t: Translator): string | undefined {
  const c = t.unwrap(n);
  if (t.rule(c) === "stringLit") return stringValue(t.leaves(c)[0]?.symbol?.text ?? "");
  if (t.rule(c) !== "constant") return undefined;
  const parts = t.kids(c);
  if (parts.length === 0 || !parts.every((p) => t.rule(p) === "stringLit")) return undefined;
  return parts.map((p) => stringValue(t.leaves(p)[0]?.symbol?.text ?? "")).join("");
}

/** An integer literal's value (`2`, `-1`), or undefined. */
export function literalInteger(n: Node, t: Translator): number | undefined {
  const c = t.unwrap(n);
  const text = t.rule(c) === "number" ? t.source(c).replaceAll(/\s/g, "") : undefined;
  return text !== undefined && /^-?\d+$/.test(text) ? Number(text) : undefined;
}

const NUMBER_SUFFIX: Readonly<Record<string, string>> = {
  L: "BIGINT",
  S: "SMALLINT",
  Y: "TINYINT",
  D: "DOUBLE",
  F: "FLOAT",
};

/** Spark numeric literals: a suffix is a type (1L BIGINT, 1.5D DOUBLE); BD is DuckDB's default. */
export function renderNumber(n: Node, t: Translator): string {
  const text = t.source(n).replaceAll(/\s/g, "");
  const m = /^(-?)(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)(BD|[LSYDF])?$/i.exec(text);
  if (!m) t.fail(n, `The number ${text} cannot run locally: write it without a suffix.`);
  const [, sign, digits, suffix] = m;
  const value = `${sign}${digits}`;
  if (!suffix || suffix.toUpperCase() === "BD") return sign ? `(${value})` : value;
  return `CAST(${value} AS ${NUMBER_SUFFIX[suffix.toUpperCase()]})`;
}

export function renderConstant(n: Node, t: Translator): string {
  const text = literalString(n, t);
  if (text !== undefined) return stringLiteral(text);
  const kids = t.kids(n);
  const first = kids[0];
  if (t.rule(first) === "literalType") {
    const type = t.source(first!).toUpperCase();
    const value = kids[1] ? literalString(kids[1], t) : undefined;
    const duck: Record<string, string> = { DATE: "DATE", TIMESTAMP: "TIMESTAMP", TIMESTAMP_NTZ: "TIMESTAMP" };
    if (value === undefined || !duck[type])
      t.fail(
        n,
        `${t.source(n)} cannot run locally: write the value with CAST('...' AS DATE) or AS TIMESTAMP.`,
      );
    return `CAST(${stringLiteral(value)} AS ${duck[type]})`;
  }
  return t.join(kids);
}

/** Spark type names, as CAST targets, in DuckDB's words. */
export function renderDataType(n: Node, t: Translator): string {
  const typeNode = t.child(n, "type");
  const name = typeNode ? t.source(typeNode).toUpperCase() : t.tokens(n)[0];
  const params = t
    .leaves(n)
    .map((l) => l.symbol?.text ?? "")
    .filter((x) => /^\d+$/.test(x))
    .map(Number);
  const simple: Record<string, string> = {
    STRING: "VARCHAR",
    INT: "INTEGER",
    INTEGER: "INTEGER",
    BIGINT: "BIGINT",
    LONG: "BIGINT",
    SMALLINT: "SMALLINT",
    SHORT: "SMALLINT",
    TINYINT: "TINYINT",
    BYTE: "TINYINT",
    DOUBLE: "DOUBLE",
    FLOAT: "FLOAT",
    REAL: "FLOAT",
    BOOLEAN: "BOOLEAN",
    DATE: "DATE",
    TIMESTAMP: "TIMESTAMP",
    TIMESTAMP_NTZ: "TIMESTAMP",
    BINARY: "BLOB",
  };
  if (name && simple[name] && params.length === 0 && t.leaves(n).length === 1) return simple[name];
  if (name === "DECIMAL" || name === "DEC" || name === "NUMERIC") {
    // Spark's DECIMAL alone is DECIMAL(10,0); DuckDB's is (18,3): always spell both.
    const [p = 10, s = 0] = params;
    if (p < 1 || p > 38 || s > p) t.fail(n, `DECIMAL(${p},${s}) is not a valid Spark decimal.`);
    return `DECIMAL(${p}, ${s})`;
  }
  if (name === "ARRAY") {
    const inner = t.kids(n).find((k) => t.rule(k) === "dataType");
    if (inner) return `${renderDataType(inner, t)}[]`;
  }
  return t.fail(
    n,
    `CAST to ${t.source(n)} cannot run locally: use STRING, INT, BIGINT, SMALLINT, TINYINT, DOUBLE, FLOAT, DECIMAL(p,s), BOOLEAN, DATE, TIMESTAMP or ARRAY<...> of those.`,
  );
}

/** Integral types' bounds: Spark (ANSI off) saturates a double cast to them. */
const INTEGRAL: Readonly<Record<string, readonly [string, string]>> = {
  INTEGER: ["-2147483648", "2147483647"],
  BIGINT: ["-9223372036854775808", "9223372036854775807"],
  SMALLINT: ["-32768", "32767"],
  TINYINT: ["-128", "127"],
};

/**
 * CAST with Spark's (ANSI off) results: a value that does not convert is NULL (TRY_CAST), a
 * fraction is truncated toward zero (DuckDB rounds), a double out of range saturates (NaN is
 * 0), and a date string may carry a time. `typeof` is settled when DuckDB binds the query.
 */
export function castTo(arg: string, duckType: string): string {
  const bounds = INTEGRAL[duckType];
  if (bounds) {
    const [min, max] = bounds;
    const d = `TRY_CAST(${arg} AS DOUBLE)`;
    const saturated = `CASE WHEN isnan(${d}) THEN 0 WHEN ${d} >= ${max} THEN ${max} WHEN ${d} <= ${min} THEN ${min} ELSE CAST(trunc(${d}) AS ${duckType}) END`;
    const exact = `TRY_CAST(trunc(TRY_CAST(${arg} AS DECIMAL(38, 10))) AS ${duckType})`;
    return `CAST(CASE WHEN typeof(${arg}) IN ('DOUBLE', 'FLOAT') THEN ${saturated} ELSE ${exact} END AS ${duckType})`;
  }
  if (duckType === "DATE")
    return `coalesce(TRY_CAST(${arg} AS DATE), TRY_CAST(TRY_CAST(${arg} AS TIMESTAMP) AS DATE))`;
  return `TRY_CAST(${arg} AS ${duckType})`;
}
