import { agg, col } from "../ir/expr.ts";
import { aggregate, derived, distinct, project } from "../ir/rel.ts";
import { assertUniqueNames, resolveColumn } from "../validate/columns.ts";
import { requireInputCount } from "../validate/inputs.ts";
import { inputLabel, type Lowerer } from "./context.ts";

/**
 * Distinct on all columns or a subset (only the subset is kept, as in DSS). NULLs compare equal
 * here on both engines, unlike in `=`. With a duplicate count it is a GROUP BY with count(*).
 */
export const lowerDistinct: Lowerer<"distinct"> = (spec, ctx) => {
  requireInputCount("distinct", ctx.inputs, 1);
  const src = ctx.sources[0]!;
  const label = inputLabel(ctx, 0);
  const { columns, duplicateCount } = spec.params;
  const picked = (columns ?? src.columns.map((c) => c.name)).map((name, i) =>
    resolveColumn(src, name, ["params", "columns", i], label),
  );
  const names = picked.map((c, i) => ({
    name: c.name,
    path: ["params", "columns", i] as (string | number)[],
  }));
  if (duplicateCount) names.push({ name: "count", path: ["params", "duplicateCount"] });
  assertUniqueNames(names);
  const keys = picked.map((c) => derived(ctx.ids, c.name, col(c.id, c.type), c.id));
  const output = duplicateCount
    ? aggregate(ctx.ids, src, keys, [derived(ctx.ids, "count", agg("count_star", [], "bigint"))])
    : distinct(ctx.ids, columns ? project(ctx.ids, src, keys) : src);
  return { outputs: [output], steps: ["distinct"], warnings: [] };
};
