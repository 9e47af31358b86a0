import type { DatasetSchema, RecipeSpec } from "@sous/contracts";
import { compileRecipe } from "./compile.ts";
import { CompileError } from "./errors.ts";
import { col } from "./ir/expr.ts";
import { createIdGen } from "./ir/ids.ts";
import { lineageOf } from "./ir/lineage.ts";
import { derived, project, type Rel, source } from "./ir/rel.ts";
import type { CompileContext, LowerInput } from "./lower/context.ts";
import { lower } from "./lower/index.ts";
import { DIALECT_HOOKS } from "./render/dialects.ts";
import { renderSql } from "./render/renderer.ts";
import { compileScoreRecipe } from "./scoring/score-recipe.ts";
import { compileSqlRecipe } from "./sql-recipe/compile.ts";
import { assessSteps } from "./translatability.ts";
import type { CompiledRecipe, CompiledStep, CompileInput, Dialect } from "./types.ts";
import { validateInputs } from "./validate/inputs.ts";
import { parseSpec } from "./validate/spec.ts";

/** An input of a pipeline recipe: a stored dataset, or the output of an earlier recipe. */
export type PipelineInput = CompileInput | { step: number };

export interface PipelineStep {
  /** The name of the dataset this recipe produces (used in messages and by `stack` origins). */
  name: string;
  spec: RecipeSpec;
  inputs: PipelineInput[];
  context?: CompileContext;
}

export interface CompiledPipeline extends CompiledRecipe {
  /** The stored datasets read, in first-use order; lineage's `input` indexes into this list. */
  inputs: CompileInput[];
}

const schemaOf = (rel: Rel): DatasetSchema => rel.columns.map(({ name, type }) => ({ name, type }));

/** Re-anchors a recipe's CompileError inside the pipeline: path ["steps", i, ...], message names the recipe. */
function withinStep<T>(i: number, name: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CompileError) {
      throw new CompileError(e.code, `Recipe ${i + 1} ("${name}"): ${e.message}`, [
        "steps",
        i,
        ...(e.path ?? []),
      ]);
    }
    throw e;
  }
}

/**
 * Compiles consecutive recipes that run on the same engine into ONE statement, with no
 * intermediate writes: each recipe lowers onto the previous recipes' IR instead of a Parquet
 * source, and the renderer merges or CTEs the chain. Only the last recipe's output is produced;
 * to keep an intermediate dataset, end a pipeline there. Step ids are `<recipe index>/<step id>`.
 *
 * A split (several outputs) cannot merge with what follows: it may only be the LAST recipe of a
 * pipeline, which then returns `sqlPerOutput` (one SELECT per output) and every output schema.
 * A SQL code recipe runs alone (it is the user's own statement): a pipeline of just it compiles as
 * that recipe; with other recipes it is refused (the flow planner never merges one).
 */
