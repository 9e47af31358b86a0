import { translateSparkPattern } from "../../dates/translate-pattern.ts";
import { castTo, identifierName, literalInteger, literalString, stringLiteral } from "./literals.ts";
import { regexPattern, replacement } from "./regex.ts";
import type { Node, Translator } from "./tree.ts";

// Spark's functions, each rendered as DuckDB SQL that returns Spark's rows (with ANSI off: a
// value Spark would reject is NULL). A function not in this catalog is refused: the same name
// in DuckDB often means something else (log, split, size, regexp_replace, ...), so nothing is
// passed through on the hope that it does.

/** One call as the parse tree gives it. */
export interface Call {
  readonly name: string;
  readonly node: Node;
  /** Argument expressions and their DuckDB renderings. */
  readonly args: readonly Node[];
  readonly a: readonly string[];
  readonly distinct: boolean;
  /** ` FILTER (WHERE ...)` and ` OVER (...)`, rendered, or "". */
  readonly filter: string;
  readonly over: string;
  readonly ignoreNulls: boolean;
  readonly t: Translator;
}

type Render = (c: Call) => string;
interface Entry {
  kind: "scalar" | "aggregate" | "window";
  render: Render;
  /** Argument counts accepted. */
  arity: readonly [number, number];
}

const fail = (c: Call, message: string): never => c.t.fail(c.node, message);
const lit = (c: Call, i: number): string | undefined =>
  c.args[i] ? literalString(c.args[i]!, c.t) : undefined;
const int = (c: Call, i: number): number | undefined =>
  c.args[i] ? literalInteger(c.args[i]!, c.t) : undefined;
const list = (c: Call) => c.a.join(", ");
const ts = (x: string) => `TRY_CAST(${x} AS TIMESTAMP)`;
const date = (x: string) => castTo(x, "DATE");

const scalar = (render: Render, arity: [number, number]): Entry => ({ kind: "scalar", render, arity });
const same = (name: string, arity: [number, number]) => scalar((c) => `${name}(${list(c)})`, arity);
const agg = (name: string, arity: [number, number] = [1, 1]): Entry => ({
  kind: "aggregate",
  render: (c) => `${name}(${c.distinct ? "DISTINCT " : ""}${list(c)})${c.filter}${c.over}`,
  arity,
});
/** Ranking functions: Spark's result is INT (DuckDB's BIGINT) and Spark requires ORDER BY. */
const ranking = (name: string, arity: [number, number] = [0, 0]): Entry => ({
  kind: "window",
  render: (c) => {
    if (!/\bORDER\s+BY\b/i.test(c.over))
      fail(c, `${c.name}() needs ORDER BY in its window (Spark refuses it without).`);
    return `CAST(${name}(${list(c)})${c.over} AS INTEGER)`;
  },
  arity,
});
const window = (name: string, arity: [number, number]): Entry => ({
  kind: "window",
  render: (c) => `${name}(${list(c)}${c.ignoreNulls ? " IGNORE NULLS" : ""})${c.over}`,
  arity,
});
const cast = (type: string) => scalar((c) => castTo(c.a[0]!, type), [1, 1]);
/** log and friends: Spark returns NULL outside the domain where DuckDB raises or returns -inf. */
const positive = (x: string, body: string) => `CASE WHEN ${x} > 0 THEN ${body} END`;

function datePattern(c: Call, i: number, mode: "format" | "parse"): string {
  const p = lit(c, i);
  if (p === undefined) return fail(c, `${c.name}: the date pattern must be a string literal to run locally.`);
  const r = translateSparkPattern(p, mode);
  if ("error" in r) return fail(c, `${c.name}: ${r.error}.`);
  return stringLiteral(r.pattern);
}

/** Spark's substring (UTF8String.substringSQL): pos 0 is 1, negative counts from the end, past the start is cut. */
function substring(s: string, pos: string, len: string | undefined): string {
  const start = `(CASE WHEN ${pos} > 0 THEN ${pos} - 1 WHEN ${pos} < 0 THEN length(${s}) + ${pos} ELSE 0 END)`;
  if (len === undefined) return `substring(${s}, greatest(${start}, 0) + 1)`;
  const end = `(${start} + ${len})`;
  return `CASE WHEN ${s} IS NULL OR ${pos} IS NULL OR ${len} IS NULL THEN NULL WHEN greatest(${start}, 0) >= ${end} THEN '' ELSE substring(${s}, greatest(${start}, 0) + 1, ${end} - greatest(${start}, 0)) END`;
}

