import { sparkDialect } from "../render/spark-dialect.ts";
import { cteNames } from "./check.ts";
import { SparkLexError, type SparkToken, tokenizeSpark } from "./lexer.ts";

const BARE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// A dataset named like one of these is only referred to quoted (`select`): a bare word is the keyword.
const KEYWORDS = new Set(
  (
    "all and any as asc between both by case cross current date desc distinct else end except exists false " +
    "filter following for from full group having in inner intersect interval is join lateral left like limit " +
    "minus natural not null nulls offset on or order outer over partition preceding range right rows select " +
    "semi anti table then time timestamp to true unbounded union using values when where window with"
  ).split(" "),
);

export type SqlInputRename = { ok: true; sql: string } | { ok: false; reason: string };

/**
 * A SQL recipe's query with an input dataset's name changed from `from` to `to`, so that renaming
 * the dataset keeps the recipe working. Every identifier spelled `from` (case-insensitively, as
 * Spark resolves it) becomes `to`: table references and qualifiers such as `from.amount`, never
 * text in strings or comments, a field after a dot, or a function call.
 *
 * A consistent rename of one identifier cannot change what the query means unless that identifier
 * also names something else, so those cases are refused with the reason: `from` is also a column
 * of an input, the query defines a CTE called `from` (it then does not read the dataset by that
 * name), or `to` already appears in the query (the renamed references would be captured).
 */
export function renameSqlInput(args: {
  sql: string;
  from: string;
  to: string;
  /** Column names of the recipe's inputs. */
  columns: readonly string[];
}): SqlInputRename {
  const from = args.from.toLowerCase();
  const to = args.to.toLowerCase();
  let tokens: SparkToken[];
  try {
    tokens = tokenizeSpark(args.sql);
  } catch (e) {
    if (e instanceof SparkLexError) return { ok: false, reason: `its query does not parse (${e.message})` };
    throw e;
  }
  const nameOf = (t: SparkToken) =>
    t.kind === "word" ? t.text.toLowerCase() : t.kind === "quoted-ident" ? t.value.toLowerCase() : null;
  if (args.columns.some((c) => c.toLowerCase() === from))
    return { ok: false, reason: `${args.from} is also the name of a column it reads` };
  if (cteNames(tokens).has(from))
    return { ok: false, reason: `its query defines its own ${args.from} (a CTE)` };
  if (from !== to && tokens.some((t) => nameOf(t) === to))
    return { ok: false, reason: `its query already uses the name ${args.to}` };

  const significant = (i: number, step: 1 | -1): SparkToken | undefined => {
    for (let j = i + step; j >= 0 && j < tokens.length; j += step) {
      const t = tokens[j]!;
      if (t.kind !== "space" && t.kind !== "comment") return t;
    }
    return undefined;
  };
  const out = tokens.map((t, i) => {
    if (nameOf(t) !== from) return t.text;
    if (t.kind === "word" && KEYWORDS.has(from)) return t.text;
    if (significant(i, -1)?.text === ".") return t.text; // a field of something else
    if (t.kind === "word" && significant(i, 1)?.text === "(") return t.text; // a function call
    return t.kind === "word" && BARE_NAME.test(args.to) ? args.to : sparkDialect.quoteIdent(args.to);
  });
  return { ok: true, sql: out.join("") };
}
