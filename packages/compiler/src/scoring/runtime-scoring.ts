import type { DatasetSchema, ScoreParams } from "@sous/contracts";
import type { CompiledRecipe, CompileInput, Dialect, Translatability } from "../types.ts";
import { clusterColumns, type ScoringLabel, scoringColumns } from "./output-columns.ts";

/**
 * A model version without a portable form scores through its own runtime, not SQL: the worker
 * runs the fitted scikit-learn pipeline in Python (locally only: the Databricks engine refuses it,
 * saying so). An MLlib PipelineModel has no runtime path: every model MLlib trains now has a
 * portable form, so only versions trained before that (bisecting k-means) reach here, and their
 * verdicts say to retrain. What the compiler still knows: the output's columns (from the classes),
 * the lineage, and which engine can run it (said on each engine's verdict).
 */
export interface RuntimeScoring {
  /** scikit-learn: a pickle (model.pkl) the local worker loads; mllib: a PipelineModel folder. */
  engine: "scikit-learn" | "mllib";
  /** Class labels in the model's order (its probability columns); null for regression. */
  classes: ScoringLabel[] | null;
  /** The model's feature columns (lineage). */
  features: string[];
  /** A clustering (e.g. a Gaussian mixture): the output is the input plus a `cluster` column. */
  task?: "clustering";
}

const RUNTIME_NAME = { "scikit-learn": "scikit-learn", mllib: "Spark MLlib" } as const;

/** What each engine says about scoring with this runtime. */
export function runtimeVerdicts(runtime: RuntimeScoring): Record<Dialect, Translatability> {
  const name = RUNTIME_NAME[runtime.engine];
  return runtime.engine === "scikit-learn"
    ? {
        duckdb: {
          level: "partial",
          condition: `scores with ${name} in Python (no SQL): the model has no portable form`,
        },
        spark: {
          level: "none",
          reason: `the model was trained with ${name} and has no portable form: it scores only on the local engine (in Python)`,
        },
      }
    : {
        duckdb: {
          level: "none",
          reason: `the model was trained with ${name} on Databricks and has no portable form: it cannot score on the local engine`,
        },
        // Every model MLlib trains today has a portable form (bisecting k-means since its tree is
        // exported): only versions trained before that lack one, and a retrain gives them one.
        spark: {
          level: "none",
          reason: `the model was trained with ${name} before its models had a portable form (SQL), and scoring with ${name} itself is not available yet: retrain the saved model from the Flow (its new version scores in SQL on either engine) or activate a version with a portable form`,
        },
      };
}

/** The reason a runtime-scored recipe has no SQL (the preview and pipelines say it). */
function runtimeScoringReason(runtime: RuntimeScoring): string {
  return `scores with ${RUNTIME_NAME[runtime.engine]} (no SQL): build it to see its rows`;
}

export function compileRuntimeScoring(args: {
  params: ScoreParams;
  input: CompileInput | { from: string; schema: DatasetSchema };
  dialect: Dialect;
  model: { savedModelName: string; versionNumber: number };
  runtime: RuntimeScoring;
}): CompiledRecipe {
  const schema = args.input.schema;
  const { outputSchema } =
    args.runtime.task === "clustering"
      ? clusterColumns({
          schema,
          ...(args.params.predictionColumn ? { clusterColumn: args.params.predictionColumn } : {}),
        })
      : scoringColumns({
          schema,
          classes: args.runtime.classes,
          ...(args.params.predictionColumn ? { predictionColumn: args.params.predictionColumn } : {}),
          ...(args.params.probabilityPrefix ? { probabilityPrefix: args.params.probabilityPrefix } : {}),
        });
  const engines = runtimeVerdicts(args.runtime);
  const inputNames = new Set(schema.map((c) => c.name));
  const features = args.runtime.features
    .filter((n) => inputNames.has(n))
    .map((column) => ({ input: 0, column }));
  const verdict = engines[args.dialect];
  return {
    // No SQL: the worker scores it (see apps/worker's score-with-runtime).
    sql: "",
    outputSchemas: [outputSchema],
    steps: [{ id: "score", engines }],
    blocking: {
      stepId: "score",
      dialect: args.dialect,
      reason: verdict.level === "none" ? verdict.reason : runtimeScoringReason(args.runtime),
    },
    warnings: [],
    lineage: [
      outputSchema.map((c) =>
        inputNames.has(c.name)
          ? { output: c.name, from: [{ input: 0, column: c.name }] }
          : { output: c.name, from: features },
      ),
    ],
  };
}