const TRUNC_UNITS: Readonly<Record<string, string>> = {
  YEAR: "year",
  YYYY: "year",
  YY: "year",
  QUARTER: "quarter",
  MONTH: "month",
  MON: "month",
  MM: "month",
  WEEK: "week",
  DAY: "day",
  DD: "day",
  HOUR: "hour",
  MINUTE: "minute",
  SECOND: "second",
};

function truncUnit(c: Call, i: number, allowed: readonly string[]): string {
  const u = lit(c, i)?.toUpperCase();
  const unit = u ? TRUNC_UNITS[u] : undefined;
  if (!unit || !allowed.includes(unit))
    return fail(c, `${c.name}: the unit must be a literal among ${allowed.join(", ")} to run locally.`);
  return stringLiteral(unit);
}

/** Array arguments known from their syntax (Spark's concat_ws flattens them). */
const ARRAY_MAKERS = new Set([
  "array",
  "split",
  "collect_list",
  "collect_set",
  "sort_array",
  "array_sort",
  "transform",
  "filter",
  "flatten",
]);
function isArrayCall(n: Node, t: Translator): boolean {
  const p = t.unwrap(n);
  const fn = t.rule(p) === "primaryExpression" ? t.child(p, "functionName") : undefined;
  return fn !== undefined && ARRAY_MAKERS.has(t.source(fn).toLowerCase());
}

const CONV_PREFIX: Readonly<Record<number, string>> = { 2: "0b", 10: "", 16: "0x" };

