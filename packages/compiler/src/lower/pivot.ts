import type { FilterValue } from "@sous/contracts";
import { CompileError } from "../errors.ts";
import { agg, caseWhen, col, compare, type Expr, isNull, lit } from "../ir/expr.ts";
import { aggregate, type DerivedColumn, derived } from "../ir/rel.ts";
import { assertUniqueNames, resolveColumn } from "../validate/columns.ts";
import { requireInputCount } from "../validate/inputs.ts";
import { GROUP_AGG_RULES } from "./aggregation-rules.ts";
import { inputLabel, type Lowerer } from "./context.ts";
import { literalFor } from "./literals.ts";

type Path = (string | number)[];
const MAX_OUTPUT_COLUMNS = 5000;

/**
 * Pivot as conditional aggregation: one `agg(CASE WHEN pivot = v THEN x END)` per value and
 * aggregation, grouped by the keys. Unlike PIVOT syntax this is the same SQL on both engines and
 * needs no value list in the grammar; the values come from the spec or from the compile context
 * (computed by the caller, e.g. SELECT DISTINCT). NULL is a pivot value like any other (matched
 * with IS NULL, as Spark's PIVOT does). Empty cells: count gives 0, other aggregates NULL.
 */
export const lowerPivot: Lowerer<"pivot"> = (spec, ctx) => {
  requireInputCount("pivot", ctx.inputs, 1);
  const src = ctx.sources[0]!;
  const label = inputLabel(ctx, 0);
  const { keys, pivotColumn, aggregations } = spec.params;
  const values: readonly (FilterValue | null)[] | undefined = spec.params.values ?? ctx.extra.pivotValues;
  if (!values || values.length === 0) {
    throw new CompileError(
      "missing_compile_input",
      "The pivot values are unknown: list them in the recipe or compute them from the data first.",
      ["params", "values"],
    );
  }
  const pivot = resolveColumn(src, pivotColumn, ["params", "pivotColumn"], label);
  const names: { name: string; path: Path }[] = [];
  const groupBy: DerivedColumn[] = keys.map((key, i) => {
    const c = resolveColumn(src, key, ["params", "keys", i], label);
    if (c.id === pivot.id) {
      throw new CompileError("invalid_spec", `"${c.name}" cannot be both a key and the pivot column.`, [
        "params",
        "keys",
        i,
      ]);
    }
    names.push({ name: c.name, path: ["params", "keys", i] });
    return derived(ctx.ids, c.name, col(c.id, c.type), c.id);
  });

  // Distinct values by their literal form, in the given order.
  const seen = new Set<string>();
  const cells = values.flatMap((v, i) => {
    const path = spec.params.values ? ["params", "values", i] : ["context", "pivotValues", i];
    const literal = v === null ? null : literalFor(pivot.type, v, pivot.name, path);
    const key = JSON.stringify(literal?.value ?? null);
    if (seen.has(key)) return [];
    seen.add(key);
    const when: Expr = literal
      ? compare("=", col(pivot.id, pivot.type), literal)
      : isNull(col(pivot.id, pivot.type));
    return [{ label: v === null ? "null" : String(literal!.value), when }];
  });
  if (cells.length * aggregations.length > MAX_OUTPUT_COLUMNS) {
    throw new CompileError(
      "invalid_spec",
      `The pivot would create ${cells.length * aggregations.length} columns (limit ${MAX_OUTPUT_COLUMNS}); pivot fewer values.`,
      ["params", "values"],
    );
  }

  const steps = ["pivot"];
  const aggregates: DerivedColumn[] = [];
  const parts = aggregations.map((a, i) => {
    const path = ["params", "aggregations", i];
    steps.push(path.join("."));
    if (a.fn === "first" || a.fn === "last") {
      throw new CompileError("invalid_spec", `${a.fn} is not available in a pivot; use min or max.`, [
        ...path,
        "fn",
      ]);
    }
    if (a.column === undefined && a.fn !== "count") {
      throw new CompileError("invalid_spec", `${a.fn} needs a column.`, [...path, "column"]);
    }
    const c = a.column === undefined ? null : resolveColumn(src, a.column, [...path, "column"], label);
    const rule = GROUP_AGG_RULES[a.fn];
    const type = rule.type(c?.type ?? "bigint");
    if (typeof type === "object") {
      throw new CompileError(
        "invalid_column_type",
        `Cannot compute ${a.fn} of column "${c?.name}" (${c?.type}): ${a.fn} ${type.reject}.`,
        [...path, "fn"],
      );
    }
    return { a, c, rule, type, path, suffix: a.as ?? (c ? `${c.name}_${a.fn}` : "count") };
  });
  for (const cell of cells) {
    for (const { c, rule, type, path, suffix } of parts) {
      // count of rows counts a constant 1 where the pivot matches.
      const value: Expr = c ? col(c.id, c.type) : lit(1, "integer");
      const arg = caseWhen([{ when: cell.when, result: value }], null, value.type);
      const name = `${cell.label}_${suffix}`;
      names.push({ name, path });
      aggregates.push(derived(ctx.ids, name, agg(rule.ir, [arg], type, path.join("."))));
    }
  }
  assertUniqueNames(names);
  return { outputs: [aggregate(ctx.ids, src, groupBy, aggregates)], steps, warnings: [] };
};
