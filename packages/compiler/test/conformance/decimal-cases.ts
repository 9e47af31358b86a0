/**
 * Decimal arithmetic against Spark's precision rules (result precision/scale of + - * /, capped
 * at 38 with scale cut to at least 6 when spark.sql.decimalOperations.allowPrecisionLoss is on),
 * on the storage types Sous meets: DECIMAL(10,2), (38,9) and (38,18). Sous' logical type is an
 * unsized `decimal`; the physical type is the Parquet column's.
 */
export const DECIMAL_TYPES = ["DECIMAL(10,2)", "DECIMAL(38,9)", "DECIMAL(38,18)"] as const;
export type DecimalType = (typeof DECIMAL_TYPES)[number];

/** Values per storage type: ordinary, smallest step, and the largest the type holds. */
export const DECIMAL_VALUES: Record<DecimalType, readonly (string | null)[]> = {
  "DECIMAL(10,2)": ["1.50", "-2.25", "0.01", "99999999.99", "-99999999.99", "0.00", null],
  "DECIMAL(38,9)": [
    "1.500000000",
    "0.000000001",
    "12345678901234567890.123456789",
    "99999999999999999999999999999.999999999",
    "-3.333333333",
    null,
  ],
  "DECIMAL(38,18)": [
    "1.500000000000000000",
    "0.000000000000000001",
    "12345678901234567890.123456789012345678",
    "99999999999999999999.999999999999999999",
    "-3.333333333333333333",
    null,
  ],
};

/** Binary formulas over columns m and n (m and n may have different storage types). */
export const DECIMAL_FORMULAS: readonly string[] = [
  "m + n",
  "m - n",
  "m * n",
  "m / n",
  "m % n",
  "m + 1",
  "m * 2",
  "m * 1.5",
  "m / 3",
  "m + x",
  "round(m * n, 2)",
  "m > n",
];

/** Aggregations run by the group recipe over one decimal column. */
export const DECIMAL_AGGREGATES = ["sum", "avg", "min", "max"] as const;
