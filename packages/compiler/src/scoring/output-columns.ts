import type { ColumnType, DatasetSchema } from "@sous/contracts";
import { CompileError } from "../errors.ts";

export type ScoringLabel = string | number | boolean;

/** A class as the output names it (and as text labels compare): booleans lower-case, as SQL. */
export const labelText = (l: ScoringLabel): string =>
  typeof l === "boolean" ? (l ? "true" : "false") : String(l);

/** The prediction's type: the classes' common type (mixed classes as text), double for regression. */
export function predictionType(classes: readonly ScoringLabel[] | null): ColumnType {
  if (!classes) return "double";
  if (classes.every((c) => typeof c === "boolean")) return "boolean";
  if (classes.every((c) => typeof c === "number"))
    return classes.every((c) => Number.isSafeInteger(c)) ? "bigint" : "double";
  return "string";
}

export interface ScoringColumns {
  /** The input's columns, then the prediction, then the probabilities. */
  outputSchema: DatasetSchema;
  predictionColumn: string;
  /** Per class, in the model's class order; empty for regression. */
  probabilityColumns: { label: ScoringLabel; column: string }[];
}

/**
 * The columns a scoring adds to its input, however it scores (SQL from the portable form, or the
 * model's own runtime): one place names them, so both paths write the same schema.
 */
export function scoringColumns(args: {
  schema: DatasetSchema;
  /** null for regression. */
  classes: readonly ScoringLabel[] | null;
  predictionColumn?: string;
  probabilityPrefix?: string;
}): ScoringColumns {
  const taken = args.schema.map((c) => c.name.toLowerCase());
  // Output names: never an input column's (engines compare names ignoring case), nor each other's.
  const used = new Set(taken);
  const claim = (name: string, what: string): string => {
    if (used.has(name.toLowerCase()))
      throw new CompileError(
        "duplicate_output_name",
        `The scoring output ${what} "${name}" is already a column of the input: choose another name.`,
        [what === "prediction" ? "predictionColumn" : "probabilityPrefix"],
      );
    used.add(name.toLowerCase());
    return name;
  };
  const predictionColumn = claim(args.predictionColumn ?? "prediction", "prediction");
  const prefixText = args.probabilityPrefix ?? "proba_";
  // Readable and safe in any engine or file format: letters, digits and _ only; two classes
  // that read the same (`a b`, `a_b`) get _2, _3...
  const seen = new Set<string>();
  const probabilityColumns = (args.classes ?? []).map((label) => {
    const base = `${prefixText}${labelText(label).replace(/[^\p{L}\p{N}_]/gu, "_")}`.slice(0, 200);
    let name = base;
    for (let n = 2; seen.has(name.toLowerCase()); n++) name = `${base}_${n}`;
    seen.add(name.toLowerCase());
    return { label, column: claim(name, "probability") };
  });
  return {
    outputSchema: [
      ...args.schema.map(({ name, type }) => ({ name, type })),
      { name: predictionColumn, type: predictionType(args.classes) },
      ...probabilityColumns.map((p) => ({ name: p.column, type: "double" as const })),
    ],
    predictionColumn,
    probabilityColumns,
  };
}

/**
 * A clustering's output: the input's columns, then the row's cluster (an integer, default
 * `cluster`), as compileClustersSql writes it; the runtime path (a Gaussian mixture) writes the same.
 */
export function clusterColumns(args: { schema: DatasetSchema; clusterColumn?: string }): ScoringColumns {
  const clusterColumn = args.clusterColumn ?? "cluster";
  if (args.schema.some((c) => c.name.toLowerCase() === clusterColumn.toLowerCase()))
    throw new CompileError(
      "duplicate_output_name",
      `The scoring output "${clusterColumn}" is already a column of the input: choose another name.`,
      ["predictionColumn"],
    );
  return {
    outputSchema: [
      ...args.schema.map(({ name, type }) => ({ name, type })),
      { name: clusterColumn, type: "integer" },
    ],
    predictionColumn: clusterColumn,
    probabilityColumns: [],
  };
}
