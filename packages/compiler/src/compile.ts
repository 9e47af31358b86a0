import type { DatasetSchema, RecipeSpec } from "@sous/contracts";
import { CompileError } from "./errors.ts";
import { lineageOf } from "./ir/lineage.ts";
import type { Rel } from "./ir/rel.ts";
import { type CompileContext, createLowerContext, type Lowered } from "./lower/context.ts";
import { lower } from "./lower/index.ts";
import { DIALECT_HOOKS } from "./render/dialects.ts";
import { renderSql } from "./render/renderer.ts";
import { compileEvaluateRecipe } from "./scoring/evaluate-recipe.ts";
import { compileScoreRecipe } from "./scoring/score-recipe.ts";
import { compileSqlRecipe } from "./sql-recipe/compile.ts";
import { assessSteps } from "./translatability.ts";
import type { CompiledRecipe, CompileInput, Dialect } from "./types.ts";
import { validateInputs } from "./validate/inputs.ts";
import { parseSpec } from "./validate/spec.ts";

export interface CompileRecipeArgs {
  /** Parsed again with zod: callers may pass stored JSON as is. */
  spec: RecipeSpec;
  inputs: CompileInput[];
  dialect: Dialect;
  /** Facts computed before compiling that the spec does not hold (e.g. pivot values). */
  context?: CompileContext;
}

/** validate -> lower -> (passes) -> assess -> render. Pure: runs nothing, reads nothing. */
export function lowerRecipe(
  spec: unknown,
  inputs: readonly CompileInput[],
  context: CompileContext = {},
): Lowered {
  const parsed = parseSpec(spec);
  validateInputs(inputs);
  return lower(parsed, createLowerContext(inputs, context));
}

const schemaOf = (rel: Rel): DatasetSchema => rel.columns.map(({ name, type }) => ({ name, type }));

export function compileRecipe(args: CompileRecipeArgs): CompiledRecipe {
  if ((args.spec as { kind?: unknown }).kind === "sql") {
    const spec = parseSpec(args.spec);
    if (spec.kind === "sql") return compileSqlRecipe({ spec, inputs: args.inputs, dialect: args.dialect });
  }
  if ((args.spec as { kind?: unknown }).kind === "score") return compileScore(args);
  if ((args.spec as { kind?: unknown }).kind === "evaluate") return compileEvaluate(args);
  const lowered = lowerRecipe(args.spec, args.inputs, args.context);
  const steps = assessSteps(lowered);
  let blocking: CompiledRecipe["blocking"] = null;
  for (const step of steps) {
    const verdict = step.engines[args.dialect];
    if (verdict.level === "none") {
      blocking = { stepId: step.id, dialect: args.dialect, reason: verdict.reason };
      break;
    }
  }
  const warnings = [...lowered.warnings];
  for (const step of steps) {
    const verdict = step.engines[args.dialect];
    if (verdict.level === "partial") warnings.push(`${step.id}: on ${args.dialect}, ${verdict.condition}`);
  }
  const [output] = lowered.outputs;
  if (!output) throw new Error("compiler bug: a recipe lowered to no output");
  // Several outputs (split): one SELECT each, rendered separately (each is written on its own).
  const perOutput =
    lowered.outputs.length > 1 && !blocking
      ? lowered.outputs.map((o) => renderSql(o, DIALECT_HOOKS[args.dialect]))
      : null;
  return {
    sql: blocking ? "" : (perOutput?.[0] ?? renderSql(output, DIALECT_HOOKS[args.dialect])),
    ...(lowered.outputs.length > 1 ? { sqlPerOutput: perOutput ?? lowered.outputs.map(() => "") } : {}),
    outputSchemas: lowered.outputs.map(schemaOf),
    steps,
    blocking,
    warnings,
    lineage: lowered.outputs.map(lineageOf),
    ...(lowered.stepSchemas ? { stepSchemas: [...lowered.stepSchemas] } : {}),
  };
}

function compileScore(args: CompileRecipeArgs): CompiledRecipe {
  const spec = parseSpec(args.spec);
  if (spec.kind !== "score") throw new Error("compiler bug: kind changed while parsing");
  validateInputs(args.inputs);
  if (args.inputs.length !== 1)
    throw new CompileError("wrong_input_count", "A score recipe reads exactly one dataset.", ["inputs"]);
  return compileScoreRecipe({
    params: spec.params,
    input: args.inputs[0]!,
    dialect: args.dialect,
    model: args.context?.scoringModel,
  });
}

function compileEvaluate(args: CompileRecipeArgs): CompiledRecipe {
  const spec = parseSpec(args.spec);
  if (spec.kind !== "evaluate") throw new Error("compiler bug: kind changed while parsing");
  validateInputs(args.inputs);
  if (args.inputs.length !== 1)
    throw new CompileError("wrong_input_count", "An evaluation recipe reads exactly one dataset.", [
      "inputs",
    ]);
  return compileEvaluateRecipe({
    params: spec.params,
    input: args.inputs[0]!,
    dialect: args.dialect,
    model: args.context?.scoringModel,
    ...(args.context?.evaluatedAt ? { evaluatedAt: args.context.evaluatedAt } : {}),
    ...(args.context?.previousMetrics ? { previousMetrics: args.context.previousMetrics } : {}),
  });
}

/**
 * Output schemas without rendering anything (the studio shows them while the user edits).
 * A SQL recipe's schema is only known by running it: [] (see `CompiledRecipe.schemaKnown`).
 */
export function inferOutputSchemas(args: {
  spec: RecipeSpec;
  inputs: CompileInput[];
  context?: CompileContext;
}): DatasetSchema[] {
  if ((args.spec as { kind?: unknown }).kind === "sql") return [];
  if ((args.spec as { kind?: unknown }).kind === "score")
    return compileScore({ ...args, dialect: "duckdb" }).outputSchemas;
  if ((args.spec as { kind?: unknown }).kind === "evaluate")
    return compileEvaluate({ ...args, dialect: "duckdb" }).outputSchemas;
  return lowerRecipe(args.spec, args.inputs, args.context).outputs.map(schemaOf);
}
