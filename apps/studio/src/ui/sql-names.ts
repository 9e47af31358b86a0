// SparkSQL's keywords and how a name is written in it: what the SQL recipe's form needs without
// the editor (CodeMirror loads only with the editor, see code-editors.tsx).

export const KEYWORDS = [
  "SELECT",
  "FROM",
  "WHERE",
  "GROUP BY",
  "ORDER BY",
  "HAVING",
  "LIMIT",
  "JOIN",
  "LEFT JOIN",
  "INNER JOIN",
  "FULL OUTER JOIN",
  "CROSS JOIN",
  "ON",
  "USING",
  "AS",
  "AND",
  "OR",
  "NOT",
  "IN",
  "IS",
  "NULL",
  "LIKE",
  "BETWEEN",
  "CASE",
  "WHEN",
  "THEN",
  "ELSE",
  "END",
  "DISTINCT",
  "UNION ALL",
  "WITH",
  "OVER",
  "PARTITION BY",
  "ASC",
  "DESC",
  "TRUE",
  "FALSE",
  "CAST",
];
export const KEYWORD_WORDS = new Set(KEYWORDS.flatMap((k) => k.split(" ")).map((k) => k.toLowerCase()));
for (const w of [
  "all",
  "by",
  "left",
  "right",
  "inner",
  "outer",
  "full",
  "cross",
  "union",
  "nulls",
  "first",
  "last",
  "except",
  "intersect",
  "semi",
  "anti",
  "lateral",
  "interval",
])
  KEYWORD_WORDS.add(w);

const SAFE = /^[A-Za-z_][\w]*$/;
/** A name as SparkSQL reads it: bare when it can be, else in backticks. */
export const sqlName = (n: string) =>
  SAFE.test(n) && !KEYWORD_WORDS.has(n.toLowerCase()) ? n : `\`${n.replaceAll("`", "``")}\``;
