import type { ColumnType } from "@sous/contracts";
import { agg, and, call, col, compare, type Expr, lit, not, or } from "../ir/expr.ts";
import type { ColumnId } from "../ir/ids.ts";
import { GROUP_AGG_RULES } from "../lower/aggregation-rules.ts";
import type { BinaryNode, CallNode, FormulaNode, UnaryNode } from "./ast.ts";
import { closest } from "./errors.ts";
import { FUNCTION_INDEX, type FunctionDef, type ParamSpec, type ParamType } from "./functions.ts";
import {
  coerce,
  describeType,
  errorValue,
  type FType,
  INTEGRAL,
  NUMERIC,
  Reporter,
  TEMPORAL,
  type Typed,
  temporalLiteral,
  unifyTypes,
} from "./typing.ts";

/** A column a formula may reference: its IR id, its name and type. */
export interface FormulaScopeColumn {
  readonly id: ColumnId;
  readonly name: string;
  readonly type: ColumnType;
}

/**
 * Aggregations a formula may use in a group recipe's custom aggregations, with the group
 * recipe's result types (Spark's). min/max with one argument are aggregations there.
 */
const AGGREGATIONS: Record<string, { name: keyof typeof GROUP_AGG_RULES; star?: true }> = {
  sum: { name: "sum" },
  avg: { name: "avg" },
  mean: { name: "avg" },
  min: { name: "min" },
  max: { name: "max" },
  count: { name: "count", star: true },
  countdistinct: { name: "countDistinct" },
  stddev: { name: "stddev" },
  variance: { name: "variance" },
};

const INT_MAX = 2n ** 31n - 1n;
const BIGINT_MAX = 2n ** 63n - 1n;
const COMPARE_OPS = { "==": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">=" } as const;

const EXPECTED: Record<ParamType, string> = {
  any: "any value",
  string: "a string",
  number: "a number",
  integral: "a whole number (integer or bigint)",
  boolean: "a boolean condition",
  temporal: "a date or timestamp",
};

function accepts(p: ParamType, t: Typed): boolean {
  if (t.type === "null" || t.type === "error" || p === "any") return true;
  switch (p) {
    case "string":
      return t.type === "string";
    case "number":
      return NUMERIC.has(t.type);
    case "integral":
      return INTEGRAL.has(t.type);
    case "boolean":
      return t.type === "boolean";
    case "temporal":
      return TEMPORAL.has(t.type) || temporalLiteral(t) !== null;
  }
}

function conversionHint(p: ParamType, t: FType): string {
  if (t === "string" && (p === "number" || p === "integral"))
    return ": convert it with toNumber() or toInteger()";
  if (t === "string" && p === "temporal") return ": convert it with toDate() or parseDate(text, 'pattern')";
  if (p === "string") return ": convert it with toString()";
  if ((t === "double" || t === "decimal") && p === "integral")
    return ": convert it with toInteger() or round()";
  if (p === "boolean") return ": write a condition such as x > 0 or isNotNull(x)";
  return "";
}

const isLiteralNode = (n: FormulaNode): boolean =>
  n.kind === "number" ||
  n.kind === "string" ||
  n.kind === "boolean" ||
  (n.kind === "unary" && n.op === "-" && n.arg.kind === "number");

function signature(def: FunctionDef): string {
  return `${def.name}(${def.params
    .map((p) => `${p.variadic ? "..." : ""}${p.name}${p.optional ? "?" : ""}`)
    .join(", ")})`;
}

function arity(params: readonly ParamSpec[]): { min: number; max: number } {
  const min =
    params.filter((p) => !p.optional && !p.variadic).length +
    (params.some((p) => p.variadic && !p.optional) ? 1 : 0);
  const max = params.some((p) => p.variadic) ? Number.POSITIVE_INFINITY : params.length;
  return { min, max };
}

/** Type-checks a parsed formula against the columns in scope and lowers it to IR. */
export class Checker {
  readonly r = new Reporter();
  private readonly byName: ReadonlyMap<string, FormulaScopeColumn>;
  /** Inside an aggregation's argument (aggregate mode only). */
  private inAggregation = false;

  /**
   * `groupKeys`: aggregate mode (a group recipe's custom aggregation). Columns must then be
   * group keys or appear inside an aggregation.
   */
  constructor(
    private readonly columns: readonly FormulaScopeColumn[],
    private readonly groupKeys?: ReadonlySet<ColumnId>,
  ) {
    this.byName = new Map(columns.map((c) => [c.name, c]));
  }

