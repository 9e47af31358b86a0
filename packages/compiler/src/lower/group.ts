import { CompileError } from "../errors.ts";
import { lowerFormula } from "../formula/index.ts";
import { agg, col } from "../ir/expr.ts";
import { aggregate, type DerivedColumn, derived } from "../ir/rel.ts";
import { assertUniqueNames, resolveColumn } from "../validate/columns.ts";
import { requireInputCount } from "../validate/inputs.ts";
import { GROUP_AGG_RULES } from "./aggregation-rules.ts";
import { inputLabel, type Lowerer } from "./context.ts";

export const lowerGroup: Lowerer<"group"> = (spec, ctx) => {
  requireInputCount("group", ctx.inputs, 1);
  const src = ctx.sources[0]!;
  const label = inputLabel(ctx, 0);
  const { keys, aggregations, globalCount } = spec.params;
  const warnings: string[] = [];
  const steps: string[] = ["group"];

  const names: { name: string; path: (string | number)[] }[] = [];
  // Group keys keep their input id: they are the same column, passed through.
  const groupBy: DerivedColumn[] = keys.map((key, i) => {
    const c = resolveColumn(src, key, ["params", "keys", i], label);
    names.push({ name: c.name, path: ["params", "keys", i] });
    return derived(ctx.ids, c.name, col(c.id, c.type), c.id);
  });

  const aggregates: DerivedColumn[] = [];
  if (globalCount) {
    names.push({ name: "count", path: ["params", "globalCount"] });
    aggregates.push(derived(ctx.ids, "count", agg("count_star", [], "bigint")));
  }
  aggregations.forEach((a, i) => {
    const path = ["params", "aggregations", i];
    const stepId = path.join(".");
    steps.push(stepId);
    const c = resolveColumn(src, a.column, [...path, "column"], label);
    const rule = GROUP_AGG_RULES[a.fn];
    const type = rule.type(c.type);
    if (typeof type === "object") {
      throw new CompileError(
        "invalid_column_type",
        `Cannot compute ${a.fn} of column "${c.name}" (${c.type}): ${a.fn} ${type.reject}.`,
        [...path, "fn"],
      );
    }
    if (a.fn === "first" || a.fn === "last") {
      warnings.push(
        `${stepId}: ${a.fn} of "${c.name}" picks a row in no defined order; results can differ between runs and engines.`,
      );
    }
    const name = a.as ?? `${c.name}_${a.fn}`;
    names.push({ name, path: a.as === undefined ? path : [...path, "as"] });
    aggregates.push(derived(ctx.ids, name, agg(rule.ir, [col(c.id, c.type)], type, stepId)));
  });

  (spec.params.customAggregations ?? []).forEach((c, i) => {
    const path = ["params", "customAggregations", i];
    const stepId = path.join(".");
    steps.push(stepId);
    names.push({ name: c.as, path: [...path, "as"] });
    const { expr } = lowerFormula(c.formula, src.columns, {
      groupKeys: groupBy.map((k) => k.id),
      origin: stepId,
      path: [...path, "formula"],
    });
    aggregates.push(derived(ctx.ids, c.as, expr));
  });

  if (names.length === 0) {
    throw new CompileError(
      "invalid_spec",
      "The group recipe produces no columns: add a key, an aggregation or the global count.",
      ["params"],
    );
  }
  assertUniqueNames(names);
  return { outputs: [aggregate(ctx.ids, src, groupBy, aggregates)], steps, warnings };
};
