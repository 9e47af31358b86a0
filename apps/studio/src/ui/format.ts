const counter = new Intl.NumberFormat("en-US");

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? "—" : counter.format(n);
}

export function formatRows(n: number | null | undefined): string {
  if (n === null || n === undefined) return "No data yet";
  return `${counter.format(n)} ${n === 1 ? "row" : "rows"}`;
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
