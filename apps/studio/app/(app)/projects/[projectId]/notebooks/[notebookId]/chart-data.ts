// The data of a notebook result's quick chart (issue #17): which columns a chart starts with, and
// the rows the grid holds shaped as bars (summed by category), line or scatter points (numeric or
// date x), or histogram bins; with the nice ticks of their axes. Pure and free of the studio's
// `@/` alias, so its unit tests run under plain vitest; cell-chart.tsx draws it.

export type ChartKind = "bar" | "line" | "scatter" | "histogram";
export const CHART_KINDS: readonly ChartKind[] = ["bar", "line", "scatter", "histogram"];

export type ChartValue = string | number | boolean | null;
/** A result column: its Sous type (integer, date...) or, for a type Sous has not, DuckDB's in lower case. */
export interface ChartColumn {
  name: string;
  type: string;
}
/** How a column reads on an axis. */
export type Axis = "number" | "date" | "text";

// Sous's numeric types, and DuckDB's that Sous has not (a SUM of integers is a HUGEINT).
const NUMBER_TYPES = new Set([
  "integer",
  "bigint",
  "double",
  "decimal",
  "float",
  "real",
  "smallint",
  "tinyint",
  "hugeint",
  "uhugeint",
  "ubigint",
  "uinteger",
  "usmallint",
  "utinyint",
]);

export function axisOf(type: string): Axis {
  const t = type.toLowerCase();
  if (NUMBER_TYPES.has(t) || t.startsWith("decimal")) return "number";
  if (t === "date" || t.startsWith("timestamp")) return "date";
  return "text";
}

/**
 * A value as a number on its axis: numbers (exact decimals and big integers arrive as text), or
 * dates and timestamps as milliseconds since 1970 (a timestamp without a zone is UTC, as the
 * engines run in UTC); null for a NULL or what does not read as one.
 */
