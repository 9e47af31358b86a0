// SparkSQL's words as the studio knows them, and how a name is written in SparkSQL: what the SQL
// recipe's form needs without the editor (CodeMirror loads only with the editor, see
// code-editors.tsx). The editor's dialect (sql-editor.tsx) is defined from these same lists, so a
// word highlighted as a keyword is also one that sqlName quotes.

/** The keywords, space-separated and lower-case, as @codemirror/lang-sql's SQLDialect.define takes them. */
export const SPARK_KEYWORDS =
  "select from where group by order having limit join left right inner full outer cross semi anti " +
  "lateral on using as and or not in is null like between case when then else end distinct union all " +
  "except intersect with over partition asc desc nulls first last true false cast interval";

/** The common functions, with the signature completion shows (the dialect's builtins). */
export const SPARK_FUNCTIONS: Readonly<Record<string, string>> = {
  count: "(expr) -> bigint",
  sum: "(expr) -> number",
  avg: "(expr) -> double",
  min: "(expr)",
  max: "(expr)",
  coalesce: "(a, b, ...)",
  round: "(x, digits)",
  lower: "(s) -> string",
  upper: "(s) -> string",
  trim: "(s) -> string",
  concat: "(a, b, ...) -> string",
  substring: "(s, pos, len) -> string",
  length: "(s) -> int",
  date_trunc: "(unit, ts) -> timestamp",
  to_date: "(s, format) -> date",
  year: "(date) -> int",
  month: "(date) -> int",
  datediff: "(end, start) -> int",
  row_number: "() OVER (...) -> int",
  rank: "() OVER (...) -> int",
  lag: "(expr, n) OVER (...)",
  lead: "(expr, n) OVER (...)",
  abs: "(x)",
  nullif: "(a, b)",
};

const KEYWORD_WORDS = new Set(SPARK_KEYWORDS.split(" "));
const SAFE = /^[A-Za-z_][\w]*$/;
/** A name as SparkSQL reads it: bare when it can be, else in backticks. */
export const sqlName = (n: string) =>
  SAFE.test(n) && !KEYWORD_WORDS.has(n.toLowerCase()) ? n : `\`${n.replaceAll("`", "``")}\``;
