import { translateSparkPattern } from "../../dates/translate-pattern.ts";
import { CompileError } from "../../errors.ts";

type Path = (string | number)[];

export interface DatePattern {
  /** The same pattern for DuckDB's strftime/strptime. */
  strftime: string;
  /** Letters used, e.g. ["yyyy", "MM"]. */
  fields: string[];
}

/**
 * A prepare step's Spark datetime pattern, through the one translator formulas and SQL recipes
 * use (dates/translate-pattern.ts); a CompileError at `path` names the first unsupported part.
 * A step's pattern must also read or write at least one date or time field.
 */
export function translateDatePattern(
  pattern: string,
  path: Path,
  mode: "format" | "parse" = "format",
): DatePattern {
  const r = translateSparkPattern(pattern, mode);
  if ("error" in r) throw new CompileError("invalid_value", r.error, path);
  if (r.fields.length === 0) {
    throw new CompileError(
      "invalid_value",
      `The date pattern '${pattern}' has no date or time field: use letters such as yyyy, MM, dd, HH (quote literal text with ')`,
      path,
    );
  }
  return { strftime: r.pattern, fields: r.fields };
}
