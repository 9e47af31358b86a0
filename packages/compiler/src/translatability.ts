import { assessFunction, worseVerdict as worse } from "./catalog/index.ts";
import { type Expr, exprChildren } from "./ir/expr.ts";
import type { RelId } from "./ir/ids.ts";
import { type Rel, relInputs } from "./ir/rel.ts";
import type { Lowered } from "./lower/context.ts";
import { DIALECT_HOOKS } from "./render/dialects.ts";
import { type CompiledStep, DIALECTS, type Dialect, type Translatability } from "./types.ts";

/** Every expression in a relation tree, with the step it belongs to (its own origin or its parent's). */
function* expressions(rel: Rel, fallback: string, stop: ReadonlySet<RelId>): Generator<[Expr, string]> {
  if (stop.has(rel.id)) return;
  const own: Expr[] = [];
  switch (rel.kind) {
    case "source":
    case "union":
    case "limit":
    case "distinct":
      break;
    case "project":
      own.push(...rel.columns.map((c) => c.expr));
      break;
    case "aggregate":
      own.push(...rel.groupBy.map((c) => c.expr), ...rel.aggregates.map((c) => c.expr));
      break;
    case "filter":
      own.push(rel.predicate);
      break;
    case "sort":
      own.push(...rel.keys.map((k) => k.expr));
      break;
    case "window":
      own.push(...rel.added.map((c) => c.expr));
      break;
    case "join":
      own.push(...rel.columns.map((c) => c.expr), ...(rel.on ? [rel.on] : []));
      break;
  }
  const walk = function* (e: Expr, step: string): Generator<[Expr, string]> {
    const s = e.origin ?? step;
    yield [e, s];
    for (const c of exprChildren(e)) yield* walk(c, s);
  };
  for (const e of own) yield* walk(e, fallback);
  for (const child of relInputs(rel)) yield* expressions(child, fallback, stop);
}

/**
 * Per step and engine: can the engine reproduce Spark's result? Function calls are judged by the
 * function catalog (no rendering: none; a named condition: partial), everything else by each
 * dialect's hooks.
 * `stop`: relations owned by earlier recipes of a pipeline, assessed with their own recipe.
 */
export function assessSteps(lowered: Lowered, stop: ReadonlySet<RelId> = new Set()): CompiledStep[] {
  const fallback = lowered.steps[0] ?? "recipe";
  const verdicts = new Map<string, Record<Dialect, Translatability>>();
  const entry = (step: string): Record<Dialect, Translatability> => {
    let v = verdicts.get(step);
    if (!v) {
      v = { spark: { level: "full" }, duckdb: { level: "full" } };
      verdicts.set(step, v);
    }
    return v;
  };
  for (const step of lowered.steps) entry(step);
  // Declared verdicts first: on equal levels the first reason is kept, and a step's own words
  // (which name the step) read better than an expression-level finding.
  for (const [step, declared] of Object.entries(lowered.declared ?? {})) {
    const v = entry(step);
    for (const d of DIALECTS) v[d] = worse(v[d], declared[d]);
  }
  for (const out of lowered.outputs) {
    for (const [e, step] of expressions(out, fallback, stop)) {
      const v = entry(step);
      for (const d of DIALECTS) {
        const verdict = assessFunction(e, d) ?? DIALECT_HOOKS[d].assess(e);
        if (verdict) v[d] = worse(v[d], verdict);
      }
    }
  }
  return [...verdicts].map(([id, engines]) => ({ id, engines }));
}