const JSON_PATH = /^\$(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*$/;

export const FUNCTIONS: Readonly<Record<string, Entry>> = {
  // --- conditionals and NULLs
  coalesce: same("coalesce", [1, 99]),
  nvl: same("coalesce", [2, 2]),
  ifnull: same("coalesce", [2, 2]),
  nullif: same("nullif", [2, 2]),
  nvl2: scalar((c) => `CASE WHEN ${c.a[0]} IS NOT NULL THEN ${c.a[1]} ELSE ${c.a[2]} END`, [3, 3]),
  if: scalar((c) => `CASE WHEN ${c.a[0]} THEN ${c.a[1]} ELSE ${c.a[2]} END`, [3, 3]),
  iff: scalar((c) => `CASE WHEN ${c.a[0]} THEN ${c.a[1]} ELSE ${c.a[2]} END`, [3, 3]),
  isnull: scalar((c) => `(${c.a[0]} IS NULL)`, [1, 1]),
  isnotnull: scalar((c) => `(${c.a[0]} IS NOT NULL)`, [1, 1]),
  isnan: same("isnan", [1, 1]),
  nanvl: scalar((c) => `CASE WHEN isnan(${c.a[0]}) THEN ${c.a[1]} ELSE ${c.a[0]} END`, [2, 2]),
  greatest: same("greatest", [2, 99]),
  least: same("least", [2, 99]),
  // --- conversions
  int: cast("INTEGER"),
  integer: cast("INTEGER"),
  bigint: cast("BIGINT"),
  smallint: cast("SMALLINT"),
  tinyint: cast("TINYINT"),
  double: cast("DOUBLE"),
  float: cast("FLOAT"),
  string: cast("VARCHAR"),
  boolean: cast("BOOLEAN"),
  date: cast("DATE"),
  timestamp: cast("TIMESTAMP"),
  // --- math
  abs: same("abs", [1, 1]),
  acos: same("acos", [1, 1]),
  asin: same("asin", [1, 1]),
  atan: same("atan", [1, 1]),
  atan2: same("atan2", [2, 2]),
  cos: same("cos", [1, 1]),
  sin: same("sin", [1, 1]),
  tan: same("tan", [1, 1]),
  degrees: same("degrees", [1, 1]),
  radians: same("radians", [1, 1]),
  exp: same("exp", [1, 1]),
  sqrt: scalar(
    (c) => `CASE WHEN ${c.a[0]} >= 0 THEN sqrt(${c.a[0]}) WHEN ${c.a[0]} < 0 THEN CAST('NaN' AS DOUBLE) END`,
    [1, 1],
  ),
  cbrt: same("cbrt", [1, 1]),
  pow: same("pow", [2, 2]),
  power: same("pow", [2, 2]),
  ln: scalar((c) => positive(c.a[0]!, `ln(${c.a[0]})`), [1, 1]),
  log10: scalar((c) => positive(c.a[0]!, `log10(${c.a[0]})`), [1, 1]),
  log2: scalar((c) => positive(c.a[0]!, `log2(${c.a[0]})`), [1, 1]),
  // Spark's log(x) is the natural log (DuckDB's is base 10); log(b, x) is base b.
  log: scalar(
    (c) =>
      c.a.length === 1
        ? positive(c.a[0]!, `ln(${c.a[0]})`)
        : `CASE WHEN ${c.a[0]} > 0 AND ${c.a[1]} > 0 THEN ln(${c.a[1]}) / ln(${c.a[0]}) END`,
    [1, 2],
  ),
  sign: scalar((c) => `CAST(sign(${c.a[0]}) AS DOUBLE)`, [1, 1]),
  signum: scalar((c) => `CAST(sign(${c.a[0]}) AS DOUBLE)`, [1, 1]),
  pi: scalar(() => "pi()", [0, 0]),
  e: scalar(() => "exp(1)", [0, 0]),
  round: scalar((c) => `round(${c.a[0]}, ${c.a[1] ?? "0"})`, [1, 2]),
  bround: scalar((c) => `round_even(${c.a[0]}, ${c.a[1] ?? "0"})`, [1, 2]),
  // Spark's floor/ceil of a double are BIGINT.
  floor: scalar((c) => `CAST(floor(${c.a[0]}) AS BIGINT)`, [1, 1]),
  ceil: scalar((c) => `CAST(ceil(${c.a[0]}) AS BIGINT)`, [1, 1]),
  ceiling: scalar((c) => `CAST(ceil(${c.a[0]}) AS BIGINT)`, [1, 1]),
  mod: scalar((c) => `(${c.a[0]} % NULLIF(${c.a[1]}, 0))`, [2, 2]),
  pmod: scalar(
    (c) =>
      `CASE WHEN (${c.a[0]} % NULLIF(${c.a[1]}, 0)) < 0 THEN ((${c.a[0]} % NULLIF(${c.a[1]}, 0)) + ${c.a[1]}) % NULLIF(${c.a[1]}, 0) ELSE (${c.a[0]} % NULLIF(${c.a[1]}, 0)) END`,
    [2, 2],
  ),
  negative: scalar((c) => `(-${c.a[0]})`, [1, 1]),
  positive: scalar((c) => `(${c.a[0]})`, [1, 1]),
  rand: scalar(
    (c) =>
      c.a.length > 0
        ? fail(c, "rand(seed) cannot give Spark's numbers locally: run on Databricks, or drop the seed.")
        : "random()",
    [0, 1],
  ),
  random: scalar(
    (c) =>
      c.a.length > 0
        ? fail(c, "random(seed) cannot give Spark's numbers locally: run on Databricks, or drop the seed.")
        : "random()",
    [0, 1],
  ),
  // --- strings
  // Java upper-cases ß to SS (DuckDB to ẞ).
  upper: scalar((c) => `upper(replace(${c.a[0]}, 'ß', 'SS'))`, [1, 1]),
  ucase: scalar((c) => `upper(replace(${c.a[0]}, 'ß', 'SS'))`, [1, 1]),
  lower: same("lower", [1, 1]),
  lcase: same("lower", [1, 1]),
  length: same("length", [1, 1]),
  char_length: same("length", [1, 1]),
  character_length: same("length", [1, 1]),
  // Spark's one-argument trims remove spaces only (DuckDB's: whitespace).
  trim: scalar((c) => `trim(${c.a[0]}, ' ')`, [1, 1]),
  ltrim: scalar((c) => `ltrim(${c.a[0]}, ' ')`, [1, 1]),
  rtrim: scalar((c) => `rtrim(${c.a[0]}, ' ')`, [1, 1]),
  btrim: scalar((c) => `trim(${c.a[0]}, ${c.a[1] ?? "' '"})`, [1, 2]),
  lpad: scalar((c) => `lpad(${c.a[0]}, greatest(${c.a[1]}, 0), ${c.a[2] ?? "' '"})`, [2, 3]),
  rpad: scalar((c) => `rpad(${c.a[0]}, greatest(${c.a[1]}, 0), ${c.a[2] ?? "' '"})`, [2, 3]),
  repeat: scalar((c) => `repeat(${c.a[0]}, greatest(${c.a[1]}, 0))`, [2, 2]),
  space: scalar((c) => `repeat(' ', greatest(${c.a[0]}, 0))`, [1, 1]),
  reverse: same("reverse", [1, 1]),
  replace: scalar((c) => `replace(${c.a[0]}, ${c.a[1]}, ${c.a[2] ?? "''"})`, [2, 3]),
  translate: same("translate", [3, 3]),
  substr: scalar((c) => substring(c.a[0]!, c.a[1]!, c.a[2]), [2, 3]),
  substring: scalar((c) => substring(c.a[0]!, c.a[1]!, c.a[2]), [2, 3]),
  left: scalar(
    (c) =>
      `CASE WHEN ${c.a[0]} IS NULL OR ${c.a[1]} IS NULL THEN NULL WHEN ${c.a[1]} <= 0 THEN '' ELSE left(${c.a[0]}, ${c.a[1]}) END`,
    [2, 2],
  ),
  right: scalar(
    (c) =>
      `CASE WHEN ${c.a[0]} IS NULL OR ${c.a[1]} IS NULL THEN NULL WHEN ${c.a[1]} <= 0 THEN '' ELSE right(${c.a[0]}, ${c.a[1]}) END`,
    [2, 2],
  ),
  instr: same("instr", [2, 2]),
  locate: scalar(
    (c) => {
      const [sub, s, pos = "1"] = c.a;
      const from = `substring(${s}, ${pos})`;
      return `CASE WHEN ${sub} IS NULL OR ${s} IS NULL OR ${pos} IS NULL THEN NULL WHEN ${pos} < 1 THEN 0 WHEN instr(${from}, ${sub}) = 0 THEN 0 ELSE instr(${from}, ${sub}) + ${pos} - 1 END`;
    },
    [2, 3],
  ),
  // Spark's concat is NULL if any argument is (DuckDB's skips NULLs); || is NULL-propagating.
  concat: scalar((c) => (c.a.length === 0 ? "''" : `(${c.a.join(" || ")})`), [0, 99]),
  concat_ws: scalar(
    (c) => {
      const parts = c.args.slice(1).map((n, i) => {
        const x = c.a[i + 1]!;
        if (isArrayCall(n, c.t)) return `array_to_string(${x}, ${c.a[0]})`;
        // An array computed elsewhere (a CTE's column) would print as '[a, b]': stop instead.
        return `CASE WHEN typeof(${x}) LIKE '%[]' THEN error('concat_ws of an array column cannot run locally: run on Databricks') ELSE CAST(${x} AS VARCHAR) END`;
      });
      return `concat_ws(${c.a[0]}, ${parts.join(", ")})`;
    },
    [1, 99],
  ),
  startswith: same("starts_with", [2, 2]),
  endswith: same("ends_with", [2, 2]),
  contains: same("contains", [2, 2]),
  ascii: scalar((c) => `CASE WHEN ${c.a[0]} = '' THEN 0 ELSE ascii(${c.a[0]}) END`, [1, 1]),
  levenshtein: same("levenshtein", [2, 2]),
  // Spark's initcap lowercases, then capitalises the first letter after each space.
  initcap: scalar(
    (c) =>
      `array_to_string(list_transform(string_split(lower(${c.a[0]}), ' '), lambda w: CASE WHEN w[1] = 'ß' THEN 'Ss' ELSE upper(w[1]) END || w[2:]), ' ')`,
    [1, 1],
  ),
  md5: same("md5", [1, 1]),
  sha1: same("sha1", [1, 1]),
  sha: same("sha1", [1, 1]),
  sha2: scalar(
    (c) => {
      const bits = int(c, 1);
      if (bits !== 0 && bits !== 256)
        fail(
          c,
          "sha2 runs locally with 256 bits only (sha2(x, 256)): run on Databricks for 224, 384 or 512.",
        );
      return `sha256(${c.a[0]})`;
    },
    [2, 2],
  ),
  conv: scalar(
    (c) => {
      const from = int(c, 1);
      const to = int(c, 2);
      if (
        from === undefined ||
        to === undefined ||
        CONV_PREFIX[from] === undefined ||
        CONV_PREFIX[to] === undefined
      )
        return fail(
          c,
          "conv runs locally between bases 2, 10 and 16 given as literals: run on Databricks for other bases.",
        );
      const value = `TRY_CAST(${stringLiteral(CONV_PREFIX[from]!)} || CAST(${c.a[0]} AS VARCHAR) AS UBIGINT)`;
      if (to === 10) return `CAST(${value} AS VARCHAR)`;
      return to === 16 ? `upper(hex(${value}))` : `bin(${value})`;
    },
    [3, 3],
  ),
  get_json_object: scalar(
    (c) => {
      const path = lit(c, 1);
      if (path === undefined || !JSON_PATH.test(path))
        return fail(
          c,
          "get_json_object runs locally with a literal path of fields and indexes ('$.a.b', '$.a[0]'): run on Databricks for wildcards.",
        );
      return `CASE WHEN json_valid(${c.a[0]}) THEN json_extract_string(${c.a[0]}, ${stringLiteral(path)}) END`;
    },
    [2, 2],
  ),
  // --- regexes (Java's on Spark, RE2 on DuckDB: regexPattern refuses what they read differently)
  rlike: scalar(
    (c) => `regexp_matches(${c.a[0]}, ${regexPattern(c.args[1]!, c.t, "rlike pattern")})`,
    [2, 2],
  ),
  regexp_like: scalar(
    (c) => `regexp_matches(${c.a[0]}, ${regexPattern(c.args[1]!, c.t, "regexp_like pattern")})`,
    [2, 2],
  ),
  regexp: scalar(
    (c) => `regexp_matches(${c.a[0]}, ${regexPattern(c.args[1]!, c.t, "regexp pattern")})`,
    [2, 2],
  ),
  regexp_extract: scalar(
    (c) => {
      const group = c.args[2] ? int(c, 2) : 1;
      if (group === undefined || group < 0)
        return fail(c, "regexp_extract's group must be a literal number to run locally.");
      return `regexp_extract(${c.a[0]}, ${regexPattern(c.args[1]!, c.t, "regexp_extract pattern")}, ${group})`;
    },
    [2, 3],
  ),
  regexp_extract_all: scalar(
    (c) => {
      const group = c.args[2] ? int(c, 2) : 1;
      if (group === undefined || group < 0)
        return fail(c, "regexp_extract_all's group must be a literal number to run locally.");
      return `regexp_extract_all(${c.a[0]}, ${regexPattern(c.args[1]!, c.t, "regexp_extract_all pattern")}, ${group})`;
    },
    [2, 3],
  ),
  regexp_replace: scalar(
    (c) => {
      if (c.args[3] && int(c, 3) !== 1)
        return fail(
          c,
          "regexp_replace with a position cannot run locally: drop the fourth argument or run on Databricks.",
        );
      const r = lit(c, 2);
      const rep = r === undefined ? undefined : replacement(r);
      if (rep === undefined)
        return fail(
          c,
          "regexp_replace's replacement must be a string literal using $n for groups to run locally.",
        );
      return `regexp_replace(${c.a[0]}, ${regexPattern(c.args[1]!, c.t, "regexp_replace pattern")}, ${stringLiteral(rep)}, 'g')`;
    },
    [3, 4],
  ),
  // Spark's split takes a Java regex and keeps trailing empty strings (limit -1).
  split: scalar(
    (c) => {
      if (c.args[2] && (int(c, 2) ?? 1) > 0)
        return fail(
          c,
          "split with a positive limit cannot run locally: drop the limit or run on Databricks.",
        );
      return `regexp_split_to_array(${c.a[0]}, ${regexPattern(c.args[1]!, c.t, "split pattern")})`;
    },
    [2, 3],
  ),
  split_part: same("split_part", [3, 3]),
  // --- dates and times (Spark's session time zone is UTC, as the local engine's)
  current_date: scalar(() => "CAST(timezone('UTC', get_current_timestamp()) AS DATE)", [0, 0]),
  curdate: scalar(() => "CAST(timezone('UTC', get_current_timestamp()) AS DATE)", [0, 0]),
  current_timestamp: scalar(() => "timezone('UTC', get_current_timestamp())", [0, 0]),
  now: scalar(() => "timezone('UTC', get_current_timestamp())", [0, 0]),
  year: scalar((c) => `year(${ts(c.a[0]!)})`, [1, 1]),
  quarter: scalar((c) => `quarter(${ts(c.a[0]!)})`, [1, 1]),
  month: scalar((c) => `month(${ts(c.a[0]!)})`, [1, 1]),
  day: scalar((c) => `day(${ts(c.a[0]!)})`, [1, 1]),
  dayofmonth: scalar((c) => `day(${ts(c.a[0]!)})`, [1, 1]),
  dayofyear: scalar((c) => `dayofyear(${ts(c.a[0]!)})`, [1, 1]),
  hour: scalar((c) => `hour(${ts(c.a[0]!)})`, [1, 1]),
  minute: scalar((c) => `minute(${ts(c.a[0]!)})`, [1, 1]),
  second: scalar((c) => `second(${ts(c.a[0]!)})`, [1, 1]),
  weekofyear: scalar((c) => `weekofyear(${ts(c.a[0]!)})`, [1, 1]),
  // Spark: dayofweek 1 = Sunday .. 7; weekday 0 = Monday .. 6.
  dayofweek: scalar((c) => `(dayofweek(${ts(c.a[0]!)}) + 1)`, [1, 1]),
  weekday: scalar((c) => `(isodow(${ts(c.a[0]!)}) - 1)`, [1, 1]),
  last_day: scalar((c) => `last_day(${date(c.a[0]!)})`, [1, 1]),
  to_date: scalar(
    (c) =>
      c.a.length === 1
        ? date(c.a[0]!)
        : `CAST(try_strptime(CAST(${c.a[0]} AS VARCHAR), ${datePattern(c, 1, "parse")}) AS DATE)`,
    [1, 2],
  ),
  to_timestamp: scalar(
    (c) =>
      c.a.length === 1
        ? ts(c.a[0]!)
        : `try_strptime(CAST(${c.a[0]} AS VARCHAR), ${datePattern(c, 1, "parse")})`,
    [1, 2],
  ),
  try_to_timestamp: scalar(
    (c) =>
      c.a.length === 1
        ? ts(c.a[0]!)
        : `try_strptime(CAST(${c.a[0]} AS VARCHAR), ${datePattern(c, 1, "parse")})`,
    [1, 2],
  ),
  date_format: scalar((c) => `strftime(${ts(c.a[0]!)}, ${datePattern(c, 1, "format")})`, [2, 2]),
  date_add: scalar((c) => `CAST(${date(c.a[0]!)} + CAST(${c.a[1]} AS INTEGER) AS DATE)`, [2, 2]),
  date_sub: scalar((c) => `CAST(${date(c.a[0]!)} - CAST(${c.a[1]} AS INTEGER) AS DATE)`, [2, 2]),
  // Spark: datediff(end, start), in days.
  datediff: scalar((c) => `CAST(${date(c.a[0]!)} - ${date(c.a[1]!)} AS INTEGER)`, [2, 2]),
  // Both clamp to the month's last day (Jan 31 + 1 month = Feb 29 in 2024).
  add_months: scalar((c) => `CAST(${date(c.a[0]!)} + to_months(CAST(${c.a[1]} AS INTEGER)) AS DATE)`, [2, 2]),
  date_trunc: scalar(
    (c) =>
      `date_trunc(${truncUnit(c, 0, ["year", "quarter", "month", "week", "day", "hour", "minute", "second"])}, ${ts(c.a[1]!)})`,
    [2, 2],
  ),
  trunc: scalar(
    (c) =>
      `CAST(date_trunc(${truncUnit(c, 1, ["year", "quarter", "month", "week"])}, ${date(c.a[0]!)}) AS DATE)`,
    [2, 2],
  ),
  unix_timestamp: scalar(
    (c) => {
      if (c.a.length === 0) return "CAST(floor(epoch(get_current_timestamp())) AS BIGINT)";
      const value =
        c.a.length === 1
          ? ts(c.a[0]!)
          : `try_strptime(CAST(${c.a[0]} AS VARCHAR), ${datePattern(c, 1, "parse")})`;
      return `CAST(floor(epoch(${value})) AS BIGINT)`;
    },
    [0, 2],
  ),
  from_unixtime: scalar(
    (c) => {
      const pattern = c.a.length === 2 ? datePattern(c, 1, "format") : stringLiteral("%Y-%m-%d %H:%M:%S");
      return `strftime(make_timestamp(CAST(${c.a[0]} AS BIGINT) * 1000000), ${pattern})`;
    },
    [1, 2],
  ),
  timestamp_seconds: scalar((c) => `make_timestamp(CAST(trunc(${c.a[0]} * 1000000) AS BIGINT))`, [1, 1]),
  // --- arrays
  array: scalar((c) => `[${list(c)}]`, [0, 99]),
  // Spark (ANSI off): the size of NULL is -1.
  size: scalar((c) => `coalesce(len(${c.a[0]}), -1)`, [1, 1]),
  cardinality: scalar((c) => `coalesce(len(${c.a[0]}), -1)`, [1, 1]),
  array_contains: same("list_contains", [2, 2]),
  array_join: scalar(
    (c) =>
      c.a.length === 2
        ? `array_to_string(${c.a[0]}, ${c.a[1]})`
        : `array_to_string(list_transform(${c.a[0]}, lambda x: coalesce(x, ${c.a[2]})), ${c.a[1]})`,
    [2, 3],
  ),
  array_max: same("list_max", [1, 1]),
  array_min: same("list_min", [1, 1]),
  array_position: scalar(
    (c) =>
      `CASE WHEN ${c.a[0]} IS NOT NULL AND ${c.a[1]} IS NOT NULL THEN CAST(coalesce(list_position(${c.a[0]}, ${c.a[1]}), 0) AS BIGINT) END`,
    [2, 2],
  ),
  // Spark: ascending puts NULLs first, descending last; array_sort puts them last.
  sort_array: scalar(
    (c) => {
      const asc = c.args[1] ? c.t.source(c.args[1]).trim().toLowerCase() : "true";
      if (asc !== "true" && asc !== "false")
        return fail(c, "sort_array's order must be the literal true or false to run locally.");
      return asc === "true"
        ? `list_sort(${c.a[0]}, 'ASC', 'NULLS FIRST')`
        : `list_sort(${c.a[0]}, 'DESC', 'NULLS LAST')`;
    },
    [1, 2],
  ),
  array_sort: scalar((c) => `list_sort(${c.a[0]}, 'ASC', 'NULLS LAST')`, [1, 1]),
  element_at: scalar((c) => `${c.a[0]}[${c.a[1]}]`, [2, 2]),
  flatten: same("flatten", [1, 1]),
  transform: scalar((c) => `list_transform(${list(c)})`, [2, 2]),
  filter: scalar((c) => `list_filter(${list(c)})`, [2, 2]),
  explode: scalar((c) => `unnest(${c.a[0]})`, [1, 1]),
  // --- aggregates
  count: {
    kind: "aggregate",
    render: (c) => {
      if (c.distinct && c.a.length > 1)
        fail(
          c,
          "count(DISTINCT a, b) cannot run locally: count DISTINCT of one expression, e.g. a struct or a concatenation.",
        );
      return `count(${c.distinct ? "DISTINCT " : ""}${list(c)})${c.filter}${c.over}`;
    },
    arity: [1, 99],
  },
  sum: agg("sum"),
  // Spark's try_sum is NULL where sum would overflow; DuckDB's sum of integers does not overflow (HUGEINT).
  try_sum: agg("sum"),
  avg: agg("avg"),
  mean: agg("avg"),
  min: agg("min"),
  max: agg("max"),
  stddev: agg("stddev_samp"),
  std: agg("stddev_samp"),
  stddev_samp: agg("stddev_samp"),
  stddev_pop: agg("stddev_pop"),
  variance: agg("var_samp"),
  var_samp: agg("var_samp"),
  var_pop: agg("var_pop"),
  corr: agg("corr", [2, 2]),
  covar_pop: agg("covar_pop", [2, 2]),
  covar_samp: agg("covar_samp", [2, 2]),
  count_if: agg("count_if"),
  bool_and: agg("bool_and"),
  every: agg("bool_and"),
  bool_or: agg("bool_or"),
  some: agg("bool_or"),
  any: agg("bool_or"),
  max_by: agg("arg_max", [2, 2]),
  min_by: agg("arg_min", [2, 2]),
  any_value: agg("any_value"),
  median: agg("median"),
  percentile: {
    kind: "aggregate",
    render: (c) => {
      const p = c.args[1] ? c.t.source(c.args[1]).trim() : "";
      if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(p))
        fail(c, "percentile runs locally with one literal fraction between 0 and 1.");
      return `quantile_cont(${c.a[0]}, ${p})${c.filter}${c.over}`;
    },
    arity: [2, 2],
  },
  // Spark drops NULLs and gives [] for no rows (DuckDB's list keeps NULLs and gives NULL).
  collect_list: {
    kind: "aggregate",
    render: (c) =>
      `coalesce(list_filter(list(${c.distinct ? "DISTINCT " : ""}${c.a[0]})${c.filter}${c.over}, lambda x: x IS NOT NULL), [])`,
    arity: [1, 1],
  },
  array_agg: {
    kind: "aggregate",
    render: (c) =>
      `coalesce(list_filter(list(${c.distinct ? "DISTINCT " : ""}${c.a[0]})${c.filter}${c.over}, lambda x: x IS NOT NULL), [])`,
    arity: [1, 1],
  },
  collect_set: {
    kind: "aggregate",
    render: (c) =>
      `coalesce(list_filter(list(DISTINCT ${c.a[0]})${c.filter}${c.over}, lambda x: x IS NOT NULL), [])`,
    arity: [1, 1],
  },
  // --- window functions
  row_number: ranking("row_number"),
  rank: ranking("rank"),
  dense_rank: ranking("dense_rank"),
  ntile: ranking("ntile", [1, 1]),
  percent_rank: window("percent_rank", [0, 0]),
  cume_dist: window("cume_dist", [0, 0]),
  lag: window("lag", [1, 3]),
  lead: window("lead", [1, 3]),
  first_value: window("first_value", [1, 1]),
  last_value: window("last_value", [1, 1]),
  nth_value: window("nth_value", [2, 2]),
};

