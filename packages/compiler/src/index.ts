export { type CompileRecipeArgs, compileRecipe, inferOutputSchemas, lowerRecipe } from "./compile.ts";
export { DECIMAL_SQL } from "./decimal.ts";
export { CompileError, type CompileErrorCode, UnsupportedError } from "./errors.ts";
export {
  checkFormula,
  FormulaCompileError,
  type FormulaError,
  type FormulaErrorCode,
  type FormulaFunctionInfo,
  type FormulaScopeColumn,
  formulaFunctions,
  type LowerFormulaOptions,
  lowerFormula,
  parseFormula,
} from "./formula/index.ts";
export type { CompileContext } from "./lower/context.ts";
export { type CompiledPipeline, compilePipeline, type PipelineInput, type PipelineStep } from "./pipeline.ts";
export { type PrepareStepInfo, prepareStepCatalog, prepareStepEngines } from "./prepare/catalog.ts";
export {
  type CompileClustersArgs,
  type CompiledClusters,
  compileClustersSql,
} from "./scoring/compile-clusters.ts";
export {
  type CompiledScoring,
  type CompileScoringArgs,
  compileScoringSql,
  doubleLiteral,
  type ScoringLabel,
  type TreeStrategy,
} from "./scoring/compile-scoring.ts";
export { clusterColumns, type ScoringColumns, scoringColumns } from "./scoring/output-columns.ts";
export { type RuntimeScoring, runtimeVerdicts } from "./scoring/runtime-scoring.ts";
export { SPARK_SESSION_SETTINGS } from "./spark-session.ts";
export { compileSplitRouting, type SplitRouting } from "./split-routing.ts";
export { type SqlProblem, SqlRecipeError } from "./sql-recipe/check.ts";
export { SQL_RECIPE_DUCKDB } from "./sql-recipe/compile.ts";
export { convertRecipeToSql } from "./sql-recipe/convert.ts";
export { sparkQueryProblems } from "./sql-recipe/guard-statement.ts";
export { sqlInputsRead } from "./sql-recipe/inputs-read.ts";
export { renameSqlInput, type SqlInputRename } from "./sql-recipe/rename-input.ts";
export type {
  ColumnLineage,
  CompiledRecipe,
  CompiledStep,
  CompileInput,
  Dialect,
  LineageSource,
  StepSchema,
  Translatability,
} from "./types.ts";
export { DIALECTS } from "./types.ts";
export { renderWriteParquet } from "./write-parquet.ts";
