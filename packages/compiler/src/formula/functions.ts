import type { ColumnType } from "@sous/contracts";
import { DOUBLE_TEXT } from "../conditions.ts";
import { strictParseRegex } from "../dates/spark-patterns.ts";
import { translateSparkPattern } from "../dates/translate-pattern.ts";
import {
  and,
  call,
  caseWhen,
  cast,
  compare,
  type Expr,
  isNull,
  lit,
  not,
  or,
  type ScalarFn,
} from "../ir/expr.ts";
import type { Dialect, Translatability } from "../types.ts";
import type { CallNode, FormulaNode } from "./ast.ts";
import { javaReplacementToRe2 } from "./regex.ts";
import {
  coerce,
  describeType,
  type FType,
  NUMERIC,
  type Reporter,
  type Typed,
  unifyTypes,
} from "./typing.ts";

/**
 * The formula function catalog. Each entry declares its parameters (checked generically), what
 * it returns, its docs, per-engine translatability, and how it lowers to IR. Semantics are
 * Spark's, ANSI-independent; DuckDB differences are emulated in `duckdb.ts`.
 */
export type ParamType = "any" | "string" | "number" | "integral" | "boolean" | "temporal";

export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  readonly optional?: boolean;
  /** The last parameter may repeat. */
  readonly variadic?: boolean;
  /** Must be written as a literal (units, patterns, digits). */
  readonly literal?: boolean;
}

export type FormulaCategory = "logic" | "string" | "math" | "date" | "conversion";

interface BuildContext {
  readonly r: Reporter;
  readonly call: CallNode;
}

interface Built {
  readonly expr: Expr;
  readonly type: ColumnType;
}

export interface FunctionDef {
  readonly name: string;
  readonly category: FormulaCategory;
  readonly params: readonly ParamSpec[];
  /** Result type for the docs (e.g. "same as x"). */
  readonly returns: string;
  readonly description: string;
  readonly example: string;
  readonly aliases?: readonly string[];
  /** Engines that cannot always reproduce Spark; absent: full. */
  readonly engines?: Partial<Record<Dialect, Exclude<Translatability, { level: "full" }>>>;
  /** Lowers checked arguments; null after reporting an error. */
  build(args: readonly Typed[], ctx: BuildContext): Built | null;
}

// ---------------------------------------------------------------------------------------------
// Helpers

const p = (name: string, type: ParamType, extra: Partial<ParamSpec> = {}): ParamSpec => ({
  name,
  type,
  ...extra,
});
const S = (name = "text") => p(name, "string");
const N = (name = "x") => p(name, "number");
const I = (name: string) => p(name, "integral");
const T = (name = "date") => p(name, "temporal");
const A = (name = "value") => p(name, "any");

const fn = (f: ScalarFn, args: readonly Expr[], type: ColumnType): Built => ({
  expr: call(f, args, type),
  type,
});
const at = (args: readonly Typed[], i: number): Typed => args[i]!;

const report = (ctx: BuildContext, node: FormulaNode, message: string): null => {
  ctx.r.report("invalid_argument", message, node);
  return null;
};

/** The common type of arguments (numbers widen, dates meet timestamps), "string" if all NULL. */
function unify(args: readonly Typed[], ctx: BuildContext, what: string): ColumnType | null {
  const t = unifyTypes(args.map((a) => a.type));
  if (t === null) {
    const types = [...new Set(args.filter((a) => a.type !== "null").map((a) => a.type))].join(", ");
    ctx.r.report(
      "wrong_type",
      `${what} must all have compatible types, got ${types}: convert them with toString(), toNumber() or toDate()`,
      ctx.call,
    );
    return null;
  }
  return t === "null" ? "string" : t;
}

/** Integer value of a literal argument (possibly negated). */
function literalInt(t: Typed): number | null {
  const n = t.node;
  if (n.kind === "number" && n.integral) return Number(n.text);
  if (n.kind === "unary" && n.op === "-" && n.arg.kind === "number" && n.arg.integral)
    return -Number(n.arg.text);
  return null;
}

const literalText = (t: Typed): string | null => (t.node.kind === "string" ? t.node.value : null);

/** A unit argument: case-insensitive, singular or plural, from a fixed list. */
function unit(
  t: Typed | undefined,
  allowed: readonly string[],
  ctx: BuildContext,
  fallback?: string,
): string | null {
  if (t === undefined) return fallback ?? null;
  const text = literalText(t);
  const key = text?.toLowerCase().replace(/s$/, "");
  const found = allowed.find((u) => u.toLowerCase() === key);
  if (found) return found;
  return report(
    ctx,
    t.node,
    `Unknown unit ${text === null ? "(it must be a quoted text)" : `'${text}'`}: use one of ${allowed.map((u) => `'${u}'`).join(", ")}`,
  );
}

const toText = (t: Typed): Expr =>
  t.type === "string"
    ? t.expr
    : t.type === "null" || t.type === "error"
      ? lit(null, "string")
      : call("to_string", [t.expr], "string");

