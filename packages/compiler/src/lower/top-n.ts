import { col, compare, lit } from "../ir/expr.ts";
import { derived, filter, limit, project, sort, window } from "../ir/rel.ts";
import { assertUniqueNames } from "../validate/columns.ts";
import { requireInputCount } from "../validate/inputs.ts";
import { inputLabel, type Lowerer } from "./context.ts";
import { lowerOver, lowerWindowAggregation } from "./window.ts";

/**
 * Top-N per group = window rank, filter rank <= n, drop the rank unless asked for. The helper
 * column gets a name no input column uses, so it can never shadow one.
 *
 * The top n rows of the whole dataset by row number (no groups, no rank column) are `ORDER BY
 * ... LIMIT n` instead: the same rows (n of them, ties at the cut broken arbitrarily either way),
 * but engines run it as a top-N heap (DuckDB's TOP_N, Spark's TakeOrderedAndProject) instead of a
 * full sort to number every row. rank and denseRank keep every tie, which LIMIT would not.
 */
export const lowerTopN: Lowerer<"topN"> = (spec, ctx) => {
  requireInputCount("topN", ctx.inputs, 1);
  const src = ctx.sources[0]!;
  const label = inputLabel(ctx, 0);
  const { partitionBy, orderBy, n, ranking, rankColumn } = spec.params;
  const taken = new Set(src.columns.map((c) => c.name.toLowerCase()));
  let helper = "_rank";
  while (taken.has(helper.toLowerCase())) helper = `_${helper}`;
  const over = lowerOver(src, partitionBy, orderBy, label);
  if (partitionBy.length === 0 && ranking === "rowNumber" && rankColumn === undefined)
    return {
      outputs: [limit(ctx.ids, sort(ctx.ids, src, over.orderBy), n)],
      steps: ["topN"],
      warnings: [TIES_WARNING],
    };
  const rankCol = lowerWindowAggregation(
    ctx,
    src,
    { fn: ranking, as: rankColumn ?? helper },
    over,
    ["params", "ranking"],
    label,
  );
  if (rankColumn !== undefined) {
    assertUniqueNames([
      ...src.columns.map((c) => ({ name: c.name, path: ["inputs", 0] })),
      { name: rankColumn, path: ["params", "rankColumn"] },
    ]);
  }
  const ranked = window(ctx.ids, src, [rankCol]);
  const kept = filter(ctx.ids, ranked, compare("<=", col(rankCol.id, "integer"), lit(String(n), "integer")));
  const output =
    rankColumn !== undefined
      ? kept
      : project(
          ctx.ids,
          kept,
          src.columns.map((c) => derived(ctx.ids, c.name, col(c.id, c.type), c.id)),
        );
  const warnings = ranking === "rowNumber" ? [TIES_WARNING] : [];
  return { outputs: [output], steps: ["topN", "params.ranking"], warnings };
};

const TIES_WARNING =
  "topN: rows tied on the order columns are kept or dropped arbitrarily; use rank to keep all ties.";
