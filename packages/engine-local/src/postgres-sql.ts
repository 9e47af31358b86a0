import { AppError } from "@sous/contracts";

// The first of two guards on a query imported from Postgres: it must be one statement that
// reads. The text is scanned with Postgres' lexical rules (quoted strings and identifiers,
// dollar quotes, nested block comments, line comments) so a ';' inside them does not count.
// The second guard does not depend on this scan: the statement is sent in one Parse message of
// the extended protocol, which Postgres refuses when it holds more than one command.

/** Statements an import may run: what `DECLARE ... CURSOR FOR` accepts. */
const READING_KEYWORDS = new Set(["select", "with", "values", "table"]);

/**
 * The query without its trailing semicolons and whitespace, or an `invalid_input` error that
 * says why it cannot be imported: more than one statement, none, or one that is not a query.
 */
export function singleReadingStatement(text: string): string {
  let end = -1; // just past the first statement's last significant character
  let firstWord: string | null = null;
  let i = 0;
  const n = text.length;
  const fail = (message: string): never => {
    throw new AppError("invalid_input", message);
  };
  while (i < n) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "-" && next === "-") {
      const nl = text.indexOf("\n", i);
      i = nl === -1 ? n : nl + 1;
      continue;
    }
    if (c === "/" && next === "*") {
      i = skipBlockComment(text, i, fail);
      continue;
    }
    if (c === ";") {
      // Only more semicolons, whitespace and comments may follow.
      const rest = skipTrailing(text, i + 1, fail);
      if (rest < n) {
        const { line, column } = position(text, rest);
        const excerpt = text.slice(rest, rest + 40).replace(/\s+/g, " ");
        fail(
          `The query must be one statement: remove what follows the ';' (line ${line}, column ${column}: "${excerpt}").`,
        );
      }
      break;
    }
    const start = i;
    if (c === "'") i = skipQuoted(text, i, "'", isEscapeString(text, i), fail);
    else if (c === '"') i = skipQuoted(text, i, '"', false, fail);
    else if (c === "$" && !isIdentChar(text[i - 1])) i = skipDollar(text, i, fail);
    else if (isIdentStart(c)) {
      while (i < n && isIdentChar(text[i])) i++;
      firstWord ??= text.slice(start, i).toLowerCase();
    } else {
      i++;
      // A leading parenthesis is part of the query: `(SELECT ...) UNION (SELECT ...)`.
      if (c !== "(") firstWord ??= c;
    }
    end = i;
  }
  if (end === -1) fail("The query is empty: write the SELECT to import.");
  if (firstWord === null || !READING_KEYWORDS.has(firstWord)) {
    fail(
      `Sous only reads from Postgres: the query must start with SELECT, WITH, VALUES or TABLE${firstWord ? ` (not ${firstWord.toUpperCase()})` : ""}.`,
    );
  }
  return text.slice(0, end).trim();
}

const isIdentStart = (c: string | undefined) => c !== undefined && /[A-Za-z_\u0080-\uffff]/.test(c);
const isIdentChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_$\u0080-\uffff]/.test(c);

/** E'...' (or e'...'), where a backslash escapes the next character. */
function isEscapeString(text: string, quote: number): boolean {
  const prev = text[quote - 1];
  return (prev === "E" || prev === "e") && !isIdentChar(text[quote - 2]);
}

function skipQuoted(
  text: string,
  start: number,
  quote: string,
  backslashEscapes: boolean,
  fail: (m: string) => never,
): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (backslashEscapes && c === "\\") i += 2;
    else if (c === quote) {
      if (text[i + 1] === quote)
        i += 2; // a doubled quote stands for one
      else return i + 1;
    } else i++;
  }
  const { line, column } = position(text, start);
  return fail(
    `The query has an unterminated ${quote === "'" ? "string" : "quoted identifier"} (line ${line}, column ${column}).`,
  );
}

/** `$$...$$` or `$tag$...$tag$`; a `$1` parameter or a lone `$` is one character. */
function skipDollar(text: string, start: number, fail: (m: string) => never): number {
  const m = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(text.slice(start));
  if (!m) return start + 1;
  const tag = m[0];
  const close = text.indexOf(tag, start + tag.length);
  if (close === -1) {
    const { line, column } = position(text, start);
    return fail(`The query has an unterminated ${tag}-quoted string (line ${line}, column ${column}).`);
  }
  return close + tag.length;
}

function skipBlockComment(text: string, start: number, fail: (m: string) => never): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    if (text[i] === "/" && text[i + 1] === "*") {
      depth++;
      i += 2;
    } else if (text[i] === "*" && text[i + 1] === "/") {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  const { line, column } = position(text, start);
  return fail(`The query has an unterminated /* comment (line ${line}, column ${column}).`);
}

/** The index of the first character after `from` that is not a semicolon, whitespace or comment. */
function skipTrailing(text: string, from: number, fail: (m: string) => never): number {
  let i = from;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ";" || /\s/.test(c)) i++;
    else if (c === "-" && text[i + 1] === "-") {
      const nl = text.indexOf("\n", i);
      i = nl === -1 ? text.length : nl + 1;
    } else if (c === "/" && text[i + 1] === "*") i = skipBlockComment(text, i, fail);
    else return i;
  }
  return i;
}

function position(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index).split("\n");
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}