const asDouble = (t: Typed): Expr => coerce(t, "double");
const asInt = (t: Typed): Expr => (t.type === "bigint" ? cast(t.expr, "integer") : coerce(t, "integer"));

/** A date or timestamp argument (a 'YYYY-MM-DD' text literal becomes a date). */
function temporal(t: Typed): { expr: Expr; type: "date" | "timestamp" } {
  if (t.type === "timestamp") return { expr: t.expr, type: "timestamp" };
  if (t.type === "date") return { expr: t.expr, type: "date" };
  const e = coerce(t, "date");
  return { expr: e, type: e.type === "timestamp" ? "timestamp" : "date" };
}

const asDate = (t: Typed): Expr => {
  const d = temporal(t);
  return d.type === "date" ? d.expr : cast(d.expr, "date");
};

const isBlank = (t: Typed): Expr =>
  t.type === "string" ? or([isNull(t.expr), compare("=", t.expr, lit("", "string"))]) : isNull(t.expr);

/** Counts capturing groups of a regex literal (an estimate good enough for the usual patterns). */
function groupCount(pattern: string): number {
  let n = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (
      c === "(" &&
      (pattern[i + 1] !== "?" || (pattern[i + 2] === "<" && !/[=!]/.test(pattern[i + 3] ?? "")))
    )
      n++;
  }
  return n;
}

const DATE_PARTS = [
  "year",
  "quarter",
  "month",
  "week",
  "day",
  "dayOfWeek",
  "dayOfYear",
  "hour",
  "minute",
  "second",
] as const;

function datePart(part: string, t: Typed): Built {
  return fn("date_part", [lit(part.toLowerCase(), "string"), temporal(t).expr], "integer");
}

const partFunction = (name: string, part: string, description: string, example: string): FunctionDef => ({
  name,
  category: "date",
  params: [T()],
  returns: "integer",
  description,
  example,
  build: (args) => datePart(part, at(args, 0)),
});

const PARTIAL_DOUBLE_TEXT: Exclude<Translatability, { level: "full" }> = {
  level: "partial",
  condition: DOUBLE_TEXT,
};
const PARTIAL_JAVA_REGEX: Exclude<Translatability, { level: "full" }> = {
  level: "partial",
  condition:
    "not with Java-only regex constructs (look-around, back-references, atomic groups, possessive quantifiers, POSIX \\p{Alpha}); $, ., \\b, \\s and (?i) can match differently (the step's badge says when)",
};

const TRUE_TEXT = ["t", "true", "y", "yes", "1"];
const FALSE_TEXT = ["f", "false", "n", "no", "0"];

// ---------------------------------------------------------------------------------------------
// The catalog

