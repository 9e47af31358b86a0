import { spark } from "../check.ts";
import { blankComments, tokenizeSpark } from "../lexer.ts";
import { FUNCTIONS, functionNameOf, renderCall } from "./functions.ts";
import {
  castTo,
  identifierName,
  isBackquoted,
  literalInteger,
  literalString,
  quoteIdent,
  renderConstant,
  renderDataType,
  renderIdentifier,
  renderNumber,
  stringLiteral,
  stringValue,
} from "./literals.ts";
import {
  renderBooleanExpression,
  renderJoinType,
  renderLambda,
  renderSortItem,
  renderValueExpression,
} from "./operators.ts";
import { type Handler, type Node, Translator } from "./tree.ts";

// The SQL recipe's Spark -> DuckDB translation, over Spark's parse tree (dt-sql-parser's
// SparkSQL grammar, the tree the checker already walked). It fails closed: a rule, keyword or
// function it does not know is an Untranslatable naming where, never text passed on to DuckDB
// in the hope it means the same there. What it does per concern: functions.ts (the function
// catalog), literals.ts (identifiers, literals, types and casts), operators.ts (operators,
// predicates, ordering, joins), regex.ts (Java vs RE2).

export { Untranslatable } from "./tree.ts";

/** Rules rendered as they are (their tokens and children still go through the translation). */
const PASS_RULES: ReadonlySet<string> = new Set([
  "query",
  "querySpecification",
  "selectClause",
  "selectList",
  "namedExpressionSeq",
  "selectExpressionColumnName",
  "selectLiteralColumnName",
  "tableAllColumns",
  "expression",
  "booleanValue",
  "multipartIdentifier",
  "multipartIdentifierAllowEmpty",
  "qualifiedName",
  "relation",
  "relationPrimary",
  "tableName",
  "tableIdentifier",
  "tableAlias",
  "atomSubQueryTableSource",
  "aliasedQuery",
  "aliasedRelation",
  "joinRelation",
  "joinCriteria",
  "whereClause",
  "aggregationClause",
  "groupByClause",
  "groupingAnalytics",
  "groupingSet",
  "groupingElement",
  "havingClause",
  "queryOrganization",
  "limitClause",
  "offsetClause",
  "orderOrSortByClause",
  "windowClause",
  "namedWindow",
  "windowSpec",
  "windowFrame",
  "frameBound",
  "whenClause",
  "ctes",
  "namedQuery",
  "identifierList",
  "identifierSeq",
  "setQuantifier",
  "stringLit",
  "expressionSeq",
]);

/** Keywords and punctuation that mean the same on both engines. */
const PASS_TOKENS: ReadonlySet<string> = new Set(
  (
    "SELECT DISTINCT ALL FROM WHERE GROUP BY HAVING ORDER ASC DESC NULLS FIRST LAST LIMIT OFFSET AS ON USING " +
    "JOIN INNER LEFT RIGHT FULL OUTER CROSS NATURAL UNION INTERSECT EXCEPT AND OR NOT IN IS NULL TRUE FALSE " +
    "LIKE ILIKE BETWEEN EXISTS CASE WHEN THEN ELSE END WITH OVER PARTITION ROWS RANGE UNBOUNDED PRECEDING " +
    "FOLLOWING CURRENT ROW WINDOW FILTER ESCAPE ROLLUP CUBE GROUPING SETS ( ) , . * + - = < > <= >= <> != || [ ]"
  ).split(" "),
);

/** Bare words Spark reads as functions, not columns (`SELECT current_date`). */
const NILADIC: Readonly<Record<string, string>> = {
  current_date: "current_date",
  current_timestamp: "current_timestamp",
};

/** EXTRACT(field FROM x) fields, as the functions of the same meaning. */
const EXTRACT_FIELDS: Readonly<Record<string, string>> = {
  YEAR: "year",
  QUARTER: "quarter",
  MONTH: "month",
  DAY: "day",
  HOUR: "hour",
  MINUTE: "minute",
  WEEK: "weekofyear",
  DOY: "dayofyear",
};

