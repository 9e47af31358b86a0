import type { DatasetSchema, ScoreParams } from "@sous/contracts";
import { CompileError } from "../errors.ts";
import type { CompiledRecipe, CompileInput, Dialect, Translatability } from "../types.ts";
import { compileClustersSql } from "./compile-clusters.ts";
import { compileScoringSql } from "./compile-scoring.ts";
import { compileRuntimeScoring, type RuntimeScoring } from "./runtime-scoring.ts";

/**
 * The saved model a score recipe scores with, as the caller loaded it (the worker and the preview
 * read the active version's portable JSON from storage): the spec only names the saved model.
 */
export interface ScoringModelContext {
  /** The saved model's id: must be the one the spec names (a stale context is a caller bug). */
  savedModelId: string;
  savedModelName: string;
  versionId: string;
  versionNumber: number;
  /** The PortableModel JSON, or null when this version has no portable form. */
  portable: unknown | null;
  /**
   * Without a portable form: what scores it instead (the model's own runtime), its classes (the
   * output's probability columns, known before a build) and its features (lineage).
   */
  runtime?: RuntimeScoring;
}

const FULL: Translatability = { level: "full" };

/** A clustering's portable form (@sous/ml PortableClusterModel), read loosely: stored JSON. */
const isPortableClusters = (portable: unknown): boolean =>
  (portable as { format?: unknown } | null)?.format === "sous-portable-clusters";

/** Whether the context's model is a clustering (scored with a `cluster` column, never evaluated). */
export const isClusteringModel = (m: ScoringModelContext): boolean =>
  isPortableClusters(m.portable) || m.runtime?.task === "clustering";

/**
 * A score recipe: compileScoringSql over its one input (a stored dataset, or in a pipeline the
 * rendered query of the recipes before it), with the active version from the context.
 */
export function compileScoreRecipe(args: {
  params: ScoreParams;
  input: CompileInput | { from: string; schema: DatasetSchema };
  dialect: Dialect;
  model: ScoringModelContext | undefined;
}): CompiledRecipe {
  const m = args.model;
  if (!m || m.savedModelId !== args.params.savedModelId)
    throw new CompileError(
      "missing_compile_input",
      "A score recipe needs its saved model's active version: deploy a model to this saved model, or pick another one.",
      ["params", "savedModelId"],
    );
  if (m.portable === null && m.runtime)
    return compileRuntimeScoring({
      params: args.params,
      input: args.input,
      dialect: args.dialect,
      model: m,
      runtime: m.runtime,
    });
  if (m.portable === null)
    throw new CompileError(
      "invalid_spec",
      `Saved model ${m.savedModelName} (version ${m.versionNumber}) has no portable form, so it cannot be scored in SQL: activate a version trained with a linear or tree model.`,
      ["params", "savedModelId"],
    );
  let compiled: { sql: string; outputSchema: DatasetSchema };
  try {
    // A k-means's portable form: each row's nearest centroid, in a `cluster` column (the
    // prediction column's name when the recipe sets one).
    compiled = isPortableClusters(m.portable)
      ? compileClustersSql({
          model: m.portable,
          dialect: args.dialect,
          input: args.input,
          ...(args.params.predictionColumn ? { clusterColumn: args.params.predictionColumn } : {}),
        })
      : compileScoringSql({
          model: m.portable,
          dialect: args.dialect,
          input: args.input,
          ...(args.params.predictionColumn ? { predictionColumn: args.params.predictionColumn } : {}),
          ...(args.params.probabilityPrefix ? { probabilityPrefix: args.params.probabilityPrefix } : {}),
        });
  } catch (e) {
    if (e instanceof CompileError)
      throw new CompileError(
        e.code,
        `Saved model ${m.savedModelName} (version ${m.versionNumber}): ${e.message}`,
        ["params", ...(e.path ?? [])],
      );
    throw e;
  }
  const inputNames = new Set(args.input.schema.map((c) => c.name));
  const model = m.portable as { features?: { name?: unknown }[] };
  const features = (model.features ?? [])
    .map((f) => String(f.name))
    .filter((n) => inputNames.has(n))
    .map((column) => ({ input: 0, column }));
  return {
    sql: compiled.sql,
    outputSchemas: [compiled.outputSchema],
    steps: [{ id: "score", engines: { spark: FULL, duckdb: FULL } }],
    blocking: null,
    warnings: [],
    lineage: [
      compiled.outputSchema.map((c) =>
        inputNames.has(c.name)
          ? { output: c.name, from: [{ input: 0, column: c.name }] }
          : { output: c.name, from: features },
      ),
    ],
  };
}