const logic: FunctionDef[] = [
  {
    name: "if",
    category: "logic",
    params: [p("condition", "boolean"), A("then"), { ...A("else"), optional: true }],
    returns: "the common type of then and else",
    description: "then when the condition is true, else otherwise (NULL when else is omitted).",
    example: 'if(amount > 100, "big", "small")',
    build: (args, ctx) => {
      const branches = args.slice(1);
      const t = unify(branches, ctx, "The branches of if()");
      if (!t) return null;
      const otherwise = args[2] ? coerce(at(args, 2), t) : null;
      return {
        expr: caseWhen([{ when: at(args, 0).expr, result: coerce(at(args, 1), t) }], otherwise, t),
        type: t,
      };
    },
  },
  {
    name: "and",
    category: "logic",
    params: [p("a", "boolean"), p("b", "boolean", { variadic: true })],
    returns: "boolean",
    description: "True when every argument is true (SQL three-valued logic with NULLs).",
    example: "and(amount > 0, isNotNull(customer))",
    build: (args) => ({ expr: and(args.map((a) => coerce(a, "boolean"))), type: "boolean" }),
  },
  {
    name: "or",
    category: "logic",
    params: [p("a", "boolean"), p("b", "boolean", { variadic: true })],
    returns: "boolean",
    description: "True when any argument is true.",
    example: 'or(country == "FR", country == "BE")',
    build: (args) => ({ expr: or(args.map((a) => coerce(a, "boolean"))), type: "boolean" }),
  },
  {
    name: "not",
    category: "logic",
    params: [p("condition", "boolean")],
    returns: "boolean",
    description: "True when the condition is false (NULL stays NULL).",
    example: "not(isBlank(email))",
    build: (args) => ({ expr: not(coerce(at(args, 0), "boolean")), type: "boolean" }),
  },
  {
    name: "coalesce",
    category: "logic",
    params: [A("value"), { ...A("fallback"), optional: true, variadic: true }],
    returns: "the common type of the values",
    description: "The first value that is not NULL.",
    example: "coalesce(nickname, first_name, 'unknown')",
    build: (args, ctx) => {
      const t = unify(args, ctx, "The values of coalesce()");
      return t
        ? fn(
            "coalesce",
            args.map((a) => coerce(a, t)),
            t,
          )
        : null;
    },
  },
  {
    name: "isBlank",
    category: "logic",
    params: [A()],
    returns: "boolean",
    description: "True when the value is NULL or an empty text.",
    example: "isBlank(email)",
    aliases: ["isEmpty"],
    build: (args) => ({ expr: isBlank(at(args, 0)), type: "boolean" }),
  },
  {
    name: "isNotBlank",
    category: "logic",
    params: [A()],
    returns: "boolean",
    description: "True when the value is neither NULL nor an empty text.",
    example: "isNotBlank(email)",
    aliases: ["isNonBlank", "isNotEmpty"],
    build: (args) => ({ expr: not(isBlank(at(args, 0))), type: "boolean" }),
  },
  {
    name: "isNull",
    category: "logic",
    params: [A()],
    returns: "boolean",
    description: "True when the value is NULL.",
    example: "isNull(closed_at)",
    build: (args) => ({ expr: isNull(at(args, 0).expr), type: "boolean" }),
  },
  {
    name: "isNotNull",
    category: "logic",
    params: [A()],
    returns: "boolean",
    description: "True when the value is not NULL.",
    example: "isNotNull(closed_at)",
    build: (args) => ({ expr: not(isNull(at(args, 0).expr)), type: "boolean" }),
  },
  {
    name: "nullIf",
    category: "logic",
    params: [A(), A("other")],
    returns: "the type of value",
    description: "NULL when value equals other, else value.",
    example: 'nullIf(status, "n/a")',
    build: (args, ctx) => {
      const t = unify(args, ctx, "The arguments of nullIf()");
      return t
        ? fn(
            "nullif",
            args.map((a) => coerce(a, t)),
            t,
          )
        : null;
    },
  },
  {
    name: "switch",
    category: "logic",
    params: [A(), A("match"), A("result"), { ...A("more"), optional: true, variadic: true }],
    returns: "the common type of the results",
    description:
      "Compares value with each match in turn and returns the result paired with the first equal one; a last unpaired argument is the default (else NULL).",
    example: 'switch(code, 1, "one", 2, "two", "many")',
    build: (args, ctx) => {
      const [value, ...rest] = args;
      const pairs: [Typed, Typed][] = [];
      for (let i = 0; i + 1 < rest.length; i += 2) pairs.push([rest[i]!, rest[i + 1]!]);
      const fallback = rest.length % 2 === 1 ? rest[rest.length - 1]! : null;
      const keyType = unify([value!, ...pairs.map(([m]) => m)], ctx, "The value and matches of switch()");
      const resultType = unify(
        [...pairs.map(([, r]) => r), ...(fallback ? [fallback] : [])],
        ctx,
        "The results of switch()",
      );
      if (!keyType || !resultType) return null;
      const whens = pairs.map(([m, r]) => ({
        when: compare("=", coerce(value!, keyType), coerce(m, keyType)),
        result: coerce(r, resultType),
      }));
      return {
        expr: caseWhen(whens, fallback ? coerce(fallback, resultType) : null, resultType),
        type: resultType,
      };
    },
  },
  {
    name: "isNumeric",
    category: "logic",
    params: [S()],
    returns: "boolean",
    description: "True when the text converts to a number with toNumber().",
    example: "isNumeric(zip)",
    engines: {
      duckdb: {
        level: "partial",
        condition: "text Java reads as a number but DuckDB does not (e.g. '1d', '0x1p3') is not numeric",
      },
    },
    build: (args) => ({
      expr: not(isNull(call("from_string", [coerce(at(args, 0), "string")], "double"))),
      type: "boolean",
    }),
  },
];

