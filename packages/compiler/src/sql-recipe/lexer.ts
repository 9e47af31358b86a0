// A small SparkSQL tokenizer, pure, shared with the Databricks emulator (@sous/compiler/spark-lexer).
// It only knows where string literals, quoted identifiers and comments start and end; everything
// else is a "word" or "other" token. Tokens cover the text contiguously (`withOffsets` gives each one its position).

export type SparkToken =
  | { kind: "space"; text: string }
  | { kind: "comment"; text: string }
  /** A string literal: `value` is the decoded Spark value (escapes resolved). */
  | { kind: "string"; text: string; value: string }
  /** A backtick-quoted identifier: `value` is the unquoted name. */
  | { kind: "quoted-ident"; text: string; value: string }
  | { kind: "word"; text: string }
  | { kind: "other"; text: string };

export class SparkLexError extends Error {
  override readonly name = "SparkLexError";
}

const WORD_START = /[A-Za-z_]/;
const WORD_PART = /[A-Za-z0-9_]/;

export function tokenizeSpark(sql: string): SparkToken[] {
  const tokens: SparkToken[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    const next = sql[i + 1];
    if (/\s/.test(ch)) {
      let j = i + 1;
      while (j < sql.length && /\s/.test(sql[j] as string)) j++;
      tokens.push({ kind: "space", text: sql.slice(i, j) });
      i = j;
    } else if (ch === "-" && next === "-") {
      // Spark ends a line comment at \r or \n, but not at a \n escaped by a backslash.
      let j = i + 2;
      while (j < sql.length && sql[j] !== "\r" && sql[j] !== "\n")
        j += sql[j] === "\\" && sql[j + 1] === "\n" ? 2 : 1;
      tokens.push({ kind: "comment", text: sql.slice(i, j) });
      i = j;
    } else if (ch === "/" && next === "*") {
      const j = scanBlockComment(sql, i);
      tokens.push({ kind: "comment", text: sql.slice(i, j) });
      i = j;
    } else if ((ch === "r" || ch === "R") && (next === "'" || next === '"')) {
      // Raw literal r'...': no escape processing at all (Databricks 10.4+ / Spark 3.x).
      const close = sql.indexOf(next, i + 2);
      if (close === -1) throw new SparkLexError(`Unterminated string literal at position ${i + 1}`);
      tokens.push({ kind: "string", text: sql.slice(i, close + 1), value: sql.slice(i + 2, close) });
      i = close + 1;
    } else if (ch === "'" || ch === '"') {
      // In Spark, "..." is a string literal too, not an identifier.
      const { end, value } = scanEscapedString(sql, i);
      tokens.push({ kind: "string", text: sql.slice(i, end), value });
      i = end;
    } else if (ch === "`") {
      let j = i + 1;
      let value = "";
      for (;;) {
        if (j >= sql.length) throw new SparkLexError(`Unterminated quoted identifier at position ${i + 1}`);
        if (sql[j] === "`") {
          if (sql[j + 1] === "`") {
            value += "`";
            j += 2;
            continue;
          }
          break;
        }
        value += sql[j];
        j++;
      }
      tokens.push({ kind: "quoted-ident", text: sql.slice(i, j + 1), value });
      i = j + 1;
    } else if (WORD_START.test(ch)) {
      let j = i + 1;
      while (j < sql.length && WORD_PART.test(sql[j] as string)) j++;
      tokens.push({ kind: "word", text: sql.slice(i, j) });
      i = j;
    } else {
      tokens.push({ kind: "other", text: ch });
      i++;
    }
  }
  return tokens;
}

// Spark allows nested bracketed comments: /* a /* b */ c */ is one comment.
function scanBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === "/" && sql[i + 1] === "*") {
      depth++;
      i += 2;
    } else if (sql[i] === "*" && sql[i + 1] === "/") {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  throw new SparkLexError(`Unterminated comment at position ${start + 1}`);
}

// Decodes a Spark string literal the way Spark's parser (SparkParserUtils.unescapeSQLString)
// does: backslash escapes are processed, \uXXXX / \UXXXXXXXX / 3-digit octal are code points,
// \% and \_ keep their backslash (LIKE patterns), and any other escaped char drops the backslash.
function scanEscapedString(sql: string, start: number): { end: number; value: string } {
  const quote = sql[start];
  let value = "";
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (ch === quote) return { end: i + 1, value };
    if (ch !== "\\") {
      value += ch;
      i++;
      continue;
    }
    const esc = sql[i + 1];
    if (esc === undefined) break;
    const hex4 = sql.slice(i + 2, i + 6);
    const hex8 = sql.slice(i + 2, i + 10);
    const oct3 = sql.slice(i + 1, i + 4);
    if (esc === "u" && /^[0-9a-fA-F]{4}$/.test(hex4)) {
      value += String.fromCharCode(Number.parseInt(hex4, 16));
      i += 6;
    } else if (esc === "U" && /^[0-9a-fA-F]{8}$/.test(hex8)) {
      value += String.fromCodePoint(Number.parseInt(hex8, 16));
      i += 10;
    } else if (/^[0-3][0-7]{2}$/.test(oct3)) {
      value += String.fromCharCode(Number.parseInt(oct3, 8));
      i += 4;
    } else {
      value += decodeSimpleEscape(esc);
      i += 2;
    }
  }
  throw new SparkLexError(`Unterminated string literal at position ${start + 1}`);
}

function decodeSimpleEscape(esc: string): string {
  switch (esc) {
    case "0":
      return "\u0000";
    case "b":
      return "\b";
    case "n":
      return "\n";
    case "r":
      return "\r";
    case "t":
      return "\t";
    case "Z":
      return "\u001A";
    case "%":
      return "\\%";
    case "_":
      return "\\_";
    default:
      return esc;
  }
}

/**
 * The text with each comment replaced by blanks of its length (newlines kept), so positions in
 * it are positions in the original: what the engines run, as the checker must see it.
 */
export function blankComments(tokens: readonly SparkToken[]): string {
  return tokens.map((t) => (t.kind === "comment" ? t.text.replace(/[^\n]/g, " ") : t.text)).join("");
}

/** Each token with its offset: tokens cover the text contiguously, so offsets are running sums. */
export function withOffsets(tokens: readonly SparkToken[]): { token: SparkToken; offset: number }[] {
  let offset = 0;
  return tokens.map((token) => {
    const at = offset;
    offset += token.text.length;
    return { token, offset: at };
  });
}

/** 1-based line and column of an offset, for messages. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}
