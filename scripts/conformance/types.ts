import type { DatasetSchema } from "@sous/contracts";

export type Row = Record<string, unknown>;

/** One recipe input: schema and rows; `physical` overrides a column's stored type (e.g. DECIMAL(38,18)). */
export interface CaseInput {
  name: string;
  schema: DatasetSchema;
  rows: Row[];
  physical?: Record<string, string>;
}

/** Where a case's recorded (hand-written, or Spark-written by -u) expectation lives. */
export type Expectation =
  | { kind: "golden"; file: string }
  | { kind: "prepare"; file: string }
  | { kind: "split"; file: string; output: number }
  | { kind: "formula"; index: number; formula: string; row: Record<string, unknown> | undefined };

/** One compiled recipe run on Spark (ANSI on and off) and on DuckDB. */
export interface ConformanceCase {
  name: string;
  /** The case source (golden, prepare-steps, formula, regex, ...), for the counts per source. */
  source: string;
  spec: unknown;
  context?: Record<string, unknown>;
  inputs: CaseInput[];
  /** Split recipes: the output compared. */
  output?: number;
  ordered: boolean;
  /**
   * true: Spark reads the DuckDB-written Parquet, as on Databricks (golden fixtures);
   * false: the rows are inlined as a VALUES table, ten times cheaper on Spark.
   */
  parquet: boolean;
  /** What the verdict table counts the case under; default: the recipe kind and step types. */
  subjects?: string[];
  /** A formula case's formula step, whose verdict the subjects take. */
  subjectStep?: string;
  recorded?: {
    rows: Row[];
    /** Output columns; `type` (Sous' logical type) when the record states it. */
    columns: { name: string; type?: string }[];
    expectation: Expectation;
    ansiOnError?: string;
  };
}

/** One engine's answer, made comparable: Sous types (decimals with precision) and canonical rows. */
export interface Outcome {
  types?: string[];
  names?: string[];
  rows?: Row[];
  error?: string;
  message?: string;
}