const strings: FunctionDef[] = [
  {
    name: "concat",
    category: "string",
    params: [{ ...A(), variadic: true }],
    returns: "string",
    description: "Joins the values as text; NULL when any value is NULL (use coalesce to skip them).",
    example: 'concat(first_name, " ", last_name)',
    engines: { duckdb: PARTIAL_DOUBLE_TEXT },
    build: (args) =>
      args.length === 1
        ? { expr: toText(at(args, 0)), type: "string" }
        : fn("concat", args.map(toText), "string"),
  },
  {
    name: "length",
    category: "string",
    params: [S()],
    returns: "integer",
    description: "Number of characters.",
    example: "length(name)",
    build: (args) => fn("char_length", [coerce(at(args, 0), "string")], "integer"),
  },
  {
    name: "substring",
    category: "string",
    params: [S(), I("start"), { ...I("length"), optional: true }],
    returns: "string",
    description:
      "length characters from position start (1-based; 0 acts as 1; negative counts from the end), or to the end.",
    example: "substring(code, 1, 3)",
    aliases: ["substr"],
    build: (args) => fn("substring", [coerce(at(args, 0), "string"), ...args.slice(1).map(asInt)], "string"),
  },
  {
    name: "upper",
    category: "string",
    params: [S()],
    returns: "string",
    description: "Upper-cased text.",
    example: "upper(country)",
    aliases: ["toUppercase"],
    build: (args) => fn("upper", [coerce(at(args, 0), "string")], "string"),
  },
  {
    name: "lower",
    category: "string",
    params: [S()],
    returns: "string",
    description: "Lower-cased text.",
    example: "lower(email)",
    aliases: ["toLowercase"],
    build: (args) => fn("lower", [coerce(at(args, 0), "string")], "string"),
  },
  ...(
    [
      ["trim", "Removes leading and trailing spaces.", ["strip"]],
      ["ltrim", "Removes leading spaces.", []],
      ["rtrim", "Removes trailing spaces.", []],
    ] as const
  ).map(
    ([name, description, aliases]): FunctionDef => ({
      name,
      category: "string",
      params: [S()],
      returns: "string",
      description: `${description} Only the space character, as Spark.`,
      example: `${name}(name)`,
      aliases,
      build: (args) => fn(name, [coerce(at(args, 0), "string")], "string"),
    }),
  ),
  {
    name: "replace",
    category: "string",
    params: [S(), S("search"), S("replacement")],
    returns: "string",
    description: "Replaces every occurrence of search (plain text, not a regex).",
    example: 'replace(phone, " ", "")',
    build: (args) =>
      fn(
        "replace",
        args.map((a) => coerce(a, "string")),
        "string",
      ),
  },
  {
    name: "regexMatch",
    category: "string",
    params: [S(), S("regex")],
    returns: "boolean",
    description: "True when the (Java) regex matches somewhere in the text.",
    example: 'regexMatch(sku, "^[A-Z]{3}-[0-9]+$")',
    engines: { duckdb: PARTIAL_JAVA_REGEX },
    build: (args) =>
      fn(
        "regexp_like",
        args.map((a) => coerce(a, "string")),
        "boolean",
      ),
  },
  {
    name: "regexExtract",
    category: "string",
    params: [S(), S("regex"), { ...I("group"), optional: true, literal: true }],
    returns: "string",
    description:
      "The text matched by a capture group (default: group 1, or the whole match when the regex has no group); '' when there is no match.",
    example: 'regexExtract(email, "@(.*)$")',
    engines: { duckdb: PARTIAL_JAVA_REGEX },
    build: (args, ctx) => {
      const pattern = literalText(at(args, 1));
      const groups = pattern === null ? null : groupCount(pattern);
      let group = args[2] ? literalInt(at(args, 2)) : groups === 0 ? 0 : 1;
      if (group === null || group < 0)
        return report(ctx, at(args, 2).node, "The group must be 0 (whole match) or more");
      if (groups !== null && group > groups) {
        return report(
          ctx,
          (args[2] ?? at(args, 1)).node,
          `The regex has ${groups} capture group${groups === 1 ? "" : "s"}, so group ${group} does not exist`,
        );
      }
      group = Math.trunc(group);
      return fn(
        "regexp_extract",
        [coerce(at(args, 0), "string"), coerce(at(args, 1), "string"), lit(String(group), "integer")],
        "string",
      );
    },
  },
  {
    name: "regexReplace",
    category: "string",
    params: [S(), S("regex"), { ...S("replacement"), literal: true }],
    returns: "string",
    description:
      "Replaces every match of the (Java) regex; $1 in the replacement inserts group 1, \\$ a dollar.",
    example: 'regexReplace(phone, "[^0-9]", "")',
    engines: { duckdb: PARTIAL_JAVA_REGEX },
    build: (args, ctx) => {
      const replacement = literalText(at(args, 2))!;
      const re2 = javaReplacementToRe2(replacement);
      if (re2 === null) {
        return report(
          ctx,
          at(args, 2).node,
          "Invalid replacement: '$' must be followed by a group number ($1) and '\\' by a character; write \\$ for a dollar sign",
        );
      }
      return fn("regexp_replace", [...args.map((a) => coerce(a, "string")), lit(re2, "string")], "string");
    },
  },
  {
    name: "contains",
    category: "string",
    params: [S(), S("search")],
    returns: "boolean",
    description: "True when the text contains search.",
    example: 'contains(title, "manager")',
    build: (args) =>
      fn(
        "contains",
        args.map((a) => coerce(a, "string")),
        "boolean",
      ),
  },
  {
    name: "startsWith",
    category: "string",
    params: [S(), S("prefix")],
    returns: "boolean",
    description: "True when the text starts with prefix.",
    example: 'startsWith(sku, "FR-")',
    build: (args) =>
      fn(
        "starts_with",
        args.map((a) => coerce(a, "string")),
        "boolean",
      ),
  },
  {
    name: "endsWith",
    category: "string",
    params: [S(), S("suffix")],
    returns: "boolean",
    description: "True when the text ends with suffix.",
    example: 'endsWith(email, ".org")',
    build: (args) =>
      fn(
        "ends_with",
        args.map((a) => coerce(a, "string")),
        "boolean",
      ),
  },
  {
    name: "split",
    category: "string",
    params: [S(), S("delimiter"), I("index")],
    returns: "string",
    description:
      "The index-th piece (1-based; negative counts from the end) of the text cut at each delimiter (plain text); '' when there is no such piece.",
    example: 'split(full_name, " ", 1)',
    build: (args, ctx) => {
      if (literalInt(at(args, 2)) === 0) {
        return report(
          ctx,
          at(args, 2).node,
          "Pieces are numbered from 1 (or from -1 for the last one); 0 is not valid",
        );
      }
      return fn(
        "split_part",
        [coerce(at(args, 0), "string"), coerce(at(args, 1), "string"), asInt(at(args, 2))],
        "string",
      );
    },
  },
  ...(["padLeft", "padRight"] as const).map(
    (name): FunctionDef => ({
      name,
      category: "string",
      params: [S(), I("length"), { ...S("pad"), optional: true }],
      returns: "string",
      description: `Pads the text on the ${name === "padLeft" ? "left" : "right"} with pad (default a space) up to length characters; longer texts are cut to length.`,
      example: `${name}(code, 6, "0")`,
      aliases: [name === "padLeft" ? "lpad" : "rpad"],
      build: (args) =>
        fn(
          name === "padLeft" ? "lpad" : "rpad",
          [
            coerce(at(args, 0), "string"),
            asInt(at(args, 1)),
            args[2] ? coerce(at(args, 2), "string") : lit(" ", "string"),
          ],
          "string",
        ),
    }),
  ),
  {
    name: "repeat",
    category: "string",
    params: [S(), I("times")],
    returns: "string",
    description: "The text repeated times times ('' when times <= 0).",
    example: 'repeat("-", 10)',
    build: (args) => fn("repeat", [coerce(at(args, 0), "string"), asInt(at(args, 1))], "string"),
  },
  {
    name: "reverse",
    category: "string",
    params: [S()],
    returns: "string",
    description: "The characters in reverse order.",
    example: "reverse(code)",
    build: (args) => fn("reverse", [coerce(at(args, 0), "string")], "string"),
  },
  {
    name: "indexOf",
    category: "string",
    params: [S(), S("search")],
    returns: "integer",
    description: "1-based position of the first occurrence of search, 0 when absent (Spark's instr).",
    example: 'indexOf(email, "@")',
    build: (args) =>
      fn(
        "instr",
        args.map((a) => coerce(a, "string")),
        "integer",
      ),
  },
  ...(["left", "right"] as const).map(
    (name): FunctionDef => ({
      name,
      category: "string",
      params: [S(), I("count")],
      returns: "string",
      description: `The ${name}most count characters ('' when count <= 0).`,
      example: `${name}(code, 2)`,
      build: (args) => fn(name, [coerce(at(args, 0), "string"), asInt(at(args, 1))], "string"),
    }),
  ),
  {
    name: "capitalize",
    category: "string",
    params: [S()],
    returns: "string",
    description: "Lower-cases the text, then upper-cases the first letter of each space-separated word.",
    example: "capitalize(city)",
    aliases: ["initcap", "toTitlecase"],
    build: (args) => fn("initcap", [coerce(at(args, 0), "string")], "string"),
  },
  {
    name: "md5",
    category: "string",
    params: [S()],
    returns: "string",
    description: "MD5 digest of the text's UTF-8 bytes, as 32 lower-case hexadecimal characters.",
    example: "md5(email)",
    build: (args) => fn("md5", [coerce(at(args, 0), "string")], "string"),
  },
];