  check(node: FormulaNode): Typed {
    switch (node.kind) {
      case "number":
        return this.number(node.text, node.integral, node);
      case "string":
        return { type: "string", expr: lit(node.value, "string"), node };
      case "boolean":
        return { type: "boolean", expr: lit(node.value, "boolean"), node };
      case "null":
        return { type: "null", expr: lit(null, "string"), node };
      case "column":
        return this.column(node.name, node);
      case "call":
        return this.call(node);
      case "unary":
        return this.unary(node);
      case "binary":
        return this.binary(node);
    }
  }

  private number(text: string, integral: boolean, node: FormulaNode): Typed {
    if (integral) {
      const n = BigInt(text);
      const negative = text.startsWith("-");
      const magnitude = negative ? -n : n;
      if (magnitude <= INT_MAX + (negative ? 1n : 0n))
        return { type: "integer", expr: lit(n.toString(), "integer"), node };
      if (magnitude <= BIGINT_MAX + (negative ? 1n : 0n))
        return { type: "bigint", expr: lit(n.toString(), "bigint"), node };
      return this.r.fail(
        "invalid_argument",
        `${text} is too large for a whole number; write ${text}.0 for a double`,
        node,
      );
    }
    const v = Number(text);
    if (!Number.isFinite(v))
      return this.r.fail("invalid_argument", `${text} is too large for a double`, node);
    return { type: "double", expr: lit(v, "double"), node };
  }

  private column(name: string, node: FormulaNode): Typed {
    const c = this.byName.get(name);
    if (c && this.groupKeys && !this.inAggregation && !this.groupKeys.has(c.id)) {
      const shown =
        node.kind === "column" && node.syntax === "bare" ? name : `\`${name.replaceAll("`", "``")}\``;
      return this.r.fail(
        "invalid_argument",
        `Column '${name}' is neither a group key nor inside an aggregation: aggregate it, e.g. sum(${shown}) or max(${shown})`,
        node,
      );
    }
    if (c) return { type: c.type, expr: col(c.id, c.type), node };
    const names = this.columns.map((x) => x.name);
    const near = closest(name, names);
    let message = `Unknown column '${name}'`;
    if (near) message += ` — did you mean '${near}'?`;
    else if (FUNCTION_INDEX.has(name.toLowerCase()))
      message += `: '${name}' is a function, call it as ${name}(...)`;
    else if (names.length > 0) {
      const shown = names
        .slice(0, 8)
        .map((n) => `'${n}'`)
        .join(", ");
      message += `: the input has ${shown}${names.length > 8 ? ", ..." : ""}. Write names with spaces or symbols as \`my column\` or val("my column")`;
    }
    return this.r.fail("unknown_column", message, node);
  }

  private call(node: CallNode): Typed {
    const nameSpan = { start: node.nameStart, end: node.nameEnd };
    const lower = node.name.toLowerCase();
    const aggregation = AGGREGATIONS[lower];
    const scalarMinMax = (lower === "min" || lower === "max") && node.args.length !== 1;
    if (aggregation && !scalarMinMax) {
      if (this.groupKeys) return this.aggregation(node, aggregation.name, aggregation.star === true);
      if (!FUNCTION_INDEX.has(lower)) {
        this.r.report(
          "unknown_function",
          `${node.name}() is an aggregation: use it in a group recipe's custom aggregations, not in a row formula`,
          nameSpan,
        );
        return errorValue(node);
      }
    }
    const args = node.args.map((a) => this.check(a));
    const def = FUNCTION_INDEX.get(lower);
    if (!def) {
      const near = closest(
        node.name,
        [...FUNCTION_INDEX.keys()].map((k) => FUNCTION_INDEX.get(k)!.name),
      );
      let message = `Unknown function '${node.name}'`;
      if (near) message += ` — did you mean '${near}'?`;
      else if (this.byName.has(node.name)) message += `: '${node.name}' is a column, not a function`;
      else message += ": see the function list for what is available";
      this.r.report("unknown_function", message, nameSpan);
      return errorValue(node);
    }
    const { min, max } = arity(def.params);
    if (args.length < min || args.length > max) {
      const range =
        min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;
      const got = node.method ? `${args.length} (counting the value before the '.')` : `${args.length}`;
      this.r.report(
        "wrong_arity",
        `${def.name}() takes ${range} argument${range === "1" ? "" : "s"} — ${signature(def)} — but got ${got}`,
        nameSpan,
      );
      return errorValue(node);
    }
    let ok = !args.some((a) => a.type === "error");
    args.forEach((a, i) => {
      const p = def.params[Math.min(i, def.params.length - 1)]!;
      if (p.literal && !isLiteralNode(a.node)) {
        this.r.report(
          "invalid_argument",
          `The ${p.name} of ${def.name}() must be written as a literal value (e.g. ${def.example})`,
          a.node,
        );
        ok = false;
      } else if (!accepts(p.type, a)) {
        this.r.report(
          "wrong_type",
          `The ${p.name} of ${def.name}() must be ${EXPECTED[p.type]}, but this is ${describeType(a.type)}${conversionHint(p.type, a.type)}`,
          a.node,
        );
        ok = false;
      }
    });
    if (!ok) return errorValue(node);
    const built = def.build(args, { r: this.r, call: node });
    return built ? { type: built.type, expr: built.expr, node } : errorValue(node);
  }

