// Encodes Spark results as Thrift column-based row sets (TSparkRowSetType.COLUMN_BASED_SET),
// the one result format the driver accepts that needs neither Arrow nor cloud storage.
import type { SparkColumn, SparkValue } from "@sous/spark-local";
import { bigintToInt64, Int64, T } from "./thrift-types.ts";

/** Spark-side column kinds the emulator reports; each maps to one Thrift TTypeId. */
type ColumnKind =
  | "boolean"
  | "tinyint"
  | "smallint"
  | "int"
  | "bigint"
  | "float"
  | "double"
  | "decimal"
  | "string"
  | "date"
  | "timestamp"
  | "binary"
  | "array"
  | "map"
  | "struct";

type CellValue = null | boolean | number | bigint | string | Buffer;

export type ResultColumn = {
  name: string;
  kind: ColumnKind;
  /** For decimals: Spark's precision and scale, passed on as Thrift type qualifiers. */
  decimal?: { precision: number; scale: number };
  values: CellValue[];
};

export type QueryResult = { columns: ResultColumn[]; rowCount: number };

const SIMPLE_KINDS: Readonly<Record<string, ColumnKind>> = {
  boolean: "boolean",
  tinyint: "tinyint",
  smallint: "smallint",
  int: "int",
  bigint: "bigint",
  float: "float",
  double: "double",
  string: "string",
  date: "date",
  // Databricks' Thrift server reports both as TIMESTAMP_TYPE; NTZ values carry no zone anyway.
  timestamp: "timestamp",
  timestamp_ntz: "timestamp",
  binary: "binary",
};

/** The Thrift column kind of a Spark type string (`decimal(10,2)`, `array<int>`, `varchar(5)`...). */
export function kindOfSparkType(type: string): Pick<ResultColumn, "kind" | "decimal"> {
  const simple = SIMPLE_KINDS[type];
  if (simple) return { kind: simple };
  const decimal = /^decimal\((\d+),(\d+)\)$/.exec(type);
  if (decimal)
    return { kind: "decimal", decimal: { precision: Number(decimal[1]), scale: Number(decimal[2]) } };
  if (type.startsWith("array<")) return { kind: "array" };
  if (type.startsWith("map<")) return { kind: "map" };
  if (type.startsWith("struct<")) return { kind: "struct" };
  // char(n), varchar(n), void, intervals, variant: text, as the Thrift server renders them.
  return { kind: "string" };
}

function toCell(kind: ColumnKind, value: SparkValue): CellValue {
  if (value === null) return null;
  switch (kind) {
    case "boolean":
      return value === true;
    case "tinyint":
    case "smallint":
    case "int":
      return Number(value);
    case "float":
    case "double":
      // The server sends NaN and the infinities as strings; Number() reads them back.
      return Number(value);
    case "bigint":
      // Integers beyond 2^53 come as strings so that no digit is lost.
      return BigInt(value as number | string);
    case "binary":
      return Buffer.from(String(value), "base64");
    case "array":
    case "map":
    case "struct":
      return JSON.stringify(value);
    default:
      return String(value);
  }
}

/** A Spark result (row-major JSON values) as the column-major cells the row sets are made of. */
export function fromSparkResult(columns: readonly SparkColumn[], rows: readonly SparkValue[][]): QueryResult {
  return {
    rowCount: rows.length,
    columns: columns.map((c, i): ResultColumn => {
      const { kind, decimal } = kindOfSparkType(c.type);
      return {
        name: c.name,
        kind,
        ...(decimal ? { decimal } : {}),
        values: rows.map((r) => toCell(kind, r[i] ?? null)),
      };
    }),
  };
}