export function compilePipeline(args: { steps: PipelineStep[]; dialect: Dialect }): CompiledPipeline {
  if (args.steps.length === 0)
    throw new CompileError("invalid_spec", "A pipeline needs at least one recipe.", ["steps"]);
  // A SQL code recipe runs alone: a "pipeline" of just it, over stored inputs, is that recipe.
  const only = args.steps.length === 1 ? args.steps[0]! : null;
  if (only && (only.spec as { kind?: unknown }).kind === "sql") {
    return withinStep(0, only.name, () => {
      const spec = parseSpec(only.spec);
      if (spec.kind !== "sql") throw new Error("compiler bug: kind changed while parsing");
      const inputs = only.inputs.map((input) => {
        if ("step" in input)
          throw new CompileError("invalid_spec", "A SQL recipe reads stored datasets only.", ["inputs"]);
        return input;
      });
      const c = compileSqlRecipe({ spec, inputs, dialect: args.dialect });
      return {
        ...c,
        steps: c.steps.map((s) => ({ ...s, id: `0/${s.id}` })),
        blocking: c.blocking ? { ...c.blocking, stepId: `0/${c.blocking.stepId}` } : null,
        inputs,
      };
    });
  }
  // An evaluation recipe runs alone over its stored input (two outputs from one model).
  if (only && (only.spec as { kind?: unknown }).kind === "evaluate") {
    return withinStep(0, only.name, () => {
      const inputs = only.inputs.map((input) => {
        if ("step" in input)
          throw new CompileError("invalid_spec", "An evaluation recipe reads a stored dataset.", ["inputs"]);
        return input;
      });
      const c = compileRecipe({
        spec: only.spec,
        inputs,
        dialect: args.dialect,
        ...(only.context ? { context: only.context } : {}),
      });
      return { ...c, steps: c.steps.map((s) => ({ ...s, id: `0/${s.id}` })), inputs };
    });
  }
  const last = args.steps[args.steps.length - 1]!;
  if ((last.spec as { kind?: unknown }).kind === "score")
    return compileScoringPipeline(args.steps, args.dialect);
  const ids = createIdGen();
  const external: CompileInput[] = [];
  const outputs: Rel[] = [];
  /** Every output of each recipe (several for a split, which must then end the pipeline). */
  const allOutputs: (readonly Rel[])[] = [];
  const steps: CompiledStep[] = [];
  const warnings: string[] = [];

  args.steps.forEach((step, i) => {
    withinStep(i, step.name, () => {
      const spec = parseSpec(step.spec);
      if (spec.kind === "sql") {
        throw new CompileError(
          "invalid_spec",
          "A SQL recipe cannot be part of a pipeline: run it on its own (its inputs must be written first).",
          ["spec", "kind"],
        );
      }
      if (spec.kind === "evaluate") {
        throw new CompileError(
          "invalid_spec",
          "An evaluation recipe cannot be part of a pipeline: it runs on its own, over a stored dataset.",
          ["spec", "kind"],
        );
      }
      if (spec.kind === "score") {
        throw new CompileError(
          "invalid_spec",
          "A score recipe ends a pipeline: its output is written, then read by the recipes after it.",
          ["spec", "kind"],
        );
      }
      const inputs: LowerInput[] = [];
      const sources: Rel[] = [];
      step.inputs.forEach((input, j) => {
        if ("step" in input) {
          const upstreamOutputs = allOutputs[input.step];
          if (upstreamOutputs && upstreamOutputs.length > 1) {
            throw new CompileError(
              "invalid_spec",
              `Input ${j + 1} reads recipe ${input.step + 1}, which has ${upstreamOutputs.length} outputs (a split): a split ends a pipeline, so its outputs are written and read as datasets.`,
              ["inputs", j],
            );
          }
          const upstream = outputs[input.step];
          if (!Number.isInteger(input.step) || input.step >= i || !upstream) {
            throw new CompileError("invalid_spec", `Input ${j + 1} must refer to an earlier recipe.`, [
              "inputs",
              j,
            ]);
          }
          inputs.push({ name: args.steps[input.step]!.name, schema: schemaOf(upstream) });
          // Read twice by one recipe (a self-join): the second reading gets fresh column ids,
          // since ids must identify one column of one relation in scope.
          sources.push(
            sources.includes(upstream)
              ? project(
                  ids,
                  upstream,
                  upstream.columns.map((c) => derived(ids, c.name, col(c.id, c.type))),
                )
              : upstream,
          );
        } else {
          validateInputs([input]);
          const index = external.push(input) - 1;
          inputs.push(input);
          sources.push(source(ids, index, input.location.path, input.schema));
        }
      });
      const lowered = lower(spec, { ids, inputs, sources, extra: step.context ?? {} });
      const [output] = lowered.outputs;
      if (!output) throw new Error("compiler bug: a recipe lowered to no output");
      outputs.push(output);
      allOutputs.push(lowered.outputs);
      if (lowered.outputs.length > 1 && i < args.steps.length - 1) {
        throw new CompileError(
          "invalid_spec",
          `This recipe has ${lowered.outputs.length} outputs (a split): it must end the pipeline; start a new pipeline from its outputs.`,
          [],
        );
      }
      const stop = new Set(sources.map((s) => s.id));
      for (const s of assessSteps(lowered, stop)) steps.push({ id: `${i}/${s.id}`, engines: s.engines });
      for (const w of lowered.warnings) warnings.push(`${i}/${w}`);
    });
  });

  let blocking: CompiledRecipe["blocking"] = null;
  for (const s of steps) {
    const verdict = s.engines[args.dialect];
    if (verdict.level === "partial") warnings.push(`${s.id}: on ${args.dialect}, ${verdict.condition}`);
    if (verdict.level === "none" && !blocking)
      blocking = { stepId: s.id, dialect: args.dialect, reason: verdict.reason };
  }
  const final = outputs[outputs.length - 1]!;
  const finals = allOutputs[allOutputs.length - 1] ?? [final];
  const perOutput =
    finals.length > 1 ? finals.map((o) => (blocking ? "" : renderSql(o, DIALECT_HOOKS[args.dialect]))) : null;
  return {
    sql: blocking ? "" : (perOutput?.[0] ?? renderSql(final, DIALECT_HOOKS[args.dialect])),
    ...(perOutput ? { sqlPerOutput: perOutput } : {}),
    outputSchemas: finals.map(schemaOf),
    steps,
    blocking,
    warnings,
    lineage: finals.map(lineageOf),
    inputs: external,
  };
}

