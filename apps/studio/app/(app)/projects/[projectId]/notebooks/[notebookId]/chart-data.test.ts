import { describe, expect, it } from "vitest";
import {
  axisOf,
  barData,
  canChart,
  dateTicks,
  defaultChoice,
  histogramData,
  MAX_BARS,
  MAX_BINS,
  niceTicks,
  numberOf,
  pointData,
} from "./chart-data.ts";

const col = (name: string, type: string) => ({ name, type });

describe("numberOf", () => {
  it("reads exact decimals and big integers sent as text, and no NULL, boolean or junk", () => {
    expect(numberOf("12345678901234.25", "number")).toBe(12345678901234.25);
    expect(numberOf(-3, "number")).toBe(-3);
    for (const v of [null, true, "", "abc"]) expect(numberOf(v, "number")).toBeNull();
  });

  it("reads dates and zone-less timestamps as UTC, and zoned ones at their zone", () => {
    expect(numberOf("2024-03-01", "date")).toBe(Date.UTC(2024, 2, 1));
    expect(numberOf("2024-03-01 12:30:00", "date")).toBe(Date.UTC(2024, 2, 1, 12, 30));
    expect(numberOf("2024-03-01T12:30:00+02:00", "date")).toBe(Date.UTC(2024, 2, 1, 10, 30));
    expect(numberOf("not a date", "date")).toBeNull();
  });
});

describe("axisOf", () => {
  it("reads Sous's types and DuckDB's own numeric ones (a SUM of integers is a HUGEINT)", () => {
    expect(["integer", "bigint", "double", "decimal", "hugeint", "ubigint"].map(axisOf)).toEqual(
      Array(6).fill("number"),
    );
    expect(["date", "timestamp", "timestamp with time zone"].map(axisOf)).toEqual(Array(3).fill("date"));
    expect(["string", "boolean", "list"].map(axisOf)).toEqual(Array(3).fill("text"));
  });
});

describe("defaultChoice", () => {
  const regionTotals = [col("region", "string"), col("orders", "bigint"), col("total", "decimal")];

  it("starts a bar chart at the first text column by the first number", () => {
    expect(defaultChoice("bar", regionTotals)).toEqual({ kind: "bar", x: 0, y: 1 });
    // No text column: a date names the bars; no number: the bars count rows.
    expect(defaultChoice("bar", [col("n", "integer"), col("day", "date")])).toEqual({
      kind: "bar",
      x: 1,
      y: 0,
    });
    expect(defaultChoice("bar", [col("a", "string"), col("b", "string")])).toEqual({
      kind: "bar",
      x: 0,
      y: null,
    });
  });

  it("starts a line at the first date (else number) by the next number, a scatter at two numbers", () => {
    const daily = [col("region", "string"), col("n", "integer"), col("day", "date"), col("v", "double")];
    expect(defaultChoice("line", daily)).toEqual({ kind: "line", x: 2, y: 1 });
    expect(defaultChoice("line", regionTotals)).toEqual({ kind: "line", x: 1, y: 2 });
    expect(defaultChoice("scatter", daily)).toEqual({ kind: "scatter", x: 1, y: 3 });
    expect(defaultChoice("scatter", [col("day", "timestamp"), col("v", "double")])).toEqual({
      kind: "scatter",
      x: 0,
      y: 1,
    });
  });

  it("starts a histogram at the first number, and says what cannot be charted", () => {
    expect(defaultChoice("histogram", regionTotals)).toEqual({ kind: "histogram", x: 1, y: null });
    const text = [col("a", "string"), col("d", "date")];
    expect(canChart("histogram", text)).toBe(false);
    expect(canChart("line", text)).toBe(false);
    expect(canChart("bar", text)).toBe(true);
    expect(canChart("scatter", regionTotals)).toBe(true);
  });
});

