import type { ColumnType } from "@sous/contracts";
import { ownRuntimeReason, type PortableFeature } from "@sous/ml";
import { CompileError } from "../errors.ts";
import type { ScoringDialect } from "./dialect.ts";

// SQL for the feature handlings beyond numeric and one-hot (ordinal codes, target means, date
// parts; @sous/ml feature-handling/schemas.ts has their semantics). Each is plain arithmetic and
// CASE, written so both engines compute what scikit-learn computes from the same fitted values:
// a level's value is a literal, a date part comes from the instant in milliseconds with integer
// and float64 operations that do not depend on the session's time zone.

type Extra = Exclude<PortableFeature, { type: "numeric" | "categorical" }>;

export interface FeatureSqlArgs {
  feature: Extra;
  /** The quoted input column, its type, and when it is missing. */
  x: string;
  type: ColumnType;
  missing: string;
  d: ScoringDialect;
  /** An internal column name for the k-th output of the feature. */
  alias(k: number): string;
  doubleLiteral(v: number): string;
  /** When a cell is the level the trainer spells `level`; null when no cell of the type can be. */
  levelTest(x: string, type: ColumnType, level: string, d: ScoringDialect): string | null;
}

const CATEGORY_TYPES: ReadonlySet<ColumnType> = new Set([
  "string",
  "boolean",
  "integer",
  "bigint",
  "double",
  "decimal",
]);

/**
 * The feature's `expr AS alias` columns (one per input column of the model, in order), or an
 * error for a feature that cannot be scored in SQL.
 */
export function extraFeatureSql(a: FeatureSqlArgs): { column: string; ref: string }[] {
  const f = a.feature;
  const wrong = (expected: string): never => {
    throw new CompileError(
      "invalid_column_type",
      `The model's feature ${f.name} (${f.type}) expects ${expected}; the column is ${a.type}.`,
      ["columns", f.name],
    );
  };
  if (f.type === "text")
    throw new CompileError("invalid_spec", `The model cannot be scored in SQL: ${ownRuntimeReason([f])}.`, [
      "model",
    ]);
  if (f.type === "ordinal" || f.type === "target") {
    if (!CATEGORY_TYPES.has(a.type)) wrong("text, a number or a boolean");
    const value = (k: number) => (f.type === "ordinal" ? k : f.values[k]!);
    const imputed = f.levels.indexOf(f.impute);
    const whens: string[] = [];
    const seen = new Set<string>();
    f.levels.forEach((level, k) => {
      if (seen.has(level)) return; // the first, as the trainers' lookup finds it
      seen.add(level);
      const test = a.levelTest(a.x, a.type, level, a.d);
      if (test !== null) whens.push(`WHEN ${test} THEN ${a.doubleLiteral(value(k))}`);
    });
    const missing = a.doubleLiteral(imputed === -1 ? f.unseen : value(imputed));
    const expr = `CASE WHEN ${a.missing} THEN ${missing} ${whens.join(" ")} ELSE ${a.doubleLiteral(f.unseen)} END`;
    return [{ column: `${expr} AS ${a.alias(0)}`, ref: a.alias(0) }];
  }
  if (a.type !== "date" && a.type !== "timestamp") return wrong("a date or a timestamp");
  const ms = a.d.epochMillis(a.x, a.type);
  const days = `floor(CAST(${ms} AS DOUBLE) / 8.64e7)`;
  const day = a.d.dateFromEpochDays(days);
  const part = (p: string): string => {
    switch (p) {
      case "year":
        return `CAST(year(${day}) AS DOUBLE)`;
      case "month":
        return `CAST(month(${day}) AS DOUBLE)`;
      case "dayOfWeek":
        // 1970-01-01 was a Thursday (3 with Monday 0); % keeps the dividend's sign on both engines.
        return `CAST(((CAST(${days} AS BIGINT) % 7) + 10) % 7 AS DOUBLE)`;
      case "hour":
        return `floor((CAST(${ms} AS DOUBLE) - ${days} * 8.64e7) / 3.6e6)`;
      default:
        return days;
    }
  };
  return f.parts.map((p, k) => {
    const imputed = `CASE WHEN ${a.missing} THEN ${a.doubleLiteral(p.impute)} ELSE ${part(p.part)} END`;
    const r = p.rescale;
    const scaled =
      r.kind === "standard"
        ? `(${imputed} - ${a.doubleLiteral(r.mean)}) / ${a.doubleLiteral(r.scale)}`
        : imputed;
    return { column: `${scaled} AS ${a.alias(k)}`, ref: a.alias(k) };
  });
}
