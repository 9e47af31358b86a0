const counter = new Intl.NumberFormat("en-US");

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? "—" : counter.format(n);
}

/**
 * The one plural rule of the studio: "1 row", "0 rows", "1,234 rows". `many` for irregular
 * plurals ("activity", "activities").
 */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${counter.format(n)} ${n === 1 ? one : many}`;
}

export function formatRows(n: number | null | undefined): string {
  if (n === null || n === undefined) return "No data yet";
  return plural(n, "row");
}

const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" });

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "—" : dateFormat.format(d);
}

const NUMERIC = new Set(["integer", "bigint", "double", "decimal"]);

export function isNumericType(type: string): boolean {
  return NUMERIC.has(type);
}

export type CellValue = string | number | boolean | null;

/**
 * A double as people read it: at most 15 significant digits, so binary noise goes
 * (3896.9999999999995 -> "3897", 0.1 + 0.2 -> "0.3") while every digit a double holds exactly
 * stays (integers are printed in full).
 */
export function formatDouble(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? "NaN" : n > 0 ? "Infinity" : "-Infinity";
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  return String(Number(n.toPrecision(15)));
}

/**
 * A cell's text for its column's type. Decimals and integers past 2^53 arrive as exact text and
 * are shown as they are; doubles are rounded to what they mean (formatDouble); the rest as is.
 */
export function formatCell(v: CellValue, type: string): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return type === "double" ? formatDouble(v) : String(v);
  return v;
}

/**
 * A value's leading and trailing whitespace, apart from what is between, so the table can make
 * "paris " and "paris" look different (the text itself is unchanged).
 */
export function edgeSpaces(s: string): { lead: string; body: string; trail: string } {
  const lead = /^\s*/.exec(s)?.[0] ?? "";
  if (lead.length === s.length) return { lead: s, body: "", trail: "" };
  const trail = /\s*$/.exec(s)?.[0] ?? "";
  return { lead, body: s.slice(lead.length, s.length - trail.length), trail };
}