describe("barData", () => {
  const cols = [col("region", "string"), col("amount", "decimal")];

  it("sums y by category in the order the rows give them, NULL being a category of its own", () => {
    const rows = [
      ["west", "1.5"],
      ["east", 2],
      ["west", "3"],
      [null, 4],
      ["east", null],
    ];
    expect(barData(cols, rows, 0, 1)).toEqual({
      bars: [
        { label: "west", value: 4.5 },
        { label: "east", value: 2 },
        { label: "null", value: 4 },
      ],
      categories: 3,
      skipped: 1,
    });
    // Without y, the rows are counted.
    expect(barData(cols, rows, 0, null).bars.map((b) => b.value)).toEqual([2, 2, 1]);
  });

  it("keeps the largest categories, largest first, when there are too many to draw", () => {
    const rows = Array.from({ length: 100 }, (_, i) => [`c${i}`, (i * 37) % 100]);
    const r = barData(cols, rows, 0, 1);
    expect(r.categories).toBe(100);
    expect(r.bars).toHaveLength(MAX_BARS);
    const expected = rows
      .map(([label, value]) => ({ label: String(label), value: Number(value) }))
      .sort((a, b) => b.value - a.value)
      .slice(0, MAX_BARS);
    expect(r.bars).toEqual(expected);
  });
});

describe("pointData", () => {
  const cols = [col("day", "date"), col("v", "double"), col("w", "integer")];
  const rows = [
    ["2024-01-03", 3, 30],
    ["2024-01-01", 1, null],
    [null, 9, 90],
    ["2024-01-02", 2, 20],
  ];

  it("sorts a line's points by x (dates as time) and drops rows with a NULL", () => {
    const r = pointData("line", cols, rows, 0, 1);
    expect(r.xAxis).toBe("date");
    expect(r.points).toEqual([
      { x: Date.UTC(2024, 0, 1), y: 1 },
      { x: Date.UTC(2024, 0, 2), y: 2 },
      { x: Date.UTC(2024, 0, 3), y: 3 },
    ]);
    expect(r.skipped).toBe(1);
  });

  it("keeps a scatter's points in row order, numbers by numbers, and numbers rows without x", () => {
    const r = pointData("scatter", cols, rows, 1, 2);
    expect(r.points).toEqual([
      { x: 3, y: 30 },
      { x: 9, y: 90 },
      { x: 2, y: 20 },
    ]);
    expect(r.skipped).toBe(1);
    expect(pointData("line", cols, rows, null, 1).points.map((p) => p.x)).toEqual([1, 2, 3, 4]);
  });
});

