import type { CallExpr } from "../ir/expr.ts";
import type { FormulaScalarFn } from "../ir/scalar-fns.ts";

// The function names live in the IR (which this module extends with renderings), not here.
export type { FormulaScalarFn };

type Render = ((args: readonly string[], e: CallExpr) => string) | null;

const binary = (op: string) => (args: readonly string[]) => `(${args[0]} ${op} ${args[1]})`;

export const FORMULA_STANDARD_SCALARS: Record<FormulaScalarFn, Render> = {
  add: binary("+"),
  // `(x - (f(y)))`: dt-sql-parser's Spark grammar (our syntax gate) rejects `(x - f(y))`.
  subtract: ([a, b]) => (/^[A-Za-z_]\w*\(/.test(b!) ? `(${a} - (${b}))` : `(${a} - ${b})`),
  multiply: binary("*"),
  divide: ([a, b]) => `(${a} / NULLIF(${b}, 0))`,
  remainder: ([a, b]) => `(${a} % NULLIF(${b}, 0))`,
  // The space keeps `- -1` from becoming a `--` comment.
  negate: ([a]) => `(- ${a})`,
  concat: null,
  char_length: null,
  substring: null,
  trim: ([s]) => `trim(${s})`,
  ltrim: ([s]) => `ltrim(${s})`,
  rtrim: ([s]) => `rtrim(${s})`,
  replace: ([s, a, b]) => `replace(${s}, ${a}, ${b})`,
  regexp_extract: ([s, p, g]) => `regexp_extract(${s}, ${p}, ${g})`,
  regexp_replace: null,
  split_part: null,
  lpad: null,
  rpad: null,
  repeat: ([s, n]) => `repeat(${s}, ${n})`,
  reverse: ([s]) => `reverse(${s})`,
  instr: null,
  left: null,
  right: null,
  initcap: null,
  md5: ([s]) => `md5(${s})`,
  nullif: ([a, b]) => `nullif(${a}, ${b})`,
  abs: ([x]) => `abs(${x})`,
  round: null,
  floor: null,
  ceil: null,
  pow: ([a, b]) => `pow(${a}, ${b})`,
  sqrt: null,
  ln: null,
  log10: null,
  exp: ([x]) => `exp(${x})`,
  least: (args) => `least(${args.join(", ")})`,
  greatest: (args) => `greatest(${args.join(", ")})`,
  sign: null,
  current_timestamp: null,
  current_date: null,
  date_part: null,
  date_diff_days: null,
  date_add: null,
  parse_date: null,
  format_date: null,
  date_trunc: null,
  from_string: null,
  to_string: null,
  to_integral: null,
};

/** The value of a string-literal argument a checker put there (units, patterns). */
export function literalArg(e: CallExpr, index: number): string {
  const a = e.args[index];
  if (a?.kind !== "lit" || typeof a.value !== "string") {
    throw new Error(`compiler bug: argument ${index} of ${e.fn} must be a string literal`);
  }
  return a.value;
}