const numericResult = (t: FType): ColumnType =>
  t === "null" || t === "error" ? "double" : (t as ColumnType);

const math: FunctionDef[] = [
  {
    name: "abs",
    category: "math",
    params: [N()],
    returns: "same as x",
    description: "Absolute value.",
    example: "abs(delta)",
    build: (args) => {
      const t = numericResult(at(args, 0).type);
      return fn("abs", [coerce(at(args, 0), t)], t);
    },
  },
  {
    name: "round",
    category: "math",
    params: [N(), { ...I("digits"), optional: true, literal: true }],
    returns: "same as x",
    description:
      "Rounds half up (away from zero) to digits decimals (default 0; negative rounds to tens, hundreds...). Doubles round their shortest decimal text, so round(1.005, 2) = 1.01 as in Spark.",
    example: "round(price * 1.2, 2)",
    build: (args, ctx) => {
      const digits = args[1] ? literalInt(at(args, 1)) : 0;
      if (digits === null || Math.abs(digits) > 18) {
        return report(ctx, at(args, 1).node, "digits must be a whole number between -18 and 18");
      }
      const t = numericResult(at(args, 0).type);
      return fn("round", [coerce(at(args, 0), t), lit(String(digits), "integer")], t);
    },
  },
  ...(["floor", "ceil"] as const).map(
    (name): FunctionDef => ({
      name,
      category: "math",
      params: [N()],
      returns: "bigint (decimal for a decimal)",
      description: `Rounds ${name === "floor" ? "down" : "up"} to a whole number.`,
      example: `${name}(price)`,
      aliases: name === "ceil" ? ["ceiling"] : [],
      build: (args) => {
        const t: ColumnType = at(args, 0).type === "decimal" ? "decimal" : "bigint";
        const x = at(args, 0);
        return fn(name, [x.type === "null" ? lit(null, "double") : x.expr], t);
      },
    }),
  ),
  {
    name: "pow",
    category: "math",
    params: [N("base"), N("exponent")],
    returns: "double",
    description: "base raised to exponent.",
    example: "pow(1 + rate, years)",
    aliases: ["power"],
    build: (args) => fn("pow", args.map(asDouble), "double"),
  },
  {
    name: "sqrt",
    category: "math",
    params: [N()],
    returns: "double",
    description: "Square root; NaN for a negative number.",
    example: "sqrt(area)",
    build: (args) => fn("sqrt", [asDouble(at(args, 0))], "double"),
  },
  {
    name: "log",
    category: "math",
    params: [N()],
    returns: "double",
    description: "Natural logarithm; NULL for zero or a negative number.",
    example: "log(revenue)",
    aliases: ["ln"],
    build: (args) => fn("ln", [asDouble(at(args, 0))], "double"),
  },
  {
    name: "log10",
    category: "math",
    params: [N()],
    returns: "double",
    description: "Base-10 logarithm; NULL for zero or a negative number.",
    example: "log10(population)",
    build: (args) => fn("log10", [asDouble(at(args, 0))], "double"),
  },
  {
    name: "exp",
    category: "math",
    params: [N()],
    returns: "double",
    description: "e raised to x.",
    example: "exp(score)",
    build: (args) => fn("exp", [asDouble(at(args, 0))], "double"),
  },
  ...(["min", "max"] as const).map(
    (name): FunctionDef => ({
      name,
      category: "math",
      params: [A("a"), { ...A("b"), variadic: true }],
      returns: "the common type of the values",
      description: `The ${name === "min" ? "smallest" : "largest"} of the values, ignoring NULLs (NULL when all are NULL). Works on numbers, texts and dates.`,
      example: `${name}(price, 100)`,
      build: (args, ctx) => {
        const t = unify(args, ctx, `The values of ${name}()`);
        return t
          ? fn(
              name === "min" ? "least" : "greatest",
              args.map((a) => coerce(a, t)),
              t,
            )
          : null;
      },
    }),
  ),
  {
    name: "sign",
    category: "math",
    params: [N()],
    returns: "double",
    description: "-1.0, 0.0 or 1.0 according to the sign of x.",
    example: "sign(balance)",
    aliases: ["signum"],
    build: (args) => fn("sign", [asDouble(at(args, 0))], "double"),
  },
  {
    name: "mod",
    category: "math",
    params: [N("dividend"), N("divisor")],
    returns: "the common numeric type",
    description:
      "Remainder of the division, with the sign of the dividend; NULL when divisor is 0. Same as %.",
    example: "mod(id, 10)",
    build: (args, ctx) => {
      const t = unify(args, ctx, "The arguments of mod()");
      return t
        ? fn(
            "remainder",
            args.map((a) => coerce(a, t)),
            t,
          )
        : null;
    },
  },
];

