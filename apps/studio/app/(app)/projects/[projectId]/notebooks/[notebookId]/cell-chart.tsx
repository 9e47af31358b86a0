"use client";

import { type ReactNode, useId, useState } from "react";
import { Select } from "@/ui/field.tsx";
import { formatCount, plural } from "@/ui/format.ts";
import {
  axisOf,
  barData,
  CHART_KINDS,
  type ChartChoice,
  type ChartColumn,
  type ChartKind,
  type ChartValue,
  canChart,
  choicesFor,
  dateTicks,
  defaultChoice,
  histogramData,
  MAX_BARS,
  niceTicks,
  pointData,
} from "./chart-data.ts";

// A quick chart of a cell's result (issue #17): bar, line, scatter or histogram of the rows the
// grid holds (10,000 at most, and the caption says how many), drawn as SVG here (a chart library
// would be most of the page's weight for four simple kinds). The data shaping is chart-data.ts's.

const KIND_LABEL: Record<ChartKind, string> = {
  bar: "Bar",
  line: "Line",
  scatter: "Scatter",
  histogram: "Histogram",
};

const W = 720;
const H = 320;
/** Room for the y ticks on the left, the x ticks and the axis title below. */
const M = { top: 12, right: 20, bottom: 44, left: 64 };

const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
const plain = new Intl.NumberFormat("en-US", { maximumFractionDigits: 4 });

/** A tick or value label: compact past ten thousand (12K, 3.4M), up to four decimals under. */
export function formatNumber(n: number): string {
  return Math.abs(n) >= 10_000 ? compact.format(n) : plain.format(n);
}

const formatDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const formatTime = (ms: number) => new Date(ms).toISOString().slice(5, 16).replace("T", " ");

/** Whether any kind can chart this result (else no Chart button). */
export function isChartable(columns: readonly ChartColumn[], rows: readonly unknown[]): boolean {
  return rows.length > 0 && CHART_KINDS.some((k) => canChart(k, columns));
}

export function CellChart({
  columns,
  rows,
  rowCount,
}: {
  columns: ChartColumn[];
  rows: ChartValue[][];
  /** Every row of the result: more than `rows` when the grid holds the first ones only. */
  rowCount: number;
}) {
  const kinds = CHART_KINDS.filter((k) => canChart(k, columns));
  const [choice, setChoice] = useState<ChartChoice>(() => defaultChoice(kinds[0] ?? "bar", columns));
  const id = useId();
  const pick = (kind: ChartKind) => setChoice(defaultChoice(kind, columns));
  const options = choicesFor(choice.kind, columns);
  const from =
    rowCount > rows.length
      ? `the first ${plural(rows.length, "row")} of ${formatCount(rowCount)}`
      : plural(rows.length, "row");

  let chart: ReactNode;
  let caption: string;
  /** What is said instead of a chart with nothing to draw. */
  let empty: string | null = null;
  if (choice.kind === "histogram") {
    const x = choice.x ?? options.x[0] ?? 0;
    const h = histogramData(columns, rows, x);
    caption = `Distribution of ${columns[x]!.name} in ${plural(h.bins.length, "bin")}, from ${from}${
      h.nulls ? ` (${plural(h.nulls, "null")} left out)` : ""
    }`;
    chart = <Histogram data={h} column={columns[x]!} label={caption} />;
    if (h.bins.length === 0) empty = `Every value of ${columns[x]!.name} is null.`;
  } else if (choice.kind === "bar") {
    const b = barData(columns, rows, choice.x, choice.y);
    const what = choice.y === null ? "Rows" : `Sum of ${columns[choice.y]!.name}`;
    const by = choice.x === null ? "row" : columns[choice.x]!.name;
    caption = `${what} by ${by}, from ${from}${
      b.categories > MAX_BARS ? ` (the ${MAX_BARS} largest of ${formatCount(b.categories)})` : ""
    }${b.skipped ? ` (${plural(b.skipped, "null")} left out)` : ""}`;
    chart = <Bars bars={b.bars} label={caption} />;
    if (b.bars.length === 0) empty = "No row has a value to draw.";
  } else {
    const p = pointData(choice.kind, columns, rows, choice.x, choice.y);
    const xName = choice.x === null ? "row" : columns[choice.x]!.name;
    const yName = choice.y === null ? "" : columns[choice.y]!.name;
    caption = `${yName} by ${xName}, ${plural(p.points.length, "point")} from ${from}${
      p.skipped ? ` (${plural(p.skipped, "row")} with a null left out)` : ""
    }`;
    chart = <Points kind={choice.kind} data={p} xName={xName} yName={yName} label={caption} />;
    if (p.points.length === 0) empty = `No row has both ${xName} and ${yName}.`;
  }

  const select = (role: "x" | "y", label: string, allowed: number[], none?: string) => (
    <span className="nb-chart-pick">
      <label htmlFor={`${id}-${role}`}>{label}</label>
      <Select
        id={`${id}-${role}`}
        value={String(choice[role] ?? "")}
        onChange={(e) =>
          setChoice((c) => ({ ...c, [role]: e.target.value === "" ? null : Number(e.target.value) }))
        }
        data-testid={`cell-chart-${role}`}
      >
        {none ? <option value="">{none}</option> : null}
        {allowed.map((i) => (
          <option key={i} value={i}>
            {columns[i]!.name}
          </option>
        ))}
      </Select>
    </span>
  );

  return (
    <figure className="nb-chart" data-testid="cell-chart" data-kind={choice.kind}>
      <div className="nb-chart-controls">
        <div className="segmented" role="tablist" aria-label="Chart kind">
          {kinds.map((k) => (
            <button
              key={k}
              type="button"
              role="tab"
              aria-selected={choice.kind === k}
              className="segmented-item"
              onClick={() => pick(k)}
              data-testid={`cell-chart-kind-${k}`}
            >
              {KIND_LABEL[k]}
            </button>
          ))}
        </div>
        {choice.kind === "histogram" ? (
          select("x", "Column", options.x)
        ) : choice.kind === "bar" ? (
          <>
            {select("x", "Bars by", options.x, "Row number")}
            {select("y", "Size", options.y, "Count of rows")}
          </>
        ) : (
          <>
            {select("x", "X", options.x, "Row number")}
            {select("y", "Y", options.y)}
          </>
        )}
      </div>
      {empty ? (
        <div className="nb-chart-empty muted" data-testid="cell-chart-empty">
          {empty}
        </div>
      ) : (
        chart
      )}
      <figcaption className="muted" data-testid="cell-chart-caption">
        {caption}
      </figcaption>
    </figure>
  );
}

