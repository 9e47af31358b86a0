import type { ColumnType } from "@sous/contracts";
import type { Algorithm, Metric, MlTask } from "./contracts.ts";
import type { DesignFeature, MlDesign } from "./design.ts";
import { suggestHandling } from "./feature-handling/suggest-handling.ts";

// The Lab's first design for a target: the task guessed from the target column, a handling per
// column from its type, and the columns better left out (identifiers, constants, leaks), each
// with the reason shown next to it. Computed from a profile of the dataset (the studio runs the
// counts on DuckDB), so this stays pure.

export interface ColumnProfile {
  name: string;
  type: ColumnType;
  /** Rows profiled, non-NULL values, distinct non-NULL values. */
  rows: number;
  nonNull: number;
  distinct: number;
  /** Pearson correlation with the target (numeric columns, numeric or two-class target); null otherwise. */
  targetCorrelation: number | null;
  /** Mean length of the most frequent values (text columns): long ones are free text. */
  meanTopLength?: number;
}

export interface DesignSuggestion {
  design: MlDesign;
  /** Why each excluded column is excluded, or a date or text column handled so, by column name. */
  reasons: Record<string, string>;
}

const NUMERIC: readonly ColumnType[] = ["integer", "bigint", "double", "decimal"];
/** Above this many levels a categorical column is more an identifier than a feature. */
const MAX_LEVELS_KEPT = 1000;
const LEAK_CORRELATION = 0.98;

export function guessTask(target: ColumnProfile): MlTask {
  if (target.type === "boolean" || target.distinct === 2) return "binary";
  if (NUMERIC.includes(target.type) && target.distinct > 20) return "regression";
  return "multiclass";
}

export const DEFAULT_ALGORITHMS: Record<MlTask, Algorithm[]> = {
  binary: [
    { algorithm: "logistic", C: 1, maxIter: 1000 },
    { algorithm: "randomForest", nTrees: 100, maxDepth: 12, minSamplesLeaf: 2 },
  ],
  multiclass: [
    { algorithm: "logistic", C: 1, maxIter: 1000 },
    { algorithm: "randomForest", nTrees: 100, maxDepth: 12, minSamplesLeaf: 2 },
  ],
  regression: [
    { algorithm: "linear", alpha: 1 },
    { algorithm: "randomForest", nTrees: 100, maxDepth: 12, minSamplesLeaf: 2 },
  ],
};

export const DEFAULT_METRIC: Record<MlTask, Metric> = {
  binary: "auc",
  multiclass: "macroF1",
  regression: "r2",
};

/** Why a column should not be a feature, or null when it should. */
export function exclusionReason(column: ColumnProfile): string | null {
  if (column.nonNull === 0) return "empty: NULL on every row";
  if (column.distinct <= 1) return "constant: one value on every row";
  const integral = column.type === "integer" || column.type === "bigint" || column.type === "string";
  if (integral && column.rows >= 20 && column.distinct === column.nonNull && column.nonNull === column.rows)
    return "an identifier: a different value on every row";
  if (!NUMERIC.includes(column.type) && column.distinct > MAX_LEVELS_KEPT)
    return `${column.distinct.toLocaleString("en-US")} distinct values: too many levels to encode`;
  if (column.targetCorrelation !== null && Math.abs(column.targetCorrelation) >= LEAK_CORRELATION)
    return `leaks the target: correlation ${column.targetCorrelation.toFixed(3)}`;
  return null;
}

export function defaultFeature(column: ColumnProfile, include: boolean): DesignFeature {
  if (NUMERIC.includes(column.type))
    return { name: column.name, type: "numeric", impute: { method: "mean" }, rescale: "standard", include };
  return {
    name: column.name,
    type: "categorical",
    impute: { method: "most_frequent" },
    maxLevels: 20,
    include,
  };
}

export function suggestDesign(
  columns: readonly ColumnProfile[],
  targetName: string,
  task?: MlTask,
): DesignSuggestion {
  const target = columns.find((c) => c.name === targetName);
  if (!target) throw new Error(`no column ${targetName}`);
  const chosen = task ?? guessTask(target);
  const reasons: Record<string, string> = {};
  const features: DesignFeature[] = [];
  for (const column of columns) {
    if (column.name === targetName) continue;
    const special = suggestHandling(column);
    if (special) {
      reasons[column.name] = special.reason;
      features.push(special.feature);
      continue;
    }
    const reason = exclusionReason(column);
    if (reason) reasons[column.name] = reason;
    features.push(defaultFeature(column, reason === null));
  }
  return {
    design: {
      task: chosen,
      target: targetName,
      features,
      validation: { kind: "random_split", testRatio: 0.2, seed: 1337 },
      algorithms: DEFAULT_ALGORITHMS[chosen],
      metric: DEFAULT_METRIC[chosen],
      engine: { kind: "local" },
      search: { kind: "grid" },
      classWeights: "none",
    },
    reasons,
  };
}