export function numberOf(v: ChartValue, axis: Axis): number | null {
  if (v === null || typeof v === "boolean") return null;
  if (axis === "date") {
    if (typeof v === "number") return Number.isFinite(v) ? v : null;
    const iso = /^\d{4}-\d{2}-\d{2}$/.test(v)
      ? `${v}T00:00:00Z`
      : /[zZ]|[+-]\d{2}(:?\d{2})?$/.test(v)
        ? v.replace(" ", "T")
        : `${v.replace(" ", "T")}Z`;
    const ms = Date.parse(iso);
    return Number.isFinite(ms) ? ms : null;
  }
  if (axis !== "number") return null;
  const n = typeof v === "number" ? v : v.trim() === "" ? Number.NaN : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** What a chart of `kind` draws: x and y for bar, line and scatter (null y = count of rows for bars, null x = row number for points); one column for a histogram. */
export interface ChartChoice {
  kind: ChartKind;
  x: number | null;
  y: number | null;
}

/** The columns each role may take for `kind`: bars by any column, points by numbers or dates, a histogram of numbers. */
export function choicesFor(kind: ChartKind, columns: readonly ChartColumn[]): { x: number[]; y: number[] } {
  const all = columns.map((_, i) => i);
  const numeric = all.filter((i) => axisOf(columns[i]!.type) === "number");
  const ordered = all.filter((i) => axisOf(columns[i]!.type) !== "text");
  if (kind === "bar") return { x: all, y: numeric };
  if (kind === "histogram") return { x: numeric, y: [] };
  return { x: ordered, y: numeric };
}

/**
 * The columns a chart of `kind` starts with: for bars, the first text column by the first number
 * (a date or any other column when there is no text one; the row count when there is no number);
 * for a line, the first date (else number) by the next number; for a scatter, the first two
 * numbers (a date first when there is only one); for a histogram, the first number.
 */
export function defaultChoice(kind: ChartKind, columns: readonly ChartColumn[]): ChartChoice {
  const axes = columns.map((c) => axisOf(c.type));
  const first = (want: Axis, not: number | null = null) => {
    const i = axes.findIndex((a, k) => a === want && k !== not);
    return i < 0 ? null : i;
  };
  if (kind === "histogram") return { kind, x: first("number"), y: null };
  if (kind === "bar") {
    const y = first("number");
    const x =
      first("text") ?? first("date") ?? (columns.length > 1 ? columns.findIndex((_, i) => i !== y) : null);
    return { kind, x: x === null || x < 0 ? null : x, y };
  }
  if (kind === "line") {
    const x = first("date") ?? first("number");
    return { kind, x, y: first("number", x) ?? (x !== null && axes[x] === "number" ? x : null) };
  }
  const n1 = first("number");
  const n2 = first("number", n1);
  if (n1 !== null && n2 !== null) return { kind, x: n1, y: n2 };
  return { kind, x: first("date"), y: n1 };
}

/** Whether `kind` can chart these columns at all (a histogram and points need a number). */
export function canChart(kind: ChartKind, columns: readonly ChartColumn[]): boolean {
  const c = defaultChoice(kind, columns);
  if (kind === "histogram") return c.x !== null;
  if (kind === "bar") return c.x !== null || c.y !== null;
  return c.y !== null;
}

// ---- bars ----------------------------------------------------------------------------------------

export const MAX_BARS = 30;

export interface BarData {
  bars: { label: string; value: number }[];
  /** Distinct categories in the rows; more than MAX_BARS keeps the largest. */
  categories: number;
  /** Rows left out: a value that is not a number (NULL). */
  skipped: number;
}

/**
 * One bar per distinct value of x (NULL is its own "null" bar), sized by the sum of y over its
 * rows, or their count when y is null; in the order the rows first give them (the query's ORDER
 * BY), except that more than MAX_BARS categories keep the MAX_BARS largest, largest first.
 */
export function barData(
  columns: readonly ChartColumn[],
  rows: readonly (readonly ChartValue[])[],
  x: number | null,
  y: number | null,
): BarData {
  const sums = new Map<string, number>();
  let skipped = 0;
  rows.forEach((r, i) => {
    const label = x === null ? String(i + 1) : r[x] === null || r[x] === undefined ? "null" : String(r[x]);
    let add = 1;
    if (y !== null) {
      const v = numberOf(r[y] ?? null, axisOf(columns[y]!.type));
      if (v === null) {
        skipped++;
        return;
      }
      add = v;
    }
    sums.set(label, (sums.get(label) ?? 0) + add);
  });
  let bars = [...sums].map(([label, value]) => ({ label, value }));
  const categories = bars.length;
  if (bars.length > MAX_BARS)
    bars = bars.sort((a, b) => Math.abs(b.value) - Math.abs(a.value)).slice(0, MAX_BARS);
  return { bars, categories, skipped };
}

// ---- line and scatter points ---------------------------------------------------------------------

export interface PointData {
  points: { x: number; y: number }[];
  /** How x reads: numbers, dates (milliseconds), or the row number when no column is chosen. */
  xAxis: "number" | "date" | "row";
  /** Rows left out: x or y NULL or not a number. */
  skipped: number;
}

/** A point per row whose x and y read as numbers (dates as milliseconds); a line's sorted by x. */
export function pointData(
  kind: "line" | "scatter",
  columns: readonly ChartColumn[],
  rows: readonly (readonly ChartValue[])[],
  x: number | null,
  y: number | null,
): PointData {
  const xAxis = x === null ? "row" : axisOf(columns[x]!.type) === "date" ? "date" : "number";
  const points: { x: number; y: number }[] = [];
  let skipped = 0;
  rows.forEach((r, i) => {
    const px = x === null ? i + 1 : numberOf(r[x] ?? null, xAxis === "date" ? "date" : "number");
    const py = y === null ? null : numberOf(r[y] ?? null, axisOf(columns[y]!.type));
    if (px === null || py === null) skipped++;
    else points.push({ x: px, y: py });
  });
  // A stable sort: points of one x keep the rows' order.
  if (kind === "line") points.sort((a, b) => a.x - b.x);
  return { points, xAxis, skipped };
}

// ---- histogram -----------------------------------------------------------------------------------

export const MAX_BINS = 50;

export interface HistogramData {
  /** Consecutive bins, [from, to) each, the last one [from, to]. */
  bins: { from: number; to: number; count: number }[];
  /** Rows whose value is NULL (or not a number): not in any bin. */
  nulls: number;
}

/**
 * The numbers of column `x` in bins of a nice width (1, 2 or 5 times a power of ten; whole for a
 * column of whole numbers), about Sturges' count of them (log2(n) + 1: 15 for 10,000 rows), at
 * most MAX_BINS. A single distinct value is one bin around it.
 */
export function histogramData(
  columns: readonly ChartColumn[],
  rows: readonly (readonly ChartValue[])[],
  x: number,
): HistogramData {
  const axis = axisOf(columns[x]!.type);
  const values: number[] = [];
  let nulls = 0;
  for (const r of rows) {
    const v = numberOf(r[x] ?? null, axis);
    if (v === null) nulls++;
    else values.push(v);
  }
  if (values.length === 0) return { bins: [], nulls };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const whole = values.every(Number.isInteger);
  if (min === max) {
    const half = whole ? 0.5 : Math.abs(min) / 10 || 0.5;
    return { bins: [{ from: min - half, to: max + half, count: values.length }], nulls };
  }
  const target = Math.min(MAX_BINS, Math.ceil(Math.log2(values.length) + 1));
  let step = niceStep((max - min) / target);
  if (whole) step = Math.max(1, Math.round(step));
  // Too many bins after rounding up to a nice width is not possible; too many after aligning the
  // first edge on the step is, by one: widen the step then.
  // Bins of one whole number each hold that number; wider ones close the last bin on the max.
  const binsFrom = (from: number, width: number) =>
    whole && width === 1 ? Math.floor(max - from) + 1 : Math.max(1, Math.ceil((max - from) / width));
  let start = Math.floor(min / step) * step;
  // Aligning the first edge on the step can make one bin more than MAX_BINS: widen the step then.
  while (binsFrom(start, step) > MAX_BINS) {
    step = niceStep(step * 1.5);
    start = Math.floor(min / step) * step;
  }
  const n = binsFrom(start, step);
  const counts = new Array<number>(n).fill(0);
  for (const v of values) counts[Math.min(n - 1, Math.floor((v - start) / step))]!++;
  const bins = counts.map((count, i) => ({ from: start + i * step, to: start + (i + 1) * step, count }));
  return { bins, nulls };
}

// ---- axes ----------------------------------------------------------------------------------------

/** 1, 2 or 5 times a power of ten: the nice step nearest above `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

/**
 * About `count` round ticks covering [min, max] (the domain widened to them): the axis of a
 * chart. An empty range is widened around its value (0 for a range of zeros).
 */
export function niceTicks(
  min: number,
  max: number,
  count = 5,
): { min: number; max: number; ticks: number[] } {
  let lo = min;
  let hi = max;
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) / 2;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep((hi - lo) / Math.max(1, count));
  const first = Math.floor(lo / step) * step;
  const last = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  // Rounded to the step's digits, so 0.1 + 0.2 is written 0.3.
  const digits = Math.min(20, Math.max(0, -Math.floor(Math.log10(step))));
  // By index, and a few dozen at most: a step below the values' precision cannot loop forever.
  for (let i = 0; i <= 50 && first + i * step <= last + step / 2; i++)
    ticks.push(Number((first + i * step).toFixed(digits)));
  if (ticks.length < 2) return { min: lo, max: hi, ticks: [lo, hi] };
  return { min: ticks[0]!, max: ticks.at(-1)!, ticks };
}

const DAY_MS = 86_400_000;

/**
 * Ticks of a date axis (milliseconds): whole days at UTC midnight over two days or more, so a
 * label never repeats a day; round times within shorter ranges. `days` says which labels fit.
 */
export function dateTicks(
  min: number,
  max: number,
  count = 5,
): { min: number; max: number; ticks: number[]; days: boolean } {
  if (max - min < 2 * DAY_MS) return { ...niceTicks(min, max, count), days: false };
  const step = niceStep((max - min) / DAY_MS / count) * DAY_MS;
  const first = Math.floor(min / step) * step;
  const last = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let i = 0; first + i * step <= last; i++) ticks.push(first + i * step);
  return { min: first, max: last, ticks, days: true };
}
