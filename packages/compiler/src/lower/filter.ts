import type { ColumnType, FilterRule, FilterValue, Sampling } from "@sous/contracts";
import { CompileError } from "../errors.ts";
import { lowerFormula } from "../formula/index.ts";
import {
  and,
  type CompareOp,
  call,
  cast,
  col,
  compare,
  type Expr,
  isNull,
  lit,
  not,
  or,
} from "../ir/expr.ts";
import { filter, limit, type OutColumn, type Rel } from "../ir/rel.ts";
import { resolveColumn } from "../validate/columns.ts";
import { requireInputCount } from "../validate/inputs.ts";
import { inputLabel, type Lowerer } from "./context.ts";
import { literalFor } from "./literals.ts";

type Path = (string | number)[];

const ORDERED: ReadonlySet<ColumnType> = new Set([
  "string",
  "integer",
  "bigint",
  "double",
  "decimal",
  "date",
  "timestamp",
]);
const TEXT_OPS = new Set(["contains", "startsWith", "endsWith", "matchesRegex", "isEmpty", "isNotEmpty"]);
const COMPARE: Partial<Record<FilterRule["op"], CompareOp>> = {
  equals: "=",
  notEquals: "<>",
  lt: "<",
  lte: "<=",
  gt: ">",
  gte: ">=",
};

/** One column rule as a predicate over `rel` (also the join recipe's post-join filter). */
export function lowerRule(rel: Rel, rule: FilterRule, path: Path, label: string, stepId: string): Expr {
  const c = resolveColumn(rel, rule.column, [...path, "column"], label);
  const ref = col(c.id, c.type);
  const value = (v: FilterValue | undefined, key: string) => literalFor(c.type, v, c.name, [...path, key]);
  const needs = (ok: boolean, what: string) => {
    if (!ok) {
      throw new CompileError(
        "invalid_column_type",
        `Operator ${rule.op} needs ${what}; column "${c.name}" is ${c.type}.`,
        [...path, "op"],
      );
    }
  };
  if (TEXT_OPS.has(rule.op)) needs(c.type === "string", "a string column");
  const cmp = COMPARE[rule.op];
  if (cmp) {
    if (cmp !== "=" && cmp !== "<>") needs(ORDERED.has(c.type), "an ordered column (number, text, date)");
    return compare(cmp, ref, value(rule.value, "value"), stepId);
  }
  switch (rule.op) {
    case "isNull":
      return isNull(ref);
    case "isNotNull":
      return not(isNull(ref));
    case "between":
      needs(ORDERED.has(c.type), "an ordered column (number, text, date)");
      return and([
        compare(">=", ref, value(rule.value, "value")),
        compare("<=", ref, value(rule.max, "max")),
      ]);
    case "in":
    case "notIn": {
      const values = rule.values;
      if (!values)
        throw new CompileError("invalid_value", `Operator ${rule.op} needs a list of values.`, [
          ...path,
          "values",
        ]);
      const any = or(
        values.map((v, i) => compare("=", ref, literalFor(c.type, v, c.name, [...path, "values", i]))),
      );
      return rule.op === "in" ? any : not(any);
    }
    case "contains":
      return call("contains", [ref, value(rule.value, "value")], "boolean", stepId);
    case "startsWith":
      return call("starts_with", [ref, value(rule.value, "value")], "boolean", stepId);
    case "endsWith":
      return call("ends_with", [ref, value(rule.value, "value")], "boolean", stepId);
    case "matchesRegex":
      return call("regexp_like", [ref, value(rule.value, "value")], "boolean", stepId);
    case "isEmpty":
      return or([isNull(ref), compare("=", ref, lit("", "string"))]);
    case "isNotEmpty":
      return and([not(isNull(ref)), compare("<>", ref, lit("", "string"))]);
    case "isTrue":
    case "isFalse":
      needs(c.type === "boolean", "a boolean column");
      return compare("=", ref, lit(rule.op === "isTrue", "boolean"));
    default:
      throw new Error(`compiler bug: filter operator ${rule.op} not lowered`);
  }
}

/**
 * Portable random sample: keep a row when the first 32 bits of md5('<seed>|v1|v2|...') fall
 * under ratio * 2^32. Spark's rand(seed) depends on partitioning and DuckDB has no seeded
 * per-row random, and their hash() functions differ, but md5 is md5 everywhere: the same rows
 * are kept on both engines, on every run. Identical rows are all kept or all dropped.
 */
function samplePredicate(rel: Rel, s: Extract<Sampling, { method: "randomRatio" }>, label: string): Expr {
  const columns: readonly OutColumn[] = s.columns
    ? s.columns.map((name, i) => resolveColumn(rel, name, ["params", "sampling", "columns", i], label))
    : rel.columns;
  const parts: Expr[] = [
    lit(String(s.seed), "string"),
    ...columns.map((c) => call("coalesce", [cast(col(c.id, c.type), "string"), lit("", "string")], "string")),
  ];
  const threshold = BigInt(Math.floor(s.ratio * 2 ** 32));
  return compare(
    "<",
    call("sample_hash", parts, "bigint", "params.sampling"),
    lit(threshold.toString(), "bigint"),
    "params.sampling",
  );
}

export const lowerFilter: Lowerer<"filter"> = (spec, ctx) => {
  requireInputCount("filter", ctx.inputs, 1);
  const src = ctx.sources[0]!;
  const label = inputLabel(ctx, 0);
  const steps = ["filter"];
  const warnings: string[] = [];
  let rel: Rel = src;
  const cond = spec.params.filter;
  if (cond) {
    const rules = cond.rules.map((r, i) => {
      const stepId = `params.filter.rules.${i}`;
      steps.push(stepId);
      const path = ["params", "filter", "rules", i];
      if ("kind" in r) {
        return lowerFormula(r.formula, src.columns, {
          expect: "boolean",
          origin: stepId,
          path: [...path, "formula"],
        }).expr;
      }
      return lowerRule(src, r, path, label, stepId);
    });
    const predicate: Expr = rules.length === 1 ? rules[0]! : cond.combine === "and" ? and(rules) : or(rules);
    rel = filter(ctx.ids, rel, predicate);
  }
  const s = spec.params.sampling;
  if (s.method !== "all") steps.push("params.sampling");
  if (s.method === "firstN") {
    warnings.push(
      "params.sampling: first N keeps any N rows; which ones is not defined and can change between runs.",
    );
    rel = limit(ctx.ids, rel, s.n);
  } else if (s.method === "randomRatio") {
    rel = filter(ctx.ids, rel, samplePredicate(src, s, label));
  }
  return { outputs: [rel], steps, warnings };
};
