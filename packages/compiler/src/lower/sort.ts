import { sort } from "../ir/rel.ts";
import { requireInputCount } from "../validate/inputs.ts";
import { inputLabel, type Lowerer } from "./context.ts";
import { lowerSortKeys } from "./sort-keys.ts";

/** Sort keeps every column and orders rows; ties keep no particular order on either engine. */
export const lowerSort: Lowerer<"sort"> = (spec, ctx) => {
  requireInputCount("sort", ctx.inputs, 1);
  const src = ctx.sources[0]!;
  const keys = lowerSortKeys(src, spec.params.keys, ["params", "keys"], inputLabel(ctx, 0));
  return { outputs: [sort(ctx.ids, src, keys)], steps: ["sort"], warnings: [] };
};
