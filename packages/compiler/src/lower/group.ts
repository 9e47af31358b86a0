import type { ColumnType, GroupAggregationFn } from "@sous/contracts";
import { CompileError } from "../errors.ts";
import { lowerFormula } from "../formula/index.ts";
import { type AggFn, agg, col } from "../ir/expr.ts";
import { aggregate, type DerivedColumn, derived } from "../ir/rel.ts";
import { assertUniqueNames, resolveColumn } from "../validate/columns.ts";
import { requireInputCount } from "../validate/inputs.ts";
import { inputLabel, type Lowerer } from "./context.ts";

const NUMERIC: ReadonlySet<ColumnType> = new Set(["integer", "bigint", "double", "decimal"]);

export interface FnRule {
  ir: AggFn;
  /** Result type following Spark, or a reason the input type is not accepted. */
  type: (input: ColumnType) => ColumnType | { reject: string };
}

const numericOnly =
  (result: (t: ColumnType) => ColumnType) =>
  (t: ColumnType): ColumnType | { reject: string } =>
    NUMERIC.has(t) ? result(t) : { reject: "needs a numeric column" };

/**
 * Spark's result types. Two deliberate choices: avg is always double (Spark gives decimal for a
 * decimal input, whose precision our schema does not carry), and concat sorts the values so both
 * engines produce the same string (Spark's collect_list order is not defined).
 */
export const GROUP_AGG_RULES: Record<GroupAggregationFn, FnRule> = {
  count: { ir: "count", type: () => "bigint" },
  countDistinct: { ir: "count_distinct", type: () => "bigint" },
  sum: {
    ir: "sum",
    type: numericOnly((t) => (t === "integer" || t === "bigint" ? "bigint" : t)),
  },
  avg: { ir: "avg", type: numericOnly(() => "double") },
  min: { ir: "min", type: (t) => t },
  max: { ir: "max", type: (t) => t },
  stddev: { ir: "stddev_samp", type: numericOnly(() => "double") },
  variance: { ir: "var_samp", type: numericOnly(() => "double") },
  first: { ir: "first", type: (t) => t },
  last: { ir: "last", type: (t) => t },
  concat: { ir: "concat_sorted", type: () => "string" },
};

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
