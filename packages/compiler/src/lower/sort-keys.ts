import type { RecipeSortKey } from "@sous/contracts";
import { col, type SortKey } from "../ir/expr.ts";
import type { Rel } from "../ir/rel.ts";
import { resolveColumn } from "../validate/columns.ts";

/**
 * Spec sort keys -> IR sort keys. NULL placement is always made explicit, defaulting to Spark's
 * rule (ASC: NULLS FIRST, DESC: NULLS LAST), because DuckDB's default differs.
 */
export function lowerSortKeys(
  rel: Rel,
  keys: readonly RecipeSortKey[],
  path: (string | number)[],
  inputLabel: string,
): SortKey[] {
  return keys.map((k, i) => {
    const c = resolveColumn(rel, k.column, [...path, i, "column"], inputLabel);
    return {
      expr: col(c.id, c.type),
      direction: k.direction,
      nulls: k.nulls ?? (k.direction === "asc" ? "first" : "last"),
    };
  });
}
