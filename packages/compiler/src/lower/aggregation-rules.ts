import type { ColumnType, GroupAggregationFn } from "@sous/contracts";
import type { AggFn } from "../ir/expr.ts";

// The aggregations of the group and pivot recipes and of formula aggregates, with Spark's result
// types: one table, read by the formula checker and the lowerers (which is why it imports neither).

const NUMERIC: ReadonlySet<ColumnType> = new Set(["integer", "bigint", "double", "decimal"]);

export interface FnRule {
  ir: AggFn;
  /** Result type following Spark, or a reason the input type is not accepted. */
  type: (input: ColumnType) => ColumnType | { reject: string };
}

const numericOnly =
  (result: (t: ColumnType) => ColumnType) =>
  (t: ColumnType): ColumnType | { reject: string } =>
    NUMERIC.has(t) ? result(t) : { reject: "needs a numeric column" };

/**
 * Spark's result types. Two deliberate choices: avg is always double (Spark gives decimal for a
 * decimal input, whose precision our schema does not carry), and concat sorts the values so both
 * engines produce the same string (Spark's collect_list order is not defined).
 */
export const GROUP_AGG_RULES: Record<GroupAggregationFn, FnRule> = {
  count: { ir: "count", type: () => "bigint" },
  countDistinct: { ir: "count_distinct", type: () => "bigint" },
  sum: {
    ir: "sum",
    type: numericOnly((t) => (t === "integer" || t === "bigint" ? "bigint" : t)),
  },
  avg: { ir: "avg", type: numericOnly(() => "double") },
  min: { ir: "min", type: (t) => t },
  max: { ir: "max", type: (t) => t },
  stddev: { ir: "stddev_samp", type: numericOnly(() => "double") },
  variance: { ir: "var_samp", type: numericOnly(() => "double") },
  first: { ir: "first", type: (t) => t },
  last: { ir: "last", type: (t) => t },
  concat: { ir: "concat_sorted", type: () => "string" },
};
