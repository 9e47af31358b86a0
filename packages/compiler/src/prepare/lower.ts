import type { PrepareStepType } from "@sous/contracts";
import { assessFunction, worseVerdict as worse } from "../catalog/index.ts";
import { CompileError } from "../errors.ts";
import { call, type Expr } from "../ir/expr.ts";
import type { Lowerer } from "../lower/context.ts";
import { DIALECTS, type Dialect, type StepSchema, type Translatability } from "../types.ts";
import { requireInputCount } from "../validate/inputs.ts";
import { Frame } from "./frame.ts";
import type { StepContext, StepModule } from "./step.ts";
import { STEP_MODULES } from "./steps/index.ts";

/** The step's verdicts, with `none` reasons that name the step (the UI shows them as is). */
function named(
  v: Record<Dialect, Translatability>,
  label: string,
  n: number,
): Record<Dialect, Translatability> {
  const step = `Step '${label}' (#${n})`;
  const spark =
    v.spark.level === "none"
      ? {
          level: "none" as const,
          reason: `${step} has no SparkSQL form (${v.spark.reason}): run this recipe on the local engine`,
        }
      : v.spark;
  const duckdb =
    v.duckdb.level === "none"
      ? { level: "none" as const, reason: `${step} cannot run on DuckDB: ${v.duckdb.reason}` }
      : v.duckdb;
  return { spark, duckdb };
}

/**
 * The prepare recipe: steps rewrite a Frame one after the other (disabled ones are skipped).
 * Each step's id is a CompiledRecipe step whose translatability is derived from the function
 * catalog's verdicts for the calls it makes (plus its type flags); `stepSchemas`
 * holds the columns after each step and what the step added, removed or changed.
 */
export const lowerPrepare: Lowerer<"prepare"> = (spec, ctx) => {
  requireInputCount("prepare", ctx.inputs, 1);
  const frame = new Frame(ctx.ids, ctx.sources[0]!);
  const steps = ["prepare"];
  const warnings: string[] = [];
  const declared: Record<string, Record<Dialect, Translatability>> = {};
  const stepSchemas: StepSchema[] = [];

  spec.params.steps.forEach((step, i) => {
    steps.push(step.id);
    const before = new Map(frame.cols.map((c) => [c.name, c.rev]));
    if (step.disabled) {
      stepSchemas.push({
        id: step.id,
        disabled: true,
        schema: frame.schema(),
        added: [],
        removed: [],
        changed: [],
      });
      return;
    }
    const mod = STEP_MODULES[step.type] as StepModule<PrepareStepType>;
    const label = step.name ?? mod.label;
    const verdict: Record<Dialect, Translatability> = { spark: { level: "full" }, duckdb: { level: "full" } };
    const judged = <E extends Expr & { kind: "call" | "ext" }>(e: E): E => {
      for (const d of DIALECTS) {
        const found = assessFunction(e, d);
        if (found) verdict[d] = worse(verdict[d], found);
      }
      return e;
    };
    const stepCtx: StepContext = {
      id: step.id,
      path: ["params", "steps", i, "params"],
      extra: ctx.extra,
      warn: (message) => warnings.push(`${step.id}: ${message}`),
      flag: (d, v) => {
        verdict[d] = worse(verdict[d], v);
      },
      fn: (name, args, type) => judged({ kind: "ext", fn: name, args, type, origin: step.id }),
      call: (name, args, type) => judged(call(name, args, type, step.id)),
    };
    try {
      mod.apply(frame, step.params, stepCtx);
    } catch (e) {
      if (e instanceof CompileError) {
        throw new CompileError(e.code, `Step '${label}' (#${i + 1}): ${e.message}`, e.path);
      }
      throw e;
    }
    frame.settle();
    declared[step.id] = named(verdict, label, i + 1);
    const after = new Set(frame.cols.map((c) => c.name));
    stepSchemas.push({
      id: step.id,
      disabled: false,
      schema: frame.schema(),
      added: frame.cols.filter((c) => !before.has(c.name)).map((c) => c.name),
      removed: [...before.keys()].filter((n) => !after.has(n)),
      changed: frame.cols
        .filter((c) => before.has(c.name) && before.get(c.name) !== c.rev)
        .map((c) => c.name),
    });
  });

  return { outputs: [frame.finish()], steps, warnings, declared, stepSchemas };
};