  /** sum(x), count(), ... in aggregate mode: an aggregate IR node with Spark's result type. */
  private aggregation(node: CallNode, name: keyof typeof GROUP_AGG_RULES, star: boolean): Typed {
    const nameSpan = { start: node.nameStart, end: node.nameEnd };
    if (this.inAggregation) {
      this.r.report(
        "invalid_argument",
        "Aggregations cannot be nested: compute the inner value per row",
        nameSpan,
      );
      return errorValue(node);
    }
    if (node.args.length > 1 || (node.args.length === 0 && !star)) {
      this.r.report(
        "wrong_arity",
        `${node.name}() takes ${star ? "0 or 1 argument" : "1 argument"} in an aggregation, got ${node.args.length}`,
        nameSpan,
      );
      return errorValue(node);
    }
    if (node.args.length === 0) return { type: "bigint", expr: agg("count_star", [], "bigint"), node };
    this.inAggregation = true;
    const arg = this.check(node.args[0]!);
    this.inAggregation = false;
    if (arg.type === "error") return errorValue(node);
    const rule = GROUP_AGG_RULES[name];
    const input: ColumnType = arg.type === "null" ? "integer" : arg.type;
    const type = rule.type(input);
    if (typeof type === "object") {
      return this.r.fail(
        "wrong_type",
        `${node.name}() ${type.reject}, but this is ${describeType(arg.type)}`,
        arg.node,
      );
    }
    return { type, expr: agg(rule.ir, [coerce(arg, input)], type), node };
  }

  private unary(node: UnaryNode): Typed {
    if (node.op === "-" && node.arg.kind === "number") {
      return this.number(`-${node.arg.text}`, node.arg.integral, node);
    }
    const arg = this.check(node.arg);
    if (arg.type === "error") return errorValue(node);
    if (node.op === "-") {
      if (arg.type === "null") return { ...arg, node };
      if (!NUMERIC.has(arg.type)) {
        return this.r.fail(
          "wrong_type",
          `'-' needs a number, but this is ${describeType(arg.type)}`,
          node.arg,
        );
      }
      return { type: arg.type, expr: call("negate", [arg.expr], arg.type), node };
    }
    if (arg.type !== "boolean" && arg.type !== "null") {
      return this.r.fail(
        "wrong_type",
        `'not' needs a condition (true/false), but this is ${describeType(arg.type)}: compare it, e.g. x != 0`,
        node.arg,
      );
    }
    return { type: "boolean", expr: not(coerce(arg, "boolean")), node };
  }

