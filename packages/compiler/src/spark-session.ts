/**
 * The Spark session settings the compiled SparkSQL relies on. The worker sends them with every
 * remote session (Thrift OpenSession `configuration`) and the conformance suite runs Spark with
 * them, so what was checked is what runs. ANSI mode is deliberately absent: runtimes differ
 * (on from DBR 17 / Spark 4.0, off before) and the emitted SQL must be right under both.
 */
export const SPARK_SESSION_SETTINGS: Readonly<Record<string, string>> = {
  // Datasets carry instants; Sous shows and computes them in UTC on both engines.
  "spark.sql.session.timeZone": "UTC",
  // Spark 3.x defaults to EXCEPTION, 4.0 to CORRECTED: pin the one the date translation targets.
  "spark.sql.legacy.timeParserPolicy": "CORRECTED",
  // Sous writes TIMESTAMP columns as Parquet timestamps without the UTC flag (DuckDB's TIMESTAMP);
  // Spark 3.4+ would infer them as timestamp_ntz, a different type than the one Sous declares.
  "spark.sql.parquet.inferTimestampNTZ.enabled": "false",
};