describe("histogramData", () => {
  const cols = [col("x", "double"), col("n", "integer")];

  it("bins every value once, in about log2(n) + 1 bins of a nice width, NULLs apart", () => {
    const values = Array.from({ length: 10_000 }, (_, i) => ((i * 7919) % 10_007) / 3.7);
    const rows = [...values.map((v) => [v, 0]), [null, 0], ["x", 0]];
    const h = histogramData(cols, rows, 0);
    expect(h.nulls).toBe(2);
    expect(h.bins.length).toBeGreaterThanOrEqual(5);
    expect(h.bins.length).toBeLessThanOrEqual(Math.ceil(Math.log2(10_000) + 1) + 1);
    const width = h.bins[0]!.to - h.bins[0]!.from;
    // A nice width: 1, 2 or 5 times a power of ten.
    const f = width / 10 ** Math.floor(Math.log10(width));
    expect([1, 2, 5].some((n) => Math.abs(f - n) < 1e-9)).toBe(true);
    h.bins.forEach((b, i) => {
      const last = i === h.bins.length - 1;
      const inBin = values.filter((v) => v >= b.from && (last ? v <= b.to : v < b.to)).length;
      expect(b.count).toBe(inBin);
    });
    expect(h.bins.reduce((n, b) => n + b.count, 0)).toBe(10_000);
    expect(h.bins[0]!.from).toBeLessThanOrEqual(Math.min(...values));
    expect(h.bins.at(-1)!.to).toBeGreaterThanOrEqual(Math.max(...values));
  });

  it("gives whole numbers a bin each when they are few, the max included", () => {
    const rolls = Array.from({ length: 600 }, (_, i) => [0, (i % 6) + 1]);
    const h = histogramData(cols, rolls, 1);
    expect(h.bins.map((b) => [b.from, b.count])).toEqual([
      [1, 100],
      [2, 100],
      [3, 100],
      [4, 100],
      [5, 100],
      [6, 100],
    ]);
  });

  it("closes the last bin on a max that falls on an edge", () => {
    const h = histogramData(cols, [[0], [2.5], [10]], 0);
    expect(h.bins.at(-1)!.to).toBe(10);
    expect(h.bins.at(-1)!.count).toBe(1);
    expect(h.bins.reduce((n, b) => n + b.count, 0)).toBe(3);
  });

  it("gives a constant column or a single value one bin around it, and no bin to NULLs alone", () => {
    const constant = histogramData(
      cols,
      Array.from({ length: 50 }, () => [7.25]),
      0,
    );
    expect(constant.bins).toHaveLength(1);
    expect(constant.bins[0]!.count).toBe(50);
    expect(constant.bins[0]!.from).toBeLessThan(7.25);
    expect(constant.bins[0]!.to).toBeGreaterThan(7.25);
    expect(histogramData(cols, [[0, 42]], 1).bins).toEqual([{ from: 41.5, to: 42.5, count: 1 }]);
    expect(histogramData(cols, [[null], [null]], 0)).toEqual({ bins: [], nulls: 2 });
  });

  it("never makes more than MAX_BINS bins, even for a wide range of whole numbers", () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => [0, i * 13 - 500_000]);
    expect(histogramData(cols, rows, 1).bins.length).toBeLessThanOrEqual(MAX_BINS);
  });
});

describe("niceTicks", () => {
  it("covers the range with round ticks, without float noise", () => {
    expect(niceTicks(0, 97)).toEqual({ min: 0, max: 100, ticks: [0, 20, 40, 60, 80, 100] });
    expect(niceTicks(0.1, 0.32).ticks).toEqual([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
    expect(niceTicks(-42, 17).ticks).toEqual([-60, -40, -20, 0, 20]);
  });

  it("ends on a range finer than the values' precision, and on one that is not finite", () => {
    const t = niceTicks(1e17, 1e17 + 1);
    expect(t.ticks.length).toBeGreaterThanOrEqual(2);
    expect(t.ticks.length).toBeLessThanOrEqual(51);
    expect(niceTicks(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY).ticks).toHaveLength(2);
  });

  it("widens an empty range around its value", () => {
    const t = niceTicks(5, 5);
    expect(t.min).toBeLessThan(5);
    expect(t.max).toBeGreaterThan(5);
    expect(niceTicks(0, 0).ticks).toContain(0);
  });
});

describe("dateTicks", () => {
  it("ticks whole days at midnight over a long range, round times over a short one", () => {
    const from = Date.UTC(2024, 0, 3, 17);
    const to = Date.UTC(2024, 1, 20, 5);
    const t = dateTicks(from, to);
    expect(t.days).toBe(true);
    expect(t.min).toBeLessThanOrEqual(from);
    expect(t.max).toBeGreaterThanOrEqual(to);
    expect(t.ticks.every((ms) => ms % 86_400_000 === 0)).toBe(true);
    expect(new Set(t.ticks).size).toBe(t.ticks.length);
    expect(t.ticks.length).toBeGreaterThanOrEqual(3);
    const short = dateTicks(Date.UTC(2024, 0, 3, 1), Date.UTC(2024, 0, 3, 9));
    expect(short.days).toBe(false);
    expect(short.ticks.length).toBeGreaterThanOrEqual(3);
  });
});
