import { thrift } from "@databricks/sql";

const { TTypeId } = thrift.TCLIService_types;

// Spark SQL type names as Databricks prints them (DESCRIBE / type_text), keyed by Thrift TTypeId.
const NAMES = new Map<number, string>([
  [TTypeId.BOOLEAN_TYPE, "BOOLEAN"],
  [TTypeId.TINYINT_TYPE, "TINYINT"],
  [TTypeId.SMALLINT_TYPE, "SMALLINT"],
  [TTypeId.INT_TYPE, "INT"],
  [TTypeId.BIGINT_TYPE, "BIGINT"],
  [TTypeId.FLOAT_TYPE, "FLOAT"],
  [TTypeId.DOUBLE_TYPE, "DOUBLE"],
  [TTypeId.STRING_TYPE, "STRING"],
  [TTypeId.TIMESTAMP_TYPE, "TIMESTAMP"],
  [TTypeId.BINARY_TYPE, "BINARY"],
  [TTypeId.ARRAY_TYPE, "ARRAY"],
  [TTypeId.MAP_TYPE, "MAP"],
  [TTypeId.STRUCT_TYPE, "STRUCT"],
  [TTypeId.DECIMAL_TYPE, "DECIMAL"],
  [TTypeId.NULL_TYPE, "VOID"],
  [TTypeId.DATE_TYPE, "DATE"],
  [TTypeId.VARCHAR_TYPE, "VARCHAR"],
  [TTypeId.CHAR_TYPE, "CHAR"],
  [TTypeId.INTERVAL_YEAR_MONTH_TYPE, "INTERVAL YEAR TO MONTH"],
  [TTypeId.INTERVAL_DAY_TIME_TYPE, "INTERVAL DAY TO SECOND"],
]);

type ColumnDescLike = {
  columnName: string;
  typeDesc?: {
    types?: Array<{
      primitiveEntry?: {
        type: number;
        typeQualifiers?: { qualifiers?: Record<string, { i32Value?: number } | undefined> };
      };
    }>;
  };
};

/** `{name, type}` for a Thrift column description, e.g. DECIMAL(10,2) with its qualifiers. */
export function describeColumn(col: ColumnDescLike): { name: string; type: string } {
  const entry = col.typeDesc?.types?.[0]?.primitiveEntry;
  if (!entry) return { name: col.columnName, type: "UNKNOWN" };
  const base = NAMES.get(entry.type) ?? "UNKNOWN";
  const q = entry.typeQualifiers?.qualifiers;
  const precision = q?.precision?.i32Value;
  const scale = q?.scale?.i32Value;
  if (entry.type === TTypeId.DECIMAL_TYPE && precision !== undefined) {
    return { name: col.columnName, type: `DECIMAL(${precision},${scale ?? 0})` };
  }
  return { name: col.columnName, type: base };
}
