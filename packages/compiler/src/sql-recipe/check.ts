import { SparkSQL } from "dt-sql-parser";
import { CompileError } from "../errors.ts";
import {
  blankComments,
  lineColumn,
  SparkLexError,
  type SparkToken,
  tokenizeSpark,
  withOffsets,
} from "./lexer.ts";
import { checkQueryScopes, isForbiddenFunction } from "./query-scope.ts";

/** Where in the query something is wrong (1-based lines and columns). */
export interface SqlProblem {
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A SQL recipe's query does not parse, or does something a SQL recipe may not do. */
export class SqlRecipeError extends CompileError {
  readonly problems: readonly SqlProblem[];

  constructor(code: "invalid_sql" | "forbidden_sql" | "untranslatable_sql", problems: readonly SqlProblem[]) {
    const first = problems[0];
    const where = first ? ` (line ${first.line}, column ${first.column})` : "";
    super(code, `${first?.message ?? "Invalid SQL"}${where}`, ["params", "sql"]);
    this.problems = problems;
  }
}

const isSignificant = (t: SparkToken) => t.kind !== "space" && t.kind !== "comment";

/**
 * Statements and clauses that are not a query, or change the session, the catalog or files:
 * refused anywhere as bare words (a column with such a name can be written in backticks).
 */
const FORBIDDEN_WORDS: Readonly<Record<string, string>> = Object.fromEntries(
  (
    [
      ["writes data", ["INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "COPY", "EXPORT", "IMPORT"]],
      ["changes the catalog", ["CREATE", "DROP", "ALTER", "MSCK", "GRANT", "REVOKE", "VACUUM", "OPTIMIZE"]],
      ["loads code or files", ["LOAD", "INSTALL", "ATTACH", "DETACH", "ADD", "CALL", "EXECUTE"]],
      ["changes the session", ["SET", "RESET", "USE", "PRAGMA", "CACHE", "UNCACHE", "REFRESH", "CHECKPOINT"]],
      ["is not a query", ["SHOW", "DESCRIBE", "EXPLAIN", "ANALYZE", "PREPARE", "DEALLOCATE"]],
    ] as const
  ).flatMap(([why, words]) => words.map((w) => [w, why])),
);

/** Spark's path-based sources: `parquet.`/dir``, `csv.`...``. */
const FILE_FORMATS = new Set([
  "parquet",
  "csv",
  "json",
  "delta",
  "orc",
  "text",
  "avro",
  "binaryfile",
  "jdbc",
  "xml",
  "image",
  "libsvm",
  "cloudfiles",
  "file",
]);

const QUERY_STARTS = new Set(["SELECT", "WITH", "FROM", "VALUES", "TABLE"]);

let parser: SparkSQL | undefined;
export const spark = () => {
  parser ??= new SparkSQL();
  return parser;
};

export interface CheckedQuery {
  /** The query's tokens, without a trailing `;` and surrounding whitespace. */
  tokens: SparkToken[];
  /** Names (lower case) of the CTEs of the query's outermost WITH (they shadow inputs of that name). */
  cteNames: Set<string>;
  /** The inputs (lower case) the query reads as tables. */
  inputsRead: Set<string>;
  /** The checked text: the query with its comments blanked (what both engines run). */
  text: string;
  /** Its parse tree's query node and the grammar's rule names (the DuckDB translation renders it: no second parse). */
  query: unknown;
  ruleNames: readonly string[];
  /** A problem at code-point offsets of `text`, in the user's lines and columns. */
  problemAt(start: number, end: number, message: string): SqlProblem;
}

function problemAt(sql: string, start: number, end: number, message: string): SqlProblem {
  const a = lineColumn(sql, start);
  const b = lineColumn(sql, end);
  return { message, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
}

/** The CTE names a query defines (`WITH a AS (...), b (x, y) AS (...)`), at any depth. */
export function cteNames(tokens: readonly SparkToken[]): Set<string> {
  const sig = tokens.filter(isSignificant);
  const names = new Set<string>();
  const skipParens = (i: number): number => {
    let depth = 0;
    for (let j = i; j < sig.length; j++) {
      if (sig[j]!.text === "(") depth++;
      if (sig[j]!.text === ")" && --depth === 0) return j + 1;
    }
    return sig.length;
  };
  for (let i = 0; i < sig.length; i++) {
    if (!(sig[i]!.kind === "word" && sig[i]!.text.toUpperCase() === "WITH")) continue;
    let j = i + 1;
    if (sig[j]?.kind === "word" && sig[j]!.text.toUpperCase() === "RECURSIVE") j++;
    for (;;) {
      const name = sig[j];
      if (name?.kind !== "word" && name?.kind !== "quoted-ident") break;
      names.add((name.kind === "quoted-ident" ? name.value : name.text).toLowerCase());
      j++;
      if (sig[j]?.text === "(") j = skipParens(j);
      if (sig[j]?.kind === "word" && sig[j]!.text.toUpperCase() === "AS") j++;
      if (sig[j]?.text !== "(") break;
      j = skipParens(j);
      if (sig[j]?.text !== ",") break;
      j++;
    }
  }
  return names;
}

/** Splits a table reference's text (`a`, `` `my t` ``, `db.t`) into its name parts; null if not a plain name. */
export function nameParts(text: string): string[] | null {
  let tokens: SparkToken[];
  try {
    tokens = tokenizeSpark(text).filter(isSignificant);
  } catch {
    return null;
  }
  const parts: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (i % 2 === 1) {
      if (t.text !== ".") return null;
      continue;
    }
    if (t.kind === "word") parts.push(t.text);
    else if (t.kind === "quoted-ident") parts.push(t.value);
    else return null;
  }
  return parts.length > 0 && tokens.length % 2 === 1 ? parts : null;
}

/**
 * The SQL recipe's sandbox, then its syntax: ONE query (no `;`-separated statements, no DDL/DML,
 * no session or file commands), no table function or path reading files, and every table it
 * reads is one of its inputs (by dataset name) or one of its own CTEs. Throws a SqlRecipeError
 * whose problems say what is not allowed and where.
 */
export function checkSqlQuery(sql: string, inputNames: readonly string[]): CheckedQuery {
  let all: SparkToken[];
  try {
    all = tokenizeSpark(sql);
  } catch (e) {
    if (e instanceof SparkLexError) {
      const at = Number(/position (\d+)/.exec(e.message)?.[1] ?? 1) - 1;
      throw new SqlRecipeError("invalid_sql", [problemAt(sql, at, sql.length, e.message)]);
    }
    throw e;
  }
  const located = withOffsets(all);
  // A trailing `;` (and whitespace/comments) is tolerated and dropped; any other `;` is refused.
  let end = located.length;
  while (end > 0) {
    const t = located[end - 1]!.token;
    if (!isSignificant(t) || (t.kind === "other" && t.text === ";")) end--;
    else break;
  }
  let start = 0;
  while (start < end && !isSignificant(located[start]!.token)) start++;
  const body = located.slice(start, end);
  if (body.length === 0)
    throw new SqlRecipeError("invalid_sql", [
      problemAt(sql, 0, sql.length, "The query is empty: write one SELECT."),
    ]);

  const problems: SqlProblem[] = [];
  const refuse = (i: number, message: string) => {
    const { token, offset } = body[i]!;
    problems.push(problemAt(sql, offset, offset + token.text.length, message));
  };
  const sig = body.map((x, i) => ({ ...x, i })).filter((x) => isSignificant(x.token));
  sig.forEach(({ token, i }, k) => {
    const prev = sig[k - 1]?.token;
    const next = sig[k + 1]?.token;
    const afterDot = prev?.kind === "other" && prev.text === ".";
    if (token.kind === "other" && token.text === ";") {
      refuse(
        i,
        "A SQL recipe is ONE query: remove the ';' and what follows (several statements are not allowed).",
      );
    } else if (token.kind === "word" && !afterDot) {
      const upper = token.text.toUpperCase();
      const lower = token.text.toLowerCase();
      const why = FORBIDDEN_WORDS[upper];
      if (why) {
        refuse(
          i,
          `${upper} is not allowed in a SQL recipe (it ${why}): write one query that reads the inputs. A column named ${token.text} can be written \`${token.text}\`.`,
        );
      } else if (next?.text === "(" && isForbiddenFunction(lower)) {
        refuse(
          i,
          `${lower}(...) is not allowed in a SQL recipe: it reads files, other databases or the environment. Read the recipe's inputs by their dataset names.`,
        );
      } else if (FILE_FORMATS.has(lower) && next?.text === "." && sig[k + 2]?.token.kind === "quoted-ident") {
        refuse(
          i,
          `${lower}.\`...\` reads files by path, which a SQL recipe may not do: read the recipe's inputs by their dataset names.`,
        );
      }
    }
  });
  const first = sig[0]!.token;
  if (
    problems.length === 0 &&
    !(first.kind === "word" && QUERY_STARTS.has(first.text.toUpperCase())) &&
    first.text !== "("
  ) {
    refuse(
      sig[0]!.i,
      `A SQL recipe is one query (SELECT or WITH ... SELECT); "${first.text}" does not start one.`,
    );
  }
  if (problems.length > 0) throw new SqlRecipeError("forbidden_sql", problems);

  // What is checked is what runs: both engines get the query with its comments blanked (the
  // dialects' fromSparkSql), so a comment that Spark's lexer would end elsewhere than ours cannot
  // hide code from the checker. Blanks keep the length, so positions still hold.
  const text = blankComments(body.map((x) => x.token));
  const offset = body[0]!.offset;
  // The parser's indexes count code points; JS strings count UTF-16 units.
  const codePoints = Array.from(text);
  const utf16 = (cp: number) => codePoints.slice(0, cp).join("").length;
  const at = (cp: number) => offset + utf16(cp);
  const syntax = spark().validate(text);
  if (syntax.length > 0) {
    throw new SqlRecipeError(
      "invalid_sql",
      syntax.map((e) => {
        const base = lineColumn(sql, offset);
        const shift = (line: number, column: number) =>
          line === 1
            ? { line: base.line, column: base.column + column - 1 }
            : { line: line + base.line - 1, column };
        const a = shift(e.startLine, e.startColumn);
        const b = shift(e.endLine, e.endColumn);
        return {
          message: `Syntax error: ${e.message}`,
          line: a.line,
          column: a.column,
          endLine: b.line,
          endColumn: b.column,
        };
      }),
    );
  }
  const statements = spark().splitSQLByStatement(text)?.length ?? 0;
  if (statements !== 1) {
    throw new SqlRecipeError("forbidden_sql", [
      problemAt(sql, offset, sql.length, "A SQL recipe is ONE query; this text holds several statements."),
    ]);
  }

  const scoped = checkQueryScopes(spark(), text, inputNames, nameParts);
  for (const p of scoped.problems) problems.push(problemAt(sql, at(p.start), at(p.end), p.message));
  if (problems.length > 0) throw new SqlRecipeError("forbidden_sql", problems);
  return {
    tokens: body.map((x) => x.token),
    cteNames: scoped.topLevelCtes,
    inputsRead: scoped.inputsRead,
    text,
    query: scoped.query,
    ruleNames: scoped.ruleNames,
    problemAt: (start, end, message) => problemAt(sql, at(start), at(end), message),
  };
}
