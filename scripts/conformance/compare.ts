import type { SparkResult } from "@sous/spark-local";
import type { Outcome, Row } from "./types.ts";

const SPARK_TYPES: Record<string, string> = {
  int: "integer",
  integer: "integer",
  bigint: "bigint",
  smallint: "smallint",
  tinyint: "tinyint",
  double: "double",
  float: "float",
  string: "string",
  boolean: "boolean",
  date: "date",
  timestamp: "timestamp",
  timestamp_ntz: "timestamp_ntz",
};

const DUCKDB_TYPES: Record<string, string> = {
  INTEGER: "integer",
  BIGINT: "bigint",
  HUGEINT: "hugeint",
  SMALLINT: "smallint",
  TINYINT: "tinyint",
  DOUBLE: "double",
  FLOAT: "float",
  VARCHAR: "string",
  BOOLEAN: "boolean",
  DATE: "date",
  TIMESTAMP: "timestamp",
  "TIMESTAMP WITH TIME ZONE": "timestamptz",
};

/** An engine's type in Sous' vocabulary; decimals keep their precision, other types their own name. */
export function sousType(engineType: string, engine: "spark" | "duckdb"): string {
  const t = engineType.trim();
  const decimal = /^decimal\s*\((\d+)\s*,\s*(\d+)\)$/i.exec(t);
  if (decimal) return `decimal(${decimal[1]},${decimal[2]})`;
  if (engine === "spark") return SPARK_TYPES[t.toLowerCase()] ?? t.toLowerCase();
  return DUCKDB_TYPES[t.toUpperCase()] ?? t.toLowerCase();
}

const INTEGRAL = new Set(["integer", "bigint", "hugeint", "smallint", "tinyint"]);

/** Canonical value by Sous type: doubles to 12 significant digits, decimals without trailing zeros, ISO timestamps with a space. */
export function canon(v: unknown, type: string): unknown {
  if (v === null || v === undefined) return null;
  if (INTEGRAL.has(type)) return typeof v === "string" && !/^-?\d+$/.test(v) ? v : Number(v);
  if (type === "double" || type === "float") {
    const n = typeof v === "string" ? Number(v) : (v as number);
    if (typeof n !== "number" || Number.isNaN(n)) return typeof v === "string" ? v : "NaN";
    if (!Number.isFinite(n)) return String(n);
    return Object.is(n, -0) ? 0 : Number(n.toPrecision(12));
  }
  if (type.startsWith("decimal")) {
    const s = String(v);
    return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "").replace(/^-0$/, "0") : s;
  }
  if (type.startsWith("timestamp"))
    return String(v)
      .replace("T", " ")
      .replace(/(\.\d*?)0+$/, "$1")
      .replace(/\.$/, "");
  if (typeof v === "object") return JSON.stringify(v);
  return v;
}

const byJson = (a: Row, b: Row) => {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

export function canonRows(
  columns: { name: string; type: string }[],
  rows: unknown[][],
  ordered: boolean,
): Row[] {
  const out = rows.map((r) => Object.fromEntries(columns.map((c, i) => [c.name, canon(r[i], c.type)])));
  return ordered ? out : out.sort(byJson);
}

export function sparkOutcome(r: SparkResult, ordered: boolean): Outcome {
  if (!r.ok) return { error: r.errorClass, message: r.message.split("\n")[0]?.slice(0, 300) ?? "" };
  const columns = r.columns.map((c) => ({ name: c.name, type: sousType(c.type, "spark") }));
  return {
    types: columns.map((c) => c.type),
    names: columns.map((c) => c.name),
    rows: canonRows(columns, r.rows, ordered),
  };
}

/** Doubles compare with a relative tolerance; everything else exactly. */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number")
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  return JSON.stringify(a) === JSON.stringify(b);
}

const show = (row: Row | undefined) => (row === undefined ? "(none)" : JSON.stringify(row).slice(0, 240));

/** Why two outcomes differ (types, row count, or the first differing row), or null when equal. */
export function difference(a: Outcome, b: Outcome): string | null {
  if (a.error || b.error) {
    if (a.error && b.error) return null; // both refuse the recipe
    return a.error
      ? `error ${a.error} (${a.message ?? ""}) vs ${b.rows?.length ?? 0} rows, first ${show(b.rows?.[0])}`
      : `${a.rows?.length ?? 0} rows, first ${show(a.rows?.[0])} vs error ${b.error} (${b.message ?? ""})`;
  }
  const found: string[] = [];
  if (JSON.stringify(a.types) !== JSON.stringify(b.types))
    found.push(`types [${a.types?.join(", ")}] vs [${b.types?.join(", ")}]`);
  const x = a.rows ?? [];
  const y = b.rows ?? [];
  if (x.length !== y.length) found.push(`${x.length} rows vs ${y.length}`);
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const row = x[i];
    const other = y[i];
    const keys = new Set([...Object.keys(row ?? {}), ...Object.keys(other ?? {})]);
    if (!row || !other || [...keys].some((k) => !sameValue(row[k], other[k]))) {
      found.push(`row ${i} ${show(row)} vs ${show(other)}`);
      break;
    }
  }
  return found.length > 0 ? found.join("; ") : null;
}
