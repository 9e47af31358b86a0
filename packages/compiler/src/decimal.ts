/**
 * Sous' one decimal representation: every decimal Sous computes (casts, arithmetic, sums) is a
 * DECIMAL(38, 9) on both engines (the local engine writes the same type when a column is turned
 * into a decimal). Columns read from files keep their own precision until they are computed with.
 * Spark's result types follow DecimalPrecision with spark.sql.decimalOperations.allowPrecisionLoss
 * (true by default), reproduced by `sparkDecimalResult`, so the DuckDB rendering can round where
 * Spark rounds.
 */
const DECIMAL_PRECISION = 38;
const DECIMAL_SCALE = 9;
/** The SQL type name, the same text for Spark and DuckDB. */
export const DECIMAL_SQL = `DECIMAL(${DECIMAL_PRECISION}, ${DECIMAL_SCALE})`;

export interface DecimalType {
  readonly precision: number;
  readonly scale: number;
}

const MAX = 38;
const MIN_ADJUSTED_SCALE = 6;

/** Spark's DecimalType.adjustPrecisionScale: keep the integral digits, cut the scale down to 6. */
function bounded(precision: number, scale: number): DecimalType {
  if (precision <= MAX) return { precision, scale };
  const intDigits = precision - scale;
  const minScale = Math.min(scale, MIN_ADJUSTED_SCALE);
  return { precision: MAX, scale: Math.max(MAX - intDigits, minScale) };
}

/**
 * The result type Spark gives `a op b` on decimals (Spark 4.0.1, checked: DECIMAL(38,9) + - -> (38,8),
 * * -> (38,6), sum of (18,2) -> (28,2), avg of (18,2) -> (22,6)).
 */
export function sparkDecimalResult(
  op: "+" | "-" | "*" | "/" | "%" | "sum" | "avg",
  a: DecimalType,
  b: DecimalType = a,
): DecimalType {
  const { precision: p1, scale: s1 } = a;
  const { precision: p2, scale: s2 } = b;
  switch (op) {
    case "+":
    case "-": {
      const scale = Math.max(s1, s2);
      return bounded(Math.max(p1 - s1, p2 - s2) + scale + 1, scale);
    }
    case "*":
      return bounded(p1 + p2 + 1, s1 + s2);
    case "/": {
      const scale = Math.max(MIN_ADJUSTED_SCALE, s1 + p2 + 1);
      return bounded(p1 - s1 + s2 + scale, scale);
    }
    case "%":
      return bounded(Math.min(p1 - s1, p2 - s2) + Math.max(s1, s2), Math.max(s1, s2));
    case "sum":
      return { precision: Math.min(MAX, p1 + 10), scale: s1 };
    case "avg":
      return { precision: Math.min(MAX, p1 + 4), scale: Math.min(MAX, s1 + 4) };
  }
}

/** Spark's result type of an operation on two Sous decimals. */
export const SOUS_DECIMAL: DecimalType = { precision: DECIMAL_PRECISION, scale: DECIMAL_SCALE };
export const decimalSql = (t: DecimalType): string => `DECIMAL(${t.precision}, ${t.scale})`;
