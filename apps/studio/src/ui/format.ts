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