function callOf(n: Node, t: Translator, name: string): string {
  const kids = t.kids(n);
  const args: Node[] = [];
  let distinct = false;
  let filter = "";
  let over = "";
  let ignoreNulls = false;
  for (let i = 1; i < kids.length; i++) {
    const k = kids[i]!;
    const r = t.rule(k);
    const word = k.symbol?.text?.toUpperCase();
    if (r === "functionArgument") {
      const inner = t.kids(k)[0]!;
      if (t.rule(inner) !== "expression")
        t.fail(k, "Named arguments (name => value) cannot run locally: pass the arguments by position.");
      args.push(inner);
    } else if (r === "setQuantifier") distinct = t.tokens(k).includes("DISTINCT");
    else if (word === "FILTER") {
      const cond = kids.slice(i).find((x) => t.rule(x) === "booleanExpression");
      if (!cond) t.fail(k, "FILTER needs (WHERE ...).");
      filter = ` FILTER (WHERE ${t.render(cond)})`;
      i = kids.indexOf(cond) + 1;
    } else if (word === "IGNORE") ignoreNulls = true;
    else if (word === "RESPECT") ignoreNulls = false;
    else if (word === "OVER") {
      const spec = kids[i + 1]!;
      over = ` OVER ${t.render(spec)}`;
      i++;
    } else if (word === "WITHIN") t.fail(k, "WITHIN GROUP cannot run locally: use percentile(x, p).");
    else if (word !== "(" && word !== ")" && word !== "," && word !== "NULLS")
      t.fail(k, `${t.source(k)} cannot run locally in a function call.`);
  }
  const star = args.length === 1 && t.source(args[0]!).trim() === "*";
  if (star && name !== "count") t.fail(n, `${name}(*) is not a valid call.`);
  const a = args.map((x) => (star ? "*" : t.render(x)));
  return renderCall({ name, node: n, args, a, distinct, filter, over, ignoreNulls, t });
}

/** arr[i] is 0-based in Spark (1-based in DuckDB, where a negative index counts from the end); m['k'] is a map lookup. */
function subscript(n: Node, t: Translator): string {
  const [base, , index] = t.kids(n) as [Node, Node, Node];
  const b = t.render(base);
  if (literalString(index, t) !== undefined) return `${b}[${t.render(index)}]`;
  const i = literalInteger(index, t);
  if (i !== undefined) return i >= 0 ? `${b}[${i + 1}]` : "NULL";
  const x = t.render(index);
  return `${b}[CASE WHEN ${x} >= 0 THEN ${x} + 1 END]`;
}

const primaryExpression: Handler = (n, t) => {
  const kids = t.kids(n);
  const first = kids[0]!;
  const word = first.symbol?.text?.toUpperCase();
  if (t.rule(first) === "functionName") return callOf(n, t, functionNameOf(first, t));
  if (word === "CAST" || word === "TRY_CAST") {
    const expr = kids.find((k) => t.rule(k) === "expression")!;
    const type = kids.find((k) => t.rule(k) === "dataType")!;
    return castTo(t.render(expr), renderDataType(type, t));
  }
  if (kids.some((k) => k.symbol?.text === "->")) return renderLambda(n, t);
  if (kids[1]?.symbol?.text === "[" && t.rule(first) === "primaryExpression") return subscript(n, t);
  if (word === "EXTRACT") {
    const field = identifierName(kids[2]!, t).toUpperCase();
    const fn = EXTRACT_FIELDS[field];
    if (!fn)
      return t.fail(
        kids[2]!,
        `EXTRACT(${field} ...) cannot run locally: use ${Object.keys(EXTRACT_FIELDS).join(", ")}.`,
      );
    const value = kids.find((k, i) => i > 2 && !k.symbol)!;
    return FUNCTIONS[fn]!.render({
      name: fn,
      node: n,
      args: [value],
      a: [t.render(value)],
      distinct: false,
      filter: "",
      over: "",
      ignoreNulls: false,
      t,
    });
  }
  if (word === "POSITION") {
    const [sub, s] = kids.filter((k) => !k.symbol);
    return `instr(${t.render(s!)}, ${t.render(sub!)})`;
  }
  if (word === "CURRENT_DATE" || word === "CURRENT_TIMESTAMP")
    return FUNCTIONS[word.toLowerCase()]!.render({} as never);
  if (word === "CASE" || word === "(" || word === "*" || t.rule(first) !== undefined) {
    if (word === "(" && kids.length > 3 && t.rule(kids[1]) === "namedExpression")
      t.fail(n, `${t.source(n)} (a row of values) cannot run locally: use named columns.`);
    return t.join(kids);
  }
  return t.fail(
    n,
    `${t.source(n).slice(0, 60)} cannot run locally: the Spark -> DuckDB translation does not handle ${word ?? "it"}.`,
  );
};

