import type { ColumnType, DatasetSchema } from "@sous/contracts";
import type { Expr } from "../ir/expr.ts";
import type { ColumnId } from "../ir/ids.ts";
import type { Dialect, Translatability } from "../types.ts";
import type { FormulaNode } from "./ast.ts";
import { Checker, type FormulaScopeColumn } from "./check.ts";
import { FormulaCompileError, type FormulaError } from "./errors.ts";
import { type FormulaCategory, FUNCTIONS, type ParamSpec } from "./functions.ts";
import { parseFormula as parse } from "./parser.ts";

export type { FormulaNode } from "./ast.ts";
export type { FormulaScopeColumn } from "./check.ts";
export { FormulaCompileError, type FormulaError, type FormulaErrorCode } from "./errors.ts";

/** Parses a formula into its syntax tree; `errors` holds the first syntax error, if any. */
export function parseFormula(text: string): { ast: FormulaNode | null; errors: FormulaError[] } {
  const { ast, errors } = parse(text);
  return { ast, errors: [...errors] };
}

function run(text: string, columns: readonly FormulaScopeColumn[], groupKeys?: ReadonlySet<ColumnId>) {
  const parsed = parse(text);
  if (!parsed.ast) return { typed: null, errors: [...parsed.errors] };
  const checker = new Checker(columns, groupKeys);
  const typed = checker.check(parsed.ast);
  return { typed, errors: checker.r.errors };
}

const resultType = (t: string): ColumnType => (t === "null" ? "string" : (t as ColumnType));

/**
 * Parses and type-checks a formula against a dataset schema: its result type (null when it has
 * errors) and every error found, each with the span of text it is about.
 */
export function checkFormula(
  text: string,
  schema: DatasetSchema,
  options: {
    /** Check as a group recipe's custom aggregation over these group keys (sum(), count()...). */
    groupKeys?: readonly string[];
  } = {},
): { type: ColumnType | null; errors: FormulaError[] } {
  const columns = schema.map((c, i) => ({ id: `c${i + 1}` as ColumnId, name: c.name, type: c.type }));
  const keys = options.groupKeys
    ? new Set(columns.filter((c) => options.groupKeys!.includes(c.name)).map((c) => c.id))
    : undefined;
  const { typed, errors } = run(text, columns, keys);
  if (!typed || errors.length > 0) return { type: null, errors };
  return { type: resultType(typed.type), errors };
}

export interface LowerFormulaOptions {
  /** The result must have this type (a filter needs "boolean"). */
  expect?: ColumnType;
  /** Recipe step the expression belongs to (translatability is reported per step). */
  origin?: string;
  /** Spec path of the formula, for the CompileError. */
  path?: (string | number)[];
  /**
   * Aggregate mode (a group recipe's custom aggregation): the group keys' ids. Aggregations
   * (sum, avg, min, max, count, countDistinct, stddev, variance) are allowed and every other
   * column must be inside one.
   */
  groupKeys?: readonly ColumnId[];
}

/**
 * A formula as a typed IR expression over the columns in scope (e.g. `rel.columns` of the
 * relation it reads). Throws FormulaCompileError (a CompileError, code "invalid_formula").
 */
export function lowerFormula(
  text: string,
  scope: readonly FormulaScopeColumn[],
  options: LowerFormulaOptions = {},
): { expr: Expr; type: ColumnType } {
  const { typed, errors } = run(text, scope, options.groupKeys ? new Set(options.groupKeys) : undefined);
  if (!typed || errors.length > 0) throw new FormulaCompileError(text, errors, options.path);
  const type = resultType(typed.type);
  if (options.expect && type !== options.expect) {
    const hint =
      options.expect === "boolean" ? ": write a condition, e.g. amount > 0 or isNotBlank(name)" : "";
    throw new FormulaCompileError(
      text,
      [
        {
          code: "wrong_type",
          message: `The formula must give ${options.expect === "boolean" ? "a condition (boolean)" : `a ${options.expect}`}, but it gives ${type === "integer" ? "an" : "a"} ${type}${hint}`,
          start: 0,
          end: text.length,
        },
      ],
      options.path,
    );
  }
  const expr: Expr = typed.type === "null" ? { kind: "lit", value: null, type } : (typed.expr as Expr);
  return { expr: options.origin === undefined ? expr : { ...expr, origin: options.origin }, type };
}

export interface FormulaFunctionInfo {
  name: string;
  category: FormulaCategory;
  /** e.g. `substring(text: string, start: integer, length?: integer) -> string` */
  signature: string;
  params: { name: string; type: string; optional: boolean; variadic: boolean; literal: boolean }[];
  returns: string;
  description: string;
  example: string;
  aliases: string[];
  engines: Record<Dialect, Translatability>;
}

const PARAM_TYPE: Record<ParamSpec["type"], string> = {
  any: "any",
  string: "string",
  number: "number",
  integral: "integer",
  boolean: "boolean",
  temporal: "date",
};

/** The function catalog, for completion and docs: signature, description, per-engine support. */
export function formulaFunctions(): FormulaFunctionInfo[] {
  return FUNCTIONS.map((f) => ({
    name: f.name,
    category: f.category,
    signature: `${f.name}(${f.params
      .map((p) => `${p.variadic ? "..." : ""}${p.name}${p.optional ? "?" : ""}: ${PARAM_TYPE[p.type]}`)
      .join(", ")}) -> ${f.returns}`,
    params: f.params.map((p) => ({
      name: p.name,
      type: PARAM_TYPE[p.type],
      optional: p.optional === true,
      variadic: p.variadic === true,
      literal: p.literal === true,
    })),
    returns: f.returns,
    description: f.description,
    example: f.example,
    aliases: [...(f.aliases ?? [])],
    engines: { spark: f.engines?.spark ?? { level: "full" }, duckdb: f.engines?.duckdb ?? { level: "full" } },
  }));
}