  private binary(node: BinaryNode): Typed {
    const l = this.check(node.left);
    const r = this.check(node.right);
    if (l.type === "error" || r.type === "error") return errorValue(node);
    const opSpan = { start: node.opStart, end: node.opStart + (node.op.length === 2 ? 2 : 1) };
    const fail = (message: string): Typed => {
      this.r.report("wrong_type", message, opSpan);
      return errorValue(node);
    };
    const pair = `${describeType(l.type)} and ${describeType(r.type)}`;
    switch (node.op) {
      case "&&":
      case "||": {
        for (const side of [l, r]) {
          if (side.type !== "boolean" && side.type !== "null") {
            this.r.report(
              "wrong_type",
              `'${node.op}' combines conditions (true/false), but this is ${describeType(side.type)}`,
              side.node,
            );
            return errorValue(node);
          }
        }
        const args = [coerce(l, "boolean"), coerce(r, "boolean")];
        return { type: "boolean", expr: node.op === "&&" ? and(args) : or(args), node };
      }
      case "==":
      case "!=":
      case "<":
      case "<=":
      case ">":
      case ">=":
        return this.comparison(node, l, r, fail);
      case "+":
        if (l.type === "string" || r.type === "string") {
          const text = (t: Typed): Expr =>
            t.type === "string"
              ? t.expr
              : t.type === "null"
                ? lit(null, "string")
                : call("to_string", [t.expr], "string");
          return { type: "string", expr: call("concat", [text(l), text(r)], "string"), node };
        }
        if (TEMPORAL.has(l.type) || TEMPORAL.has(r.type)) {
          return fail("Dates cannot be added with '+': use dateAdd(date, amount, 'days')");
        }
        return this.arithmetic(node, l, r, "add", fail, pair);
      case "-":
        if (TEMPORAL.has(l.type) && TEMPORAL.has(r.type)) {
          return fail(
            "Dates cannot be subtracted with '-': use dateDiff(end, start) for the days between them",
          );
        }
        if (TEMPORAL.has(l.type))
          return fail("Dates cannot be shifted with '-': use dateAdd(date, -amount, 'days')");
        return this.arithmetic(node, l, r, "subtract", fail, pair);
      case "*":
        return this.arithmetic(node, l, r, "multiply", fail, pair);
      case "%":
        return this.arithmetic(node, l, r, "remainder", fail, pair);
      case "/": {
        const checked = this.arithmetic(node, l, r, "divide", fail, pair);
        if (checked.type === "error") return checked;
        // Spark's `/` is always a double division (x / 0 is NULL).
        return {
          type: "double",
          expr: call("divide", [coerce(l, "double"), coerce(r, "double")], "double"),
          node,
        };
      }
    }
  }

  private arithmetic(
    node: BinaryNode,
    l: Typed,
    r: Typed,
    fn: "add" | "subtract" | "multiply" | "remainder" | "divide",
    fail: (m: string) => Typed,
    pair: string,
  ): Typed {
    for (const side of [l, r]) {
      if (side.type !== "null" && !NUMERIC.has(side.type)) {
        const hint = side.type === "string" ? ": convert text with toNumber()" : "";
        return fail(`'${node.op}' needs numbers, but got ${pair}${hint}`);
      }
    }
    const t = unifyTypes([l.type, r.type]);
    const type: ColumnType = t === null || t === "null" ? "integer" : t;
    // Decimal operands are cast to Sous' DECIMAL(38, 9) by the dialects' renderings (decimal.ts).
    const operand = (x: Typed) => (type === "decimal" && x.type !== "null" ? x.expr : coerce(x, type));
    return { type, expr: call(fn, [operand(l), operand(r)], type), node };
  }

  private comparison(node: BinaryNode, l: Typed, r: Typed, fail: (m: string) => Typed): Typed {
    const op = COMPARE_OPS[node.op as keyof typeof COMPARE_OPS];
    if (l.type === "null" || r.type === "null") {
      const other = l.type === "null" ? node.right : node.left;
      const shown = other.kind === "column" ? other.name : "x";
      return fail(
        node.op === "!="
          ? `Comparing with null is never true: use isNotNull(${shown})`
          : `Comparing with null is never true: use isNull(${shown})`,
      );
    }
    const both = (set: ReadonlySet<FType>) => set.has(l.type) && set.has(r.type);
    if (both(NUMERIC) || both(TEMPORAL) || l.type === r.type) {
      return { type: "boolean", expr: compare(op, l.expr, r.expr), node };
    }
    // A date column against a 'YYYY-MM-DD' text reads the text as a date.
    if (TEMPORAL.has(l.type) && temporalLiteral(r)) {
      return { type: "boolean", expr: compare(op, l.expr, temporalLiteral(r)!), node };
    }
    if (TEMPORAL.has(r.type) && temporalLiteral(l)) {
      return { type: "boolean", expr: compare(op, temporalLiteral(l)!, r.expr), node };
    }
    return fail(
      `Cannot compare ${describeType(l.type)} with ${describeType(r.type)}: convert one side with toNumber(), toString() or toDate()`,
    );
  }
}