const DATE_ADD_UNITS = ["day", "week", "month", "year", "hour", "minute", "second"] as const;
const TRUNC_UNITS = ["year", "quarter", "month", "week", "day", "hour", "minute", "second"] as const;

const dates: FunctionDef[] = [
  {
    name: "now",
    category: "date",
    params: [],
    returns: "timestamp",
    description: "The current date and time (session time zone, UTC).",
    example: "dateDiff(now(), created_at)",
    build: () => fn("current_timestamp", [], "timestamp"),
  },
  {
    name: "today",
    category: "date",
    params: [],
    returns: "date",
    description: "The current date.",
    example: "dateDiff(today(), birth_date)",
    build: () => fn("current_date", [], "date"),
  },
  {
    name: "datePart",
    category: "date",
    params: [T(), { ...S("part"), literal: true }],
    returns: "integer",
    description: `One part of a date: ${DATE_PARTS.map((u) => `'${u}'`).join(", ")}. dayOfWeek is 1 = Sunday ... 7 = Saturday; week is the ISO week.`,
    example: 'datePart(order_date, "month")',
    build: (args, ctx) => {
      const part = unit(at(args, 1), DATE_PARTS, ctx);
      return part ? datePart(part, at(args, 0)) : null;
    },
  },
  partFunction("year", "year", "The year.", "year(order_date)"),
  partFunction("quarter", "quarter", "The quarter, 1 to 4.", "quarter(order_date)"),
  partFunction("month", "month", "The month, 1 to 12.", "month(order_date)"),
  partFunction("day", "day", "The day of the month, 1 to 31.", "day(order_date)"),
  partFunction(
    "dayOfWeek",
    "dayOfWeek",
    "The day of the week, 1 = Sunday ... 7 = Saturday.",
    "dayOfWeek(order_date)",
  ),
  partFunction("dayOfYear", "dayOfYear", "The day of the year, 1 to 366.", "dayOfYear(order_date)"),
  partFunction(
    "weekOfYear",
    "week",
    "The ISO week number (weeks start on Monday).",
    "weekOfYear(order_date)",
  ),
  partFunction("hour", "hour", "The hour, 0 to 23 (0 for a date).", "hour(created_at)"),
  partFunction("minute", "minute", "The minute, 0 to 59.", "minute(created_at)"),
  partFunction("second", "second", "The second, 0 to 59 (fractions dropped).", "second(created_at)"),
  {
    name: "dateDiff",
    category: "date",
    params: [T("end"), T("start")],
    returns: "integer",
    description:
      "Days from start to end (end - start; times of day are ignored), as Spark's datediff(end, start).",
    example: "dateDiff(shipped_at, ordered_at)",
    build: (args) => fn("date_diff_days", [asDate(at(args, 0)), asDate(at(args, 1))], "integer"),
  },
  {
    name: "dateAdd",
    category: "date",
    params: [T(), I("amount"), { ...S("unit"), optional: true, literal: true }],
    returns: "date (timestamp for hours, minutes, seconds)",
    description:
      "Adds amount units ('days' by default, 'weeks', 'months', 'years', 'hours', 'minutes', 'seconds'; negative to subtract). Days to years give a date (a month end is clamped: Jan 31 + 1 month = Feb 29); hours to seconds a timestamp.",
    example: 'dateAdd(order_date, 30, "days")',
    build: (args, ctx) => {
      const u = unit(args[2], DATE_ADD_UNITS, ctx, "day");
      if (!u) return null;
      const n = asInt(at(args, 1));
      const times = (k: number): Expr => call("multiply", [n, lit(String(k), "integer")], "integer");
      if (u === "hour" || u === "minute" || u === "second") {
        const d = temporal(at(args, 0));
        const ts = d.type === "timestamp" ? d.expr : cast(d.expr, "timestamp");
        return fn("date_add", [lit(u, "string"), ts, n], "timestamp");
      }
      const [ir, amount] = u === "week" ? ["day", times(7)] : u === "year" ? ["month", times(12)] : [u, n];
      return fn("date_add", [lit(ir, "string"), asDate(at(args, 0)), amount], "date");
    },
  },
  {
    name: "parseDate",
    category: "date",
    params: [S(), { ...S("pattern"), optional: true, literal: true }],
    returns: "date",
    description:
      "Reads a date from text with a Java date pattern (e.g. 'dd/MM/yyyy'; default: yyyy-MM-dd); NULL when it does not parse.",
    example: 'parseDate(day, "dd/MM/yyyy")',
    engines: {
      duckdb: {
        level: "partial",
        condition:
          "with one-letter fields (M, d, H...) or letters other than yyyy yy MM dd HH mm ss SSS MMM a, DuckDB's strptime can read texts differently from Spark",
      },
    },
    build: (args, ctx) => {
      const text = coerce(at(args, 0), "string");
      if (!args[1]) return fn("from_string", [text], "date");
      const pattern = literalText(at(args, 1))!;
      const converted = translateSparkPattern(pattern, "parse");
      if ("error" in converted) return report(ctx, at(args, 1).node, converted.error);
      // DuckDB's forms: the strftime pattern and the regex of the texts Spark accepts.
      const strict = lit(strictParseRegex(pattern) ?? "", "string");
      return fn(
        "parse_date",
        [text, lit(pattern, "string"), lit(converted.pattern, "string"), strict],
        "date",
      );
    },
  },
  {
    name: "formatDate",
    category: "date",
    params: [T(), { ...S("pattern"), literal: true }],
    returns: "string",
    description:
      "Writes a date or timestamp as text with a Java date pattern: yyyy, yy, MM, M, MMM, MMMM, dd, d, HH, hh, mm, ss, SSS, a, EEE, EEEE, D, 'quoted text'.",
    example: 'formatDate(order_date, "yyyy-MM")',
    build: (args, ctx) => {
      const pattern = literalText(at(args, 1))!;
      const converted = translateSparkPattern(pattern, "format");
      if ("error" in converted) return report(ctx, at(args, 1).node, converted.error);
      return fn(
        "format_date",
        [temporal(at(args, 0)).expr, lit(pattern, "string"), lit(converted.pattern, "string")],
        "string",
      );
    },
  },
  {
    name: "trunc",
    category: "date",
    params: [T(), { ...S("unit"), literal: true }],
    returns: "same as date",
    description:
      "Truncates to the start of the 'year', 'quarter', 'month', 'week' (Monday) or 'day'; timestamps also to the 'hour', 'minute', 'second'.",
    example: 'trunc(order_date, "month")',
    build: (args, ctx) => {
      const d = temporal(at(args, 0));
      const u = unit(at(args, 1), TRUNC_UNITS, ctx);
      if (!u) return null;
      if (d.type === "date") {
        if (u === "day") return { expr: d.expr, type: "date" };
        if (u === "hour" || u === "minute" || u === "second") {
          return report(ctx, at(args, 1).node, `A date has no ${u}s: truncate a timestamp instead`);
        }
      }
      return fn("date_trunc", [lit(u, "string"), d.expr], d.type);
    },
  },
];