const TYPE_IDS: Record<ColumnKind, number> = {
  boolean: T.TTypeId.BOOLEAN_TYPE,
  tinyint: T.TTypeId.TINYINT_TYPE,
  smallint: T.TTypeId.SMALLINT_TYPE,
  int: T.TTypeId.INT_TYPE,
  bigint: T.TTypeId.BIGINT_TYPE,
  float: T.TTypeId.FLOAT_TYPE,
  double: T.TTypeId.DOUBLE_TYPE,
  decimal: T.TTypeId.DECIMAL_TYPE,
  string: T.TTypeId.STRING_TYPE,
  date: T.TTypeId.DATE_TYPE,
  timestamp: T.TTypeId.TIMESTAMP_TYPE,
  binary: T.TTypeId.BINARY_TYPE,
  array: T.TTypeId.ARRAY_TYPE,
  map: T.TTypeId.MAP_TYPE,
  struct: T.TTypeId.STRUCT_TYPE,
};

export function toTableSchema(result: QueryResult) {
  return new T.TTableSchema({
    columns: result.columns.map(
      (col, i) =>
        new T.TColumnDesc({
          columnName: col.name,
          position: i + 1, // 1-based: the driver reads columns[position - 1]
          typeDesc: new T.TTypeDesc({
            types: [new T.TTypeEntry({ primitiveEntry: primitiveEntry(col) })],
          }),
        }),
    ),
  });
}

function primitiveEntry(col: ResultColumn) {
  const type = TYPE_IDS[col.kind];
  if (!col.decimal) return new T.TPrimitiveTypeEntry({ type });
  return new T.TPrimitiveTypeEntry({
    type,
    typeQualifiers: new T.TTypeQualifiers({
      qualifiers: {
        precision: new T.TTypeQualifierValue({ i32Value: col.decimal.precision }),
        scale: new T.TTypeQualifierValue({ i32Value: col.decimal.scale }),
      },
    }),
  });
}

/** LSB-first null bitmap: bit (i % 8) of byte floor(i / 8) set means row i is NULL. */
export function nullBitmap(values: readonly unknown[]): Buffer {
  const bitmap = Buffer.alloc(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v === null) bitmap[i >> 3] = (bitmap[i >> 3] ?? 0) | (1 << (i & 7));
  });
  return bitmap;
}

/** One page of rows [offset, offset + count) as a TRowSet. */
export function toRowSet(result: QueryResult, offset: number, count: number) {
  return new T.TRowSet({
    startRowOffset: new Int64(offset),
    rows: [],
    columns: result.columns.map((col) => toColumn(col, col.values.slice(offset, offset + count))),
  });
}

function toColumn(col: ResultColumn, values: ResultColumn["values"]) {
  const nulls = nullBitmap(values);
  // Placeholders stand in for NULL cells; the bitmap is what marks them.
  switch (col.kind) {
    case "boolean":
      return new T.TColumn({ boolVal: new T.TBoolColumn({ values: values.map((v) => v === true), nulls }) });
    case "tinyint":
      return new T.TColumn({ byteVal: new T.TByteColumn({ values: values.map(toNumber), nulls }) });
    case "smallint":
      return new T.TColumn({ i16Val: new T.TI16Column({ values: values.map(toNumber), nulls }) });
    case "int":
      return new T.TColumn({ i32Val: new T.TI32Column({ values: values.map(toNumber), nulls }) });
    case "bigint":
      return new T.TColumn({
        i64Val: new T.TI64Column({
          values: values.map((v) => bigintToInt64(typeof v === "bigint" ? v : BigInt(toNumber(v)))),
          nulls,
        }),
      });
    case "float":
    case "double":
      return new T.TColumn({ doubleVal: new T.TDoubleColumn({ values: values.map(toNumber), nulls }) });
    case "binary":
      return new T.TColumn({
        binaryVal: new T.TBinaryColumn({
          values: values.map((v) => (Buffer.isBuffer(v) ? v : Buffer.alloc(0))),
          nulls,
        }),
      });
    default:
      // DECIMAL, DATE, TIMESTAMP and complex types travel as strings, as on real Databricks.
      return new T.TColumn({
        stringVal: new T.TStringColumn({ values: values.map((v) => (v === null ? "" : String(v))), nulls }),
      });
  }
}

function toNumber(v: unknown): number {
  return v === null ? 0 : Number(v);
}
