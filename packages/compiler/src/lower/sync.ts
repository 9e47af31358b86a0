import { col } from "../ir/expr.ts";
import { derived, project } from "../ir/rel.ts";
import { assertUniqueNames, resolveColumn } from "../validate/columns.ts";
import { requireInputCount } from "../validate/inputs.ts";
import { inputLabel, type Lowerer } from "./context.ts";

/** Sync copies a dataset, optionally keeping, reordering and renaming columns. */
export const lowerSync: Lowerer<"sync"> = (spec, ctx) => {
  requireInputCount("sync", ctx.inputs, 1);
  const src = ctx.sources[0]!;
  const label = inputLabel(ctx, 0);
  const picks: readonly { column: string; as?: string | undefined }[] =
    spec.params.columns ?? src.columns.map((c) => ({ column: c.name }));
  const names: { name: string; path: (string | number)[] }[] = [];
  const columns = picks.map((p, i) => {
    const path = ["params", "columns", i];
    const c = resolveColumn(src, p.column, [...path, "column"], label);
    const name = p.as ?? c.name;
    names.push({ name, path: [...path, "as"] });
    return derived(ctx.ids, name, col(c.id, c.type));
  });
  assertUniqueNames(names);
  return { outputs: [project(ctx.ids, src, columns)], steps: ["sync"], warnings: [] };
};
