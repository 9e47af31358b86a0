import type { DatasetSchema } from "@sous/contracts";

/** The SQL engines Sous compiles to. Semantics are always Spark's; DuckDB SQL emulates them. */
export type Dialect = "spark" | "duckdb";
export const DIALECTS: readonly Dialect[] = ["spark", "duckdb"];

/** One recipe input: a dataset's schema and where its Parquet files live. */
export interface CompileInput {
  name: string;
  schema: DatasetSchema;
  /** `path` is a directory of Parquet part files (local dir for DuckDB, e.g. dbfs:/mnt/... for Spark). */
  location: { format: "parquet"; path: string };
}

/** Whether an engine reproduces Sous (= Spark) semantics for a step. */
export type Translatability =
  | { level: "full" }
  | { level: "partial"; condition: string }
  | { level: "none"; reason: string };

export interface CompiledStep {
  /** Stable id of the step inside the recipe: the recipe kind, or a spec path such as `params.aggregations.0`. */
  id: string;
  engines: Record<Dialect, Translatability>;
}

export interface LineageSource {
  /** Index into `inputs`. */
  input: number;
  column: string;
}

export interface ColumnLineage {
  output: string;
  from: LineageSource[];
}

export interface CompiledRecipe {
  /** One SELECT statement (possibly starting with WITH), no trailing semicolon. Empty when `blocking`. */
  sql: string;
  outputSchemas: DatasetSchema[];
  steps: CompiledStep[];
  /** The first step the requested dialect cannot run; `sql` is empty then. */
  blocking: { stepId: string; dialect: Dialect; reason: string } | null;
  warnings: string[];
  /** Per output dataset, per output column: the input columns it derives from. */
  lineage: ColumnLineage[][];
  /** Prepare recipes only: the schema after each step, in step order (disabled steps included). */
  stepSchemas?: StepSchema[];
  /**
   * Recipes with several outputs (split): one SELECT per output, in output order (`sql` is the
   * first). The caller writes output i from `sqlPerOutput[i]`. Absent: one output, `sql`.
   */
  sqlPerOutput?: string[];
  /**
   * false: the output schema cannot be known without running the query (SQL code recipes);
   * `outputSchemas` and `lineage` are then empty and the caller takes the schema from the result.
   * Absent: known (`outputSchemas` has one schema per output).
   */
  schemaKnown?: false;
}

/** The columns a prepare step leaves (schema propagation, nothing run), and what it changed. */
export interface StepSchema {
  id: string;
  disabled: boolean;
  /** The schema after the step. */
  schema: DatasetSchema;
  added: string[];
  removed: string[];
  /** Columns kept whose values or type the step rewrites. */
  changed: string[];
}