/** Functions refused with a specific way out (the rest: "not translated"). */
const ADVICE: Readonly<Record<string, string>> = {
  approx_count_distinct: "approximate results differ between engines: use count(DISTINCT x)",
  percentile_approx: "approximate results differ between engines: use percentile(x, p)",
  approx_percentile: "approximate results differ between engines: use percentile(x, p)",
  first: "first(x) picks an arbitrary row on both engines: use min/max or first_value(x) OVER (ORDER BY ...)",
  last: "last(x) picks an arbitrary row on both engines: use min/max or last_value(x) OVER (ORDER BY ...)",
  hash: "Spark's hash differs from DuckDB's: use md5 or sha2(x, 256)",
  xxhash64: "Spark's hash differs from DuckDB's: use md5 or sha2(x, 256)",
  format_number: "use round(x, d) and CAST(... AS STRING)",
  format_string: "use concat and CAST(... AS STRING)",
  printf: "use concat and CAST(... AS STRING)",
  months_between: "use datediff(end, start)",
  typeof: "type names differ between engines",
  monotonically_increasing_id: "ids differ between engines: use row_number() OVER (ORDER BY ...)",
};

export function renderCall(c: Call): string {
  const entry = Object.hasOwn(FUNCTIONS, c.name) ? FUNCTIONS[c.name] : undefined;
  if (!entry) {
    const advice = ADVICE[c.name];
    return fail(
      c,
      advice
        ? `${c.name}(...) cannot run locally: ${advice}; or run this recipe on Databricks.`
        : `${c.name}(...) cannot run locally: the Spark -> DuckDB translation does not know this function, and a DuckDB function of the same name may not mean the same. Run this recipe on Databricks, or rewrite it with supported functions.`,
    );
  }
  const [min, max] = entry.arity;
  if (c.a.length < min || c.a.length > max)
    fail(
      c,
      `${c.name} takes ${min === max ? min : `${min} to ${max}`} arguments to run locally (given ${c.a.length}).`,
    );
  if (entry.kind === "scalar" && (c.over || c.filter || c.distinct))
    fail(c, `${c.name} is not an aggregate: DISTINCT, FILTER and OVER do not apply.`);
  if (entry.kind === "window" && !c.over) fail(c, `${c.name} is a window function: add OVER (...).`);
  if (c.ignoreNulls && entry.kind !== "window") fail(c, `IGNORE NULLS on ${c.name} cannot run locally.`);
  return entry.render(c);
}

/** A functionName node's plain name (lower case); qualified names were refused by the checker. */
export function functionNameOf(n: Node, t: Translator): string {
  return identifierName(n, t).toLowerCase();
}
