/**
 * Scalar functions the formula language adds to the IR's `call` node. Their semantics are
 * Spark's, the same under both ANSI settings (no error where a NULL is meant: try_* functions); `null` standard renderings have no portable SQL and each dialect
 * renders them (`spark.ts`, `duckdb.ts` here, spread into the dialect hooks).
 * Unit and pattern arguments are string literals chosen by the formula checker from a fixed
 * list, so hooks may branch on them.
 */
export type FormulaScalarFn =
  /** a + b, a - b, a * b with operands already cast to the result type; NULL on integer or decimal overflow. */
  | "add"
  | "subtract"
  | "multiply"
  /** Double division; x / 0 is NULL (a NULLIF guard, so also with ANSI on). */
  | "divide"
  /** Remainder with the dividend's sign; x % 0 is NULL. */
  | "remainder"
  | "negate"
  /** NULL when any argument is NULL. */
  | "concat"
  /** Number of characters, as INT. */
  | "char_length"
  /** Spark's 1-based substring(s, pos[, len]): pos 0 acts as 1, negative counts from the end. */
  | "substring"
  | "trim"
  | "ltrim"
  | "rtrim"
  /** Replaces every occurrence of a literal text. */
  | "replace"
  /** regexp_extract(s, javaRegex, group): '' when there is no match. */
  | "regexp_extract"
  /** regexp_replace(s, javaRegex, javaReplacement, re2Replacement): every match. */
  | "regexp_replace"
  /** split_part(s, delimiter, n): 1-based, negative from the end, '' when out of range. */
  | "split_part"
  | "lpad"
  | "rpad"
  | "repeat"
  | "reverse"
  /** 1-based position of a substring, 0 when absent (Spark's instr), as INT. */
  | "instr"
  | "left"
  | "right"
  /** Spark's initcap: lower-cases, then upper-cases the first letter after each space. */
  | "initcap"
  | "md5"
  | "nullif"
  | "abs"
  /** round(x, digits) HALF_UP, as Spark (also on doubles, via their shortest decimal text). */
  | "round"
  /** floor/ceil: BIGINT for integers and doubles, decimal for decimals (Spark). */
  | "floor"
  | "ceil"
  | "pow"
  /** sqrt of a negative number is NaN. */
  | "sqrt"
  /** ln/log10 of zero or a negative number is NULL. */
  | "ln"
  | "log10"
  | "exp"
  /** NULL arguments are skipped. */
  | "least"
  | "greatest"
  /** -1.0, 0.0 or 1.0 as DOUBLE (Spark's signum). */
  | "sign"
  | "current_timestamp"
  | "current_date"
  /** date_part(unit, d) as INT; dayofweek is 1 = Sunday ... 7 = Saturday. */
  | "date_part"
  /** Days from start to end: date_diff_days(end, start), as INT. */
  | "date_diff_days"
  /** date_add(unit, d, n): unit day/month give a DATE, hour/minute/second a TIMESTAMP. */
  | "date_add"
  /** parse_date(s, javaPattern, strftimePattern, strictRegex): NULL when the text does not parse. */
  | "parse_date"
  /** format_date(d, javaPattern, strftimePattern). */
  | "format_date"
  /** date_trunc(unit, d): a DATE for a date input, a TIMESTAMP for a timestamp. */
  | "date_trunc"
  /** Spark's try_cast of a string to the call's type: NULL when the text is invalid ('1.9' as an integer too). */
  | "from_string"
  /** CAST(x AS STRING). */
  | "to_string"
  /**
   * A double or bigint as the call's integral type with Spark's try_cast: doubles truncate,
   * NaN and values beyond the range are NULL.
   */
  | "to_integral";