/** A linear scale from [d0, d1] to [r0, r1]. */
const scale = (d0: number, d1: number, r0: number, r1: number) => (v: number) =>
  d1 === d0 ? (r0 + r1) / 2 : r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);

function Bars({ bars, label }: { bars: { label: string; value: number }[]; label: string }) {
  const labelW = 150;
  const barH = 24;
  const top = 8;
  const height = top + bars.length * barH + 30;
  const axis = niceTicks(Math.min(0, ...bars.map((b) => b.value)), Math.max(0, ...bars.map((b) => b.value)));
  const x = scale(axis.min, axis.max, labelW, W - 70);
  const bottom = top + bars.length * barH;
  return (
    <svg
      className="nb-chart-svg"
      viewBox={`0 0 ${W} ${height}`}
      role="img"
      aria-label={label}
      data-marks={bars.length}
    >
      {axis.ticks.map((t) => (
        <g key={t}>
          <line
            x1={x(t)}
            x2={x(t)}
            y1={top}
            y2={bottom}
            className={t === 0 ? "nb-chart-zero" : "nb-chart-grid"}
          />
          <text x={x(t)} y={bottom + 16} textAnchor="middle" className="nb-chart-tick">
            {formatNumber(t)}
          </text>
        </g>
      ))}
      {bars.map((b, i) => {
        const x0 = x(Math.min(0, b.value));
        const w = Math.abs(x(b.value) - x(0));
        const y = top + i * barH;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: bars are positional (labels may repeat as text)
          <g key={i}>
            <text x={labelW - 8} y={y + 16} textAnchor="end" className="nb-chart-label">
              {b.label.length > 20 ? `${b.label.slice(0, 19)}…` : b.label}
            </text>
            <rect
              x={x0}
              y={y + 4}
              width={Math.max(1, w)}
              height={barH - 8}
              rx={2}
              className="nb-chart-bar"
              data-mark="bar"
            >
              <title>{`${b.label}: ${formatNumber(b.value)}`}</title>
            </rect>
            <text
              x={b.value < 0 ? x0 - 4 : x0 + w + 4}
              y={y + 16}
              textAnchor={b.value < 0 ? "end" : "start"}
              className="nb-chart-value"
            >
              {formatNumber(b.value)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function Points({
  kind,
  data,
  xName,
  yName,
  label,
}: {
  kind: "line" | "scatter";
  data: ReturnType<typeof pointData>;
  xName: string;
  yName: string;
  label: string;
}) {
  const { points } = data;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const xAxis = data.xAxis === "date" ? dateTicks(xMin, xMax) : { ...niceTicks(xMin, xMax), days: false };
  const yAxis = niceTicks(Math.min(...ys), Math.max(...ys));
  const x = scale(xAxis.min, xAxis.max, M.left, W - M.right);
  const y = scale(yAxis.min, yAxis.max, H - M.bottom, M.top);
  const xLabel = (v: number) =>
    data.xAxis === "date" ? (xAxis.days ? formatDay(v) : formatTime(v)) : formatNumber(v);
  // Markers on a line only while they stay apart; a scatter is all markers.
  const markers = kind === "scatter" || points.length <= 60;
  // Thousands of dots: smaller and lighter, so where they pile up reads darker.
  const dense = points.length > 500;
  const path = points.map((p, i) => `${i ? "L" : "M"}${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join("");
  return (
    <svg
      className="nb-chart-svg"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={label}
      data-marks={points.length}
    >
      <Axes
        xTicks={xAxis.ticks.map((t) => ({ at: x(t), text: xLabel(t) }))}
        yTicks={yAxis.ticks.map((t) => ({ at: y(t), text: formatNumber(t) }))}
        xName={xName}
        yName={yName}
      />
      {kind === "line" && points.length > 0 ? <path d={path} className="nb-chart-line" /> : null}
      {markers
        ? points.map((p, i) => (
            <circle
              // biome-ignore lint/suspicious/noArrayIndexKey: points are positional
              key={i}
              cx={x(p.x)}
              cy={y(p.y)}
              r={kind === "scatter" ? (dense ? 2.5 : 4) : 3}
              className={
                kind === "scatter" ? (dense ? "nb-chart-dot dense" : "nb-chart-dot") : "nb-chart-marker"
              }
              data-mark="point"
            >
              <title>{`${xName} ${xLabel(p.x)}, ${yName} ${formatNumber(p.y)}`}</title>
            </circle>
          ))
        : null}
    </svg>
  );
}

function Histogram({
  data,
  column,
  label,
}: {
  data: ReturnType<typeof histogramData>;
  column: ChartColumn;
  label: string;
}) {
  const { bins } = data;
  const lo = bins[0]?.from ?? 0;
  const hi = bins.at(-1)?.to ?? 1;
  const x = scale(lo, hi, M.left, W - M.right);
  const yAxis = niceTicks(0, Math.max(1, ...bins.map((b) => b.count)));
  const y = scale(0, yAxis.max, H - M.bottom, M.top);
  const date = axisOf(column.type) === "date";
  const fmt = (v: number) => (date ? formatDay(v) : formatNumber(v));
  // The x ticks: round values inside the bins' range, or the edges of a single bin.
  const xTicks =
    bins.length === 1 ? [lo, (lo + hi) / 2, hi] : niceTicks(lo, hi).ticks.filter((t) => t >= lo && t <= hi);
  return (
    <svg
      className="nb-chart-svg"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={label}
      data-marks={bins.length}
    >
      <Axes
        xTicks={xTicks.map((t) => ({ at: x(t), text: fmt(t) }))}
        yTicks={yAxis.ticks.map((t) => ({ at: y(t), text: formatNumber(t) }))}
        xName={column.name}
        yName="rows"
      />
      {bins.map((b) => (
        <rect
          key={b.from}
          x={x(b.from) + 0.5}
          y={y(b.count)}
          width={Math.max(1, x(b.to) - x(b.from) - 1)}
          height={Math.max(0, y(0) - y(b.count))}
          className="nb-chart-bar"
          data-mark="bin"
        >
          <title>{`${fmt(b.from)} to ${fmt(b.to)}: ${plural(b.count, "row")}`}</title>
        </rect>
      ))}
    </svg>
  );
}

/** Grid lines at the y ticks, tick labels on both axes, and the axes' titles. */
function Axes({
  xTicks,
  yTicks,
  xName,
  yName,
}: {
  xTicks: { at: number; text: string }[];
  yTicks: { at: number; text: string }[];
  xName: string;
  yName: string;
}) {
  const bottom = H - M.bottom;
  return (
    <g>
      {yTicks.map((t) => (
        <g key={t.at}>
          <line x1={M.left} x2={W - M.right} y1={t.at} y2={t.at} className="nb-chart-grid" />
          <text x={M.left - 8} y={t.at + 4} textAnchor="end" className="nb-chart-tick">
            {t.text}
          </text>
        </g>
      ))}
      <line x1={M.left} x2={W - M.right} y1={bottom} y2={bottom} className="nb-chart-axis" />
      {xTicks.map((t) => (
        <g key={t.at}>
          <line x1={t.at} x2={t.at} y1={bottom} y2={bottom + 4} className="nb-chart-axis" />
          <text x={t.at} y={bottom + 17} textAnchor="middle" className="nb-chart-tick">
            {t.text}
          </text>
        </g>
      ))}
      <text x={(M.left + W - M.right) / 2} y={H - 6} textAnchor="middle" className="nb-chart-title">
        {xName}
      </text>
      <text
        x={14}
        y={(M.top + bottom) / 2}
        textAnchor="middle"
        transform={`rotate(-90 14 ${(M.top + bottom) / 2})`}
        className="nb-chart-title"
      >
        {yName}
      </text>
    </g>
  );
}
