/**
 * Two kinds of failure, kept apart so callers can react differently:
 * - CompileError: the recipe (or its inputs) is wrong in a way the user can fix. The message says
 *   what to change, `code` is stable for the UI, `path` points into the spec (e.g. ["params","keys",0]).
 * - UnsupportedError: a dialect cannot express an IR construct. Raised instead of emitting SQL
 *   that would silently return different rows.
 * Anything else thrown from the compiler is an invariant break, i.e. a compiler bug.
 */
export type CompileErrorCode =
  | "invalid_spec"
  | "wrong_input_count"
  | "unknown_column"
  | "invalid_column_type"
  | "invalid_value"
  | "invalid_window"
  | "duplicate_output_name"
  | "unsafe_path"
  | "invalid_schema"
  | "missing_compile_input"
  /** A formula does not parse or type-check; FormulaCompileError carries every error. */
  | "invalid_formula"
  /** A SQL recipe's query does not parse; SqlRecipeError carries every problem with positions. */
  | "invalid_sql"
  /** A SQL recipe's query does what a SQL recipe may not (DDL, several statements, files...). */
  | "forbidden_sql"
  /** "Convert to code" cannot express this recipe as one SparkSQL query. */
  | "not_convertible"
  /** A SQL recipe's SparkSQL has no faithful DuckDB translation: it runs on Databricks only. */
  | "untranslatable_sql";

export class CompileError extends Error {
  override readonly name = "CompileError";
  readonly code: CompileErrorCode;
  readonly path?: (string | number)[];

  constructor(code: CompileErrorCode, message: string, path?: (string | number)[]) {
    super(message);
    this.code = code;
    if (path !== undefined) this.path = path;
  }
}

export class UnsupportedError extends Error {
  override readonly name = "UnsupportedError";
  readonly dialect: string;
  readonly construct: string;

  constructor(dialect: string, construct: string, detail?: string) {
    super(`${dialect} cannot render ${construct}${detail ? `: ${detail}` : ""}`);
    this.dialect = dialect;
    this.construct = construct;
  }
}
