import type { DatasetSchema, RecipeSpec } from "@sous/contracts";
import { createIdGen, type IdGen } from "../ir/ids.ts";
import { type Rel, source } from "../ir/rel.ts";
import type { ScoringModelContext } from "../scoring/score-recipe.ts";
import type { CompileInput, Dialect, StepSchema, Translatability } from "../types.ts";

/** Extra facts a recipe may need at compile time that are not part of the stored spec. */
export interface CompileContext {
  /** Pivot recipes: the distinct values of the pivot column, computed beforehand by the caller. */
  pivotValues?: readonly (string | number | boolean | null)[];
  /** Prepare recipes: values of steps that need them (Unfold), by step id, computed by the caller. */
  prepareValues?: Readonly<Record<string, readonly (string | number | boolean)[]>>;
  /** Score recipes: the saved model's active version, loaded by the caller (worker, preview). */
  scoringModel?: ScoringModelContext;
  /** Evaluation recipes: when the run happened (ISO 8601 UTC), the metrics row's evaluated_at. */
  evaluatedAt?: string;
  /**
   * Evaluation recipes: the metrics dataset's current version, whose rows the new run's row is
   * appended to (one row per run, as DSS's evaluation store keeps them). Absent on the first run.
   */
  previousMetrics?: CompileInput;
}

/** What a lowerer knows of an input: a dataset, or in a pipeline the output of an earlier recipe. */
export interface LowerInput {
  readonly name: string;
  readonly schema: DatasetSchema;
}

export interface LowerContext {
  readonly ids: IdGen;
  readonly inputs: readonly LowerInput[];
  /** One relation per input, in input order: a source, or an earlier recipe's output IR. */
  readonly sources: readonly Rel[];
  readonly extra: CompileContext;
}

/** What lowering a recipe produces: one relation per output dataset, plus step ids and warnings. */
export interface Lowered {
  readonly outputs: readonly Rel[];
  /** Step ids in display order; expressions' `origin` refer to them. The first is the recipe itself. */
  readonly steps: readonly string[];
  readonly warnings: readonly string[];
  /** Verdicts a step declares itself (prepare steps), merged with what the dialects find in its IR. */
  readonly declared?: Readonly<Record<string, Record<Dialect, Translatability>>>;
  /** Prepare recipes: the schema after each step. */
  readonly stepSchemas?: readonly StepSchema[];
}

export type Lowerer<K extends RecipeSpec["kind"]> = (
  spec: Extract<RecipeSpec, { kind: K }>,
  ctx: LowerContext,
) => Lowered;

export function createLowerContext(
  inputs: readonly CompileInput[],
  extra: CompileContext = {},
  ids: IdGen = createIdGen(),
): LowerContext {
  const sources = inputs.map((input, i) => source(ids, i, input.location.path, input.schema));
  return { ids, inputs, sources, extra };
}

export function inputLabel(ctx: LowerContext, index: number): string {
  const input = ctx.inputs[index];
  return input ? `input "${input.name}"` : "the input";
}
