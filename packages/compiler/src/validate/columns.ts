import { CompileError } from "../errors.ts";
import type { OutColumn, Rel } from "../ir/rel.ts";

/**
 * Finds an input column by its exact name. Both engines resolve identifiers case-insensitively,
 * but we require the exact spelling so that renaming a column's case in the source is noticed;
 * the error suggests the near miss.
 */
export function resolveColumn(
  rel: Rel,
  name: string,
  path: (string | number)[],
  inputLabel = "the input",
): OutColumn {
  const exact = rel.columns.find((c) => c.name === name);
  if (exact) return exact;
  const folded = rel.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
  const hint = folded ? ` Did you mean "${folded.name}"?` : "";
  throw new CompileError("unknown_column", `Column "${name}" does not exist in ${inputLabel}.${hint}`, path);
}

/**
 * Output names must be unique ignoring case: Spark and DuckDB both treat `A` and `a` as the same
 * column, so a dataset holding both could not be read back.
 */
export function assertUniqueNames(names: readonly { name: string; path: (string | number)[] }[]): void {
  const seen = new Map<string, string>();
  for (const { name, path } of names) {
    const key = name.toLowerCase();
    const previous = seen.get(key);
    if (previous !== undefined) {
      const same = previous === name ? `"${name}" is produced twice` : `"${name}" clashes with "${previous}"`;
      throw new CompileError(
        "duplicate_output_name",
        `Output column ${same} (names are case-insensitive); rename one of them.`,
        path,
      );
    }
    seen.set(key, name);
  }
}