const conversions: FunctionDef[] = [
  {
    name: "toNumber",
    category: "conversion",
    params: [A()],
    returns: "double",
    description: "The value as a double; NULL for a text that is not a number (spaces around are allowed).",
    example: 'toNumber(replace(amount_text, ",", "."))',
    aliases: ["toDouble"],
    engines: {
      duckdb: {
        level: "partial",
        condition: "text Java reads as a number but DuckDB does not (e.g. '1d', '0x1p3') becomes NULL",
      },
    },
    build: (args, ctx) => convert(at(args, 0), "double", ctx),
  },
  {
    name: "toInteger",
    category: "conversion",
    params: [A()],
    returns: "integer",
    description:
      "The value as an integer: fractions are truncated toward zero ('1.9' and 1.9 give 1); NULL for invalid text or out of range.",
    example: "toInteger(quantity_text)",
    aliases: ["toInt"],
    build: (args, ctx) => convert(at(args, 0), "integer", ctx),
  },
  {
    name: "toString",
    category: "conversion",
    params: [A()],
    returns: "string",
    description: "The value as text (dates as yyyy-MM-dd, booleans as true/false).",
    example: "toString(customer_id)",
    engines: { duckdb: PARTIAL_DOUBLE_TEXT },
    build: (args) => ({ expr: toText(at(args, 0)), type: "string" }),
  },
  {
    name: "toDate",
    category: "conversion",
    params: [A()],
    returns: "date",
    description:
      "The value as a date: text in yyyy-MM-dd form, or a timestamp's date; NULL for invalid text.",
    example: "toDate(created_at)",
    engines: {
      duckdb: {
        level: "partial",
        condition: "Spark also reads partial dates such as '2024' or '2024-3' that DuckDB turns into NULL",
      },
    },
    build: (args, ctx) => convert(at(args, 0), "date", ctx),
  },
  {
    name: "toTimestamp",
    category: "conversion",
    params: [A()],
    returns: "timestamp",
    description: "The value as a timestamp: text in 'yyyy-MM-dd HH:mm:ss' form, or a date at midnight.",
    example: "toTimestamp(event_time)",
    engines: {
      duckdb: {
        level: "partial",
        condition: "Spark also reads partial dates such as '2024' or '2024-3' that DuckDB turns into NULL",
      },
    },
    build: (args, ctx) => convert(at(args, 0), "timestamp", ctx),
  },
  {
    name: "toBoolean",
    category: "conversion",
    params: [A()],
    returns: "boolean",
    description:
      "The value as a boolean: texts t/true/y/yes/1 and f/false/n/no/0 (any case, spaces around ignored), numbers != 0; NULL otherwise.",
    example: "toBoolean(active_flag)",
    aliases: ["asBool"],
    build: (args, ctx) => convert(at(args, 0), "boolean", ctx),
  },
];