/** A bare `current_date` is Spark's function, unless backquoted. */
const columnRef: Handler = (n, t) => {
  const leaves = t.leaves(n);
  const name = leaves.length === 1 ? (leaves[0]!.symbol?.text ?? "").toLowerCase() : "";
  if (NILADIC[name] && !isBackquoted(n, t)) return FUNCTIONS[NILADIC[name]!]!.render({} as never);
  // The grammar reads "text" as a name; Spark (without ANSI double-quoted identifiers) as a string.
  const text = leaves.length === 1 ? (leaves[0]!.symbol?.text ?? "") : "";
  if (text.startsWith('"')) return stringLiteral(stringValue(text));
  return t.join(t.kids(n));
};

/** queryTerm: set operations; Spark's MINUS is EXCEPT. */
const queryTerm: Handler = (n, t) =>
  t.join(t.kids(n), (k) => (k.symbol?.text?.toUpperCase() === "MINUS" ? "EXCEPT" : undefined));

/** VALUES rows: Spark names the columns col1, col2, ... (DuckDB col0, col1, ...). */
const queryPrimary: Handler = (n, t) => {
  const kids = t.kids(n);
  if (kids[0]?.symbol?.text?.toUpperCase() !== "VALUES") return t.join(kids);
  const alias = t.child(n, "tableAlias");
  if (alias && t.span(alias).end > t.span(alias).start)
    t.fail(alias, "Write VALUES in parentheses with its alias outside: (VALUES ...) AS t(a, b).");
  const rows = kids
    .filter((k) => t.rule(k) === "expression")
    .map((row) => {
      const p = t.unwrap(row);
      const items =
        t.rule(p) === "primaryExpression" && p.children?.[0]?.symbol?.text === "("
          ? t.kids(p).filter((k) => !k.symbol)
          : [row];
      return items.map((item) => {
        if (t.rule(item) === "namedExpression" && t.kids(item).length > 1)
          return t.fail(
            item,
            "Names inside VALUES rows cannot run locally: name the columns in the alias, (VALUES ...) AS t(a, b).",
          );
        return t.render(item);
      });
    });
  const width = rows[0]?.length ?? 0;
  if (rows.some((r) => r.length !== width))
    t.fail(n, "Every VALUES row must have the same number of values.");
  const cols = Array.from({ length: width }, (_, i) => quoteIdent(`col${i + 1}`)).join(", ");
  return `SELECT * FROM (VALUES ${rows.map((r) => `(${r.join(", ")})`).join(", ")}) AS ${quoteIdent("values")}(${cols})`;
};

/** FROM a LATERAL VIEW [OUTER] explode(x) v AS e: a lateral join on DuckDB's unnest. */
function lateralView(n: Node, t: Translator): string {
  const kids = t.kids(n);
  const outer = t.tokens(n).includes("OUTER");
  const fnNode = kids.find((k) => t.rule(k) === "viewName" || t.rule(k) === "qualifiedName")!;
  const fn = t.source(fnNode).toLowerCase();
  const args = kids.filter((k) => t.rule(k) === "expression");
  const alias = t.child(n, "tableAlias");
  const aliasName =
    alias && t.span(alias).end > t.span(alias).start
      ? renderIdentifier(t.kids(alias).find((k) => !k.symbol)!, t)
      : quoteIdent(`lateral_${t.span(n).start}`);
  const cols = kids
    .filter((k) => (t.rule(k) === "identifier" || t.rule(k) === "errorCapturingIdentifier") && k !== fnNode)
    .map((k) => renderIdentifier(k, t));
  const x =
    args.length === 1
      ? t.render(args[0]!)
      : t.fail(n, `LATERAL VIEW ${fn} takes one argument to run locally.`);
  let select: string;
  const isOuter = outer || fn.endsWith("_outer");
  const base = fn.replace(/_outer$/, "");
  if (base === "explode" && cols.length <= 1) select = `unnest(${x}) AS ${cols[0] ?? quoteIdent("col")}`;
  else if (base === "explode" && cols.length === 2)
    select = `unnest(map_keys(${x})) AS ${cols[0]}, unnest(map_values(${x})) AS ${cols[1]}`;
  else if (base === "posexplode" && (cols.length === 0 || cols.length === 2))
    select = `CAST(unnest(range(len(${x}))) AS INTEGER) AS ${cols[0] ?? quoteIdent("pos")}, unnest(${x}) AS ${cols[1] ?? quoteIdent("col")}`;
  else
    return t.fail(
      n,
      `LATERAL VIEW ${fn} cannot run locally: use explode or posexplode (with one column, or two for a map's key and value).`,
    );
  return isOuter
    ? ` LEFT JOIN LATERAL (SELECT ${select}) AS ${aliasName} ON TRUE`
    : ` CROSS JOIN LATERAL (SELECT ${select}) AS ${aliasName}`;
}

