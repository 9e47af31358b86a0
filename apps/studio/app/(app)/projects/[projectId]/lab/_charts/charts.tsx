"use client";

import type { ReactNode } from "react";

// Small SVG charts for the Lab's results: drawn from the bounded chart data the trainer stores,
// so no chart library ships to the browser. Axes run 0..1 unless a domain is given.

const W = 320;
const H = 240;
const PAD = { left: 44, right: 12, top: 12, bottom: 36 };
const plotW = W - PAD.left - PAD.right;
const plotH = H - PAD.top - PAD.bottom;

type Domain = [number, number];

function scale([lo, hi]: Domain, size: number, flip = false) {
  const span = hi - lo || 1;
  return (v: number) => (flip ? size - ((v - lo) / span) * size : ((v - lo) / span) * size);
}

function ticks([lo, hi]: Domain, n = 5): number[] {
  return Array.from({ length: n + 1 }, (_, i) => lo + ((hi - lo) * i) / n);
}

const fmt = (v: number) => (Math.abs(v) >= 1000 ? v.toExponential(1) : Number(v.toPrecision(3)).toString());

function Frame({
  x,
  y,
  xLabel,
  yLabel,
  children,
  testId,
  title,
}: {
  x: Domain;
  y: Domain;
  xLabel: string;
  yLabel: string;
  children: ReactNode;
  testId?: string;
  title: string;
}) {
  const sx = scale(x, plotW);
  const sy = scale(y, plotH, true);
  return (
    <figure className="lab-chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
        <g transform={`translate(${PAD.left},${PAD.top})`}>
          {ticks(y).map((t) => (
            <g key={`y${t}`}>
              <line x1={0} x2={plotW} y1={sy(t)} y2={sy(t)} className="grid" />
              <text x={-6} y={sy(t)} dy="0.32em" textAnchor="end">
                {fmt(t)}
              </text>
            </g>
          ))}
          {ticks(x).map((t) => (
            <text key={`x${t}`} x={sx(t)} y={plotH + 16} textAnchor="middle">
              {fmt(t)}
            </text>
          ))}
          <rect width={plotW} height={plotH} className="frame" />
          {children}
          <text x={plotW / 2} y={plotH + 32} textAnchor="middle" className="axis-label">
            {xLabel}
          </text>
          <text
            transform={`translate(-34,${plotH / 2}) rotate(-90)`}
            textAnchor="middle"
            className="axis-label"
          >
            {yLabel}
          </text>
        </g>
      </svg>
    </figure>
  );
}

/** A curve (ROC, precision-recall, calibration) with an optional diagonal reference. */
export function CurveChart({
  points,
  title,
  xLabel,
  yLabel,
  diagonal,
  marker,
  testId,
}: {
  points: readonly (readonly [number, number])[];
  title: string;
  xLabel: string;
  yLabel: string;
  diagonal?: boolean;
  /** A highlighted point (the current threshold). */
  marker?: readonly [number, number] | null;
  testId?: string;
}) {
  const sx = scale([0, 1], plotW);
  const sy = scale([0, 1], plotH, true);
  const d = points.map(([x, y], i) => `${i ? "L" : "M"}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join("");
  return (
    <Frame x={[0, 1]} y={[0, 1]} xLabel={xLabel} yLabel={yLabel} title={title} testId={testId}>
      {diagonal ? <line x1={0} y1={plotH} x2={plotW} y2={0} className="reference" /> : null}
      <path d={d} className="curve" />
      {marker ? <circle cx={sx(marker[0])} cy={sy(marker[1])} r={4} className="marker" /> : null}
    </Frame>
  );
}

/** Predicted against actual (regression), with the y = x line. */
export function ScatterChart({
  points,
  title,
  testId,
}: {
  points: readonly (readonly [number, number])[];
  title: string;
  testId?: string;
}) {
  const all = points.flat();
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const domain: Domain = [lo, hi === lo ? lo + 1 : hi];
  const sx = scale(domain, plotW);
  const sy = scale(domain, plotH, true);
  return (
    <Frame x={domain} y={domain} xLabel="actual" yLabel="predicted" title={title} testId={testId}>
      <line x1={0} y1={plotH} x2={plotW} y2={0} className="reference" />
      {points.map(([a, p], i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: points have no identity but their order
        <circle key={i} cx={sx(a)} cy={sy(p)} r={2} className="dot" />
      ))}
    </Frame>
  );
}

/** Horizontal bars (feature importances, cluster sizes, residual counts). */
export function BarList({
  items,
  title,
  format = (v) => `${(v * 100).toFixed(1)} %`,
  testId,
}: {
  items: readonly { label: string; value: number }[];
  title: string;
  format?: (v: number) => string;
  testId?: string;
}) {
  const max = Math.max(...items.map((i) => i.value), 0) || 1;
  return (
    <figure className="lab-bars" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <ul>
        {items.map((i) => (
          <li key={i.label}>
            <span className="bar-label" title={i.label}>
              {i.label}
            </span>
            <span className="bar-track">
              <span className="bar-fill" style={{ width: `${(i.value / max) * 100}%` }} />
            </span>
            <span className="bar-value">{format(i.value)}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
