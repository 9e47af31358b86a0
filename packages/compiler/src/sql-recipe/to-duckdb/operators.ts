import { stringLiteral } from "./literals.ts";
import { regexPattern } from "./regex.ts";
import type { Node, Translator } from "./tree.ts";

// Operators whose meaning differs: Spark's `/` is a double (or decimal) division, `x/0` and
// `x%0` are NULL (ANSI off), `DIV` truncates toward zero after making both sides integral,
// `<=>` is null-safe equality, `^` is XOR, `RLIKE` is a partial regex match and `LIKE`'s
// default escape is a backslash. Each binary operation is parenthesised so DuckDB's operator
// precedence cannot regroup what Spark's parser grouped.

const ARITHMETIC = new Set(["+", "-", "*", "||", "&", "|"]);

export function renderValueExpression(n: Node, t: Translator): string {
  const kids = t.kids(n);
  if (kids.length === 3 && t.rule(kids[0]) === "valueExpression" && t.rule(kids[2]) === "valueExpression") {
    const [l, op, r] = kids as [Node, Node, Node];
    const left = t.render(l);
    const right = t.render(r);
    const opText = t.rule(op) === "comparisonOperator" ? t.source(op) : (op.symbol?.text ?? "").toUpperCase();
    switch (opText) {
      case "/":
        return `(${left} / NULLIF(${right}, 0))`;
      case "%":
        return `(${left} % NULLIF(${right}, 0))`;
      case "DIV":
        return `(CAST(trunc(${left}) AS BIGINT) // NULLIF(CAST(trunc(${right}) AS BIGINT), 0))`;
      case "^":
        return `xor(${left}, ${right})`;
      case "<=>":
        return `(${left} IS NOT DISTINCT FROM ${right})`;
      case "==":
        return `(${left} = ${right})`;
      case "=":
      case "<>":
      case "!=":
      case "<":
      case "<=":
      case ">":
      case ">=":
        return `(${left} ${opText} ${right})`;
      default:
        if (ARITHMETIC.has(opText)) return `(${left} ${opText} ${right})`;
        return t.fail(op, `The operator ${opText} cannot run locally.`);
    }
  }
  if (kids.length === 2 && kids[0]?.symbol) {
    const op = kids[0].symbol.text ?? "";
    if (op === "-" || op === "+") return `(${op}${t.render(kids[1]!)})`;
    if (op === "~") return `(~${t.render(kids[1]!)})`;
    return t.fail(kids[0], `The operator ${op} cannot run locally.`);
  }
  return t.join(kids);
}

/** booleanExpression: NOT x, a AND b, a OR b, EXISTS (...), or value + predicate. */
export function renderBooleanExpression(n: Node, t: Translator): string {
  const kids = t.kids(n);
  const predicate = kids.length === 2 ? t.child(n, "predicate") : undefined;
  if (predicate && t.rule(kids[0]) === "valueExpression")
    return renderPredicate(t.render(kids[0]!), predicate, t);
  if (kids.length === 3 && t.rule(kids[0]) === "booleanExpression" && t.rule(kids[2]) === "booleanExpression")
    return `(${t.join(kids)})`;
  if (kids.length === 2 && kids[0]?.symbol?.text?.toUpperCase() === "NOT")
    return `(NOT ${t.render(kids[1]!)})`;
  if (kids.length === 2 && kids[0]?.symbol?.text === "!") return `(NOT ${t.render(kids[1]!)})`;
  return t.join(kids);
}

function renderPredicate(value: string, p: Node, t: Translator): string {
  const words = t.tokens(p);
  const not = words[0] === "NOT" ? "NOT " : "";
  const kind = words.find((w) => w !== "NOT") ?? "";
  const operands = t.kids(p).filter((k) => !k.symbol);
  if (kind === "RLIKE" || kind === "REGEXP") {
    const pattern = operands[0]!;
    return `(${not}regexp_matches(${value}, ${regexPattern(pattern, t, `${kind} pattern`)}))`;
  }
  if (kind === "LIKE" || kind === "ILIKE") {
    if (words.some((w) => w === "ANY" || w === "ALL" || w === "SOME"))
      return t.fail(
        p,
        `${kind} ANY/ALL cannot run locally: write one ${kind} per pattern joined with OR/AND.`,
      );
    const escapeClause = words.includes("ESCAPE") ? "" : ` ESCAPE ${stringLiteral("\\")}`;
    // Spark's default LIKE escape is a backslash; DuckDB has none unless told.
    return `(${value} ${t.join(t.kids(p))}${escapeClause})`;
  }
  if (kind === "BETWEEN" || kind === "IN" || kind === "IS") return `(${value} ${t.join(t.kids(p))})`;
  return t.fail(p, `${t.source(p)} cannot run locally: the predicate ${kind} is not translated.`);
}

/** ORDER BY x [ASC|DESC]: Spark puts NULLs first ascending and last descending; DuckDB last for both. */
export function renderSortItem(n: Node, t: Translator): string {
  const words = t.tokens(n);
  const body = t.join(t.kids(n));
  if (words.includes("NULLS")) return body;
  return `${body} ${words.includes("DESC") ? "NULLS LAST" : "NULLS FIRST"}`;
}

/** LEFT ANTI / LEFT SEMI (and bare ANTI / SEMI) JOIN are DuckDB's ANTI / SEMI JOIN. */
export function renderJoinType(n: Node, t: Translator): string {
  const words = t.tokens(n);
  if (words.includes("ANTI")) return "ANTI";
  if (words.includes("SEMI")) return "SEMI";
  return t.join(t.kids(n));
}

/** `x -> body` and `(x, y) -> body` are DuckDB's `lambda x: body`. */
export function renderLambda(n: Node, t: Translator): string {
  const kids = t.kids(n);
  const arrow = kids.findIndex((k) => k.symbol?.text === "->");
  const params = kids.slice(0, arrow).filter((k) => t.rule(k) === "identifier");
  if (params.length !== 1)
    return t.fail(
      n,
      "A lambda with an index argument ((x, i) -> ...) cannot run locally: Spark's index is 0-based, DuckDB's 1-based.",
    );
  return `lambda ${params.map((p) => t.render(p)).join(", ")}: ${t.render(kids[arrow + 1]!)}`;
}