const fromClause: Handler = (n, t) => {
  const kids = t.kids(n);
  const views = kids.filter((k) => t.rule(k) === "lateralView");
  const other = kids.filter((k) => t.rule(k) !== "lateralView");
  const relations = other.filter((k) => t.rule(k) === "relation");
  if (views.length > 0 && relations.length > 1)
    t.fail(
      views[0]!,
      "LATERAL VIEW after several comma-separated tables cannot run locally: write the tables with JOIN.",
    );
  return t.join(other) + views.map((v) => lateralView(v, t)).join("");
};

/**
 * The grammar reads `f(a)` (a call whose arguments are bare names, without an alias) as the
 * column `f` with the multi-alias `(a)`; Spark reads a call. Multi-aliases (`AS (k, v)`) are refused.
 */
const namedExpression: Handler = (n, t) => {
  const kids = t.kids(n);
  const names = t.child(n, "identifierList");
  if (!names) return t.join(kids);
  const fn = kids[0];
  if (t.hasToken(n, "AS") || t.rule(fn) !== "selectLiteralColumnName")
    return t.fail(n, `${t.source(n)}: a multi-column alias cannot run locally: alias each column.`);
  const parts = t.leaves(fn!);
  if (parts.length !== 1)
    return t.fail(n, `${t.source(fn!)}(...) is not allowed: call functions by their plain names.`);
  const args = t
    .leaves(names)
    .filter((l) => l.symbol?.text !== "(" && l.symbol?.text !== ")" && l.symbol?.text !== ",");
  return renderCall({
    name: identifierName(fn!, t).toLowerCase(),
    node: n,
    args,
    a: args.map((a) => quoteIdent(identifierName(a, t))),
    distinct: false,
    filter: "",
    over: "",
    ignoreNulls: false,
    t,
  });
};

const HANDLERS: Readonly<Record<string, Handler>> = {
  namedExpression,
  queryTerm,
  queryPrimary,
  primaryExpression,
  valueExpression: renderValueExpression,
  booleanExpression: renderBooleanExpression,
  constant: renderConstant,
  number: renderNumber,
  sortItem: renderSortItem,
  joinType: renderJoinType,
  fromClause,
  columnNamePath: columnRef,
  columnName: columnRef,
  errorCapturingIdentifier: renderIdentifier,
  identifier: renderIdentifier,
  strictIdentifier: renderIdentifier,
  quotedIdentifier: renderIdentifier,
  interval: (n, t) =>
    t.fail(
      n,
      "INTERVAL literals cannot run locally (DuckDB's date + interval is a timestamp): use date_add(d, n), add_months(d, n) or a timestamp arithmetic function.",
    ),
};

/**
 * Translates a checked SparkSQL query (`query`, the tree's query node over `text`, the checked
 * text with comments blanked) to DuckDB SQL with Spark's rows. Throws Untranslatable (with
 * code-point offsets into `text`) for anything it cannot render faithfully.
 */
export function translateSparkToDuckDb(query: unknown, text: string, ruleNames: readonly string[]): string {
  const t = new Translator(text, ruleNames, HANDLERS, PASS_RULES, (tok) =>
    PASS_TOKENS.has(tok.toUpperCase()),
  );
  return t.render(query as Node);
}

/**
 * Parses and translates SparkSQL that has NOT been through the checker: for tests of the engines'
 * own lockdown (the checker bypassed). Throws what the lexer, the parser or the translation throw.
 */
export function uncheckedSparkToDuckDb(sql: string): string {
  const text = blankComments(tokenizeSpark(sql));
  const tree = spark().parse(text) as unknown as Node;
  const ruleNames = spark().createParser("").ruleNames;
  const find = (n: Node): Node | undefined =>
    n.ruleIndex !== undefined && !n.symbol && ruleNames[n.ruleIndex] === "query"
      ? n
      : (n.children ?? []).map(find).find((x) => x !== undefined);
  const query = find(tree);
  if (!query) throw new Error("not a query");
  return translateSparkToDuckDb(query, text, ruleNames);
}