const CONVERTIBLE: Record<string, ReadonlySet<FType>> = {
  double: new Set(["integer", "bigint", "decimal", "boolean"]),
  integer: new Set(["bigint", "double", "decimal", "boolean"]),
  date: new Set(["timestamp"]),
  timestamp: new Set(["date"]),
  boolean: new Set<FType>(),
};

function convert(t: Typed, to: ColumnType, ctx: BuildContext): Built | null {
  if (t.type === to || t.type === "null" || t.type === "error") return { expr: coerce(t, to), type: to };
  if (t.type === "string") {
    if (to !== "boolean") return fn("from_string", [t.expr], to);
    const text = call("lower", [call("trim", [t.expr], "string")], "string");
    const among = (values: string[]) => or(values.map((v) => compare("=", text, lit(v, "string"))));
    return {
      expr: caseWhen(
        [
          { when: among(TRUE_TEXT), result: lit(true, "boolean") },
          { when: among(FALSE_TEXT), result: lit(false, "boolean") },
        ],
        null,
        "boolean",
      ),
      type: "boolean",
    };
  }
  if (
    (to === "integer" && (t.type === "double" || t.type === "bigint")) ||
    (to === "bigint" && t.type === "double")
  ) {
    return fn("to_integral", [t.expr], to);
  }
  if (to === "boolean" && NUMERIC.has(t.type)) {
    return { expr: compare("<>", t.expr, lit(0, "integer")), type: to };
  }
  if (CONVERTIBLE[to]?.has(t.type)) return { expr: cast(t.expr, to), type: to };
  return report(ctx, t.node, `Cannot convert ${describeType(t.type)} to ${describeType(to)}`);
}

/** Every function, by category. */
export const FUNCTIONS: readonly FunctionDef[] = [...logic, ...strings, ...math, ...dates, ...conversions];

/** Lookup by lower-cased name or alias. */
export const FUNCTION_INDEX: ReadonlyMap<string, FunctionDef> = new Map(
  FUNCTIONS.flatMap((f) => [f.name, ...(f.aliases ?? [])].map((n) => [n.toLowerCase(), f] as const)),
);