/**
 * A pipeline ending with a score recipe: the recipes before it compile as a pipeline whose one
 * SELECT is the FROM of the scoring query (nothing written between them); alone, it scores its
 * stored input. It must read the recipe just before it (the planner's order for a chain).
 */
function compileScoringPipeline(all: PipelineStep[], dialect: Dialect): CompiledPipeline {
  const i = all.length - 1;
  const step = all[i]!;
  // The recipes before it, compiled first so their errors name them (not the score recipe).
  const upstream = i > 0 ? compilePipeline({ steps: all.slice(0, i), dialect }) : null;
  return withinStep(i, step.name, () => {
    const spec = parseSpec(step.spec);
    if (spec.kind !== "score") throw new Error("compiler bug: kind changed while parsing");
    if (step.inputs.length !== 1)
      throw new CompileError("wrong_input_count", "A score recipe reads exactly one dataset.", ["inputs"]);
    const input = step.inputs[0]!;
    const model = step.context?.scoringModel;
    if (!("step" in input) || !upstream) {
      if ("step" in input || i > 0)
        throw new CompileError("invalid_spec", "A score recipe over a stored dataset runs alone.", [
          "inputs",
          0,
        ]);
      validateInputs([input]);
      const c = compileScoreRecipe({ params: spec.params, input, dialect, model });
      return { ...c, steps: c.steps.map((s) => ({ ...s, id: `0/${s.id}` })), inputs: [input] };
    }
    if (input.step !== i - 1)
      throw new CompileError("invalid_spec", "A score recipe must read the recipe just before it.", [
        "inputs",
        0,
      ]);
    if (upstream.sqlPerOutput)
      throw new CompileError(
        "invalid_spec",
        "A score recipe cannot read a split inside a pipeline: its outputs are written first.",
        ["inputs", 0],
      );
    const schema = upstream.outputSchemas[0]!;
    // Compiled even when the upstream is blocked: the model's own errors still surface.
    const c = compileScoreRecipe({
      params: spec.params,
      input: { from: `(\n${upstream.sql || "SELECT 1"}\n)`, schema },
      dialect,
      model,
    });
    const upLineage = new Map((upstream.lineage[0] ?? []).map((l) => [l.output, l.from]));
    const seen = (from: { input: number; column: string }[]) => {
      const out = new Map<string, { input: number; column: string }>();
      for (const f of from)
        for (const src of upLineage.get(f.column) ?? []) out.set(`${src.input}\u0000${src.column}`, src);
      return [...out.values()];
    };
    return {
      sql: upstream.blocking ? "" : c.sql,
      outputSchemas: c.outputSchemas,
      steps: [...upstream.steps, ...c.steps.map((s) => ({ ...s, id: `${i}/${s.id}` }))],
      blocking: upstream.blocking,
      warnings: upstream.warnings,
      lineage: c.lineage.map((cols) => cols.map((l) => ({ output: l.output, from: seen(l.from) }))),
      inputs: upstream.inputs,
    };
  });
}
