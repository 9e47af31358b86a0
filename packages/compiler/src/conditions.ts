/**
 * Partial-verdict conditions shared by several front-ends and dialect hooks (the text reaches the
 * UI). A leaf module: anything may import it.
 */

/** Measured on Spark 4.0.1: CAST(0.0000001 AS STRING) of a DECIMAL(38,9) is '1.00E-7' with ANSI off. */
export const DECIMAL_TEXT =
  "with ANSI mode off Spark prints decimals below 0.000001 in scientific notation (1.00E-7, 0E-9 for a zero with 9 decimals), DuckDB as plain digits";

/** Measured on Spark 4.0.1: CAST(1e10 AS STRING) is '1.0E10' there, '10000000000.0' on DuckDB. */
export const DOUBLE_TEXT = "doubles are printed differently from Spark (10000000000.0 instead of 1.0E10)";
