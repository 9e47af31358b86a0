"use client";

import type { ApiServiceMetrics } from "@/shared/api/api-service-schemas.ts";
import { plural } from "@/ui/format.ts";

// An endpoint's last hour, one point per minute, drawn as small SVG charts like the Lab's (no chart
// library ships to the browser): p50 and p99 latency as lines, and requests per minute as bars.
// Minutes without traffic have no point: a line breaks there rather than dropping to zero.

type Minute = ApiServiceMetrics["endpoints"][number]["minutes"][number];

const W = 360;
const H = 180;
const PAD = { left: 44, right: 10, top: 10, bottom: 30 };
const plotW = W - PAD.left - PAD.right;
const plotH = H - PAD.top - PAD.bottom;

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : Number(v.toPrecision(2)).toString());
/** A round upper bound for the y axis whose fifths (the ticks) are round too. */
function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((m) => m * p >= v) ?? 10) * p;
}
const clock = (ms: number) =>
  new Date(ms).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", hour12: false });

function Frame({
  title,
  testId,
  yMax,
  start,
  windowMinutes,
  yLabel,
  children,
}: {
  title: string;
  testId: string;
  yMax: number;
  start: number;
  windowMinutes: number;
  yLabel: string;
  children: React.ReactNode;
}) {
  const yTicks = [0, 0.2, 0.4, 0.6, 0.8, 1].map((f) => f * yMax);
  const xTicks = [0, 15, 30, 45, 60].filter((m) => m <= windowMinutes);
  return (
    <figure className="api-chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
        <g transform={`translate(${PAD.left},${PAD.top})`}>
          {yTicks.map((t) => (
            <g key={t}>
              <line
                x1={0}
                x2={plotW}
                y1={plotH - (t / yMax) * plotH}
                y2={plotH - (t / yMax) * plotH}
                className="grid"
              />
              <text x={-6} y={plotH - (t / yMax) * plotH} dy="0.32em" textAnchor="end">
                {fmt(t)}
              </text>
            </g>
          ))}
          {xTicks.map((m) => (
            <text
              key={m}
              x={(m / windowMinutes) * plotW}
              y={plotH + 14}
              // The last label (now) would overflow the plot's right edge if centred.
              textAnchor={m === windowMinutes ? "end" : m === 0 ? "start" : "middle"}
            >
              {clock(start + m * 60_000)}
            </text>
          ))}
          <rect width={plotW} height={plotH} className="frame" />
          {children}
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

export function TrafficCharts({
  minutes,
  windowMinutes,
  asOf,
  endpoint,
}: {
  minutes: Minute[];
  windowMinutes: number;
  asOf: string;
  endpoint: string;
}) {
  const end = Math.floor(Date.parse(asOf) / 60_000) * 60_000 + 60_000;
  const start = end - windowMinutes * 60_000;
  const slot = plotW / windowMinutes;
  const x = (m: Minute) => ((Date.parse(m.minute) - start) / 60_000) * slot + slot / 2;
  const latMax = niceMax(Math.max(0, ...minutes.map((m) => m.p99)));
  const reqMax = niceMax(Math.max(0, ...minutes.map((m) => m.requests)));
  const line = (k: "p50" | "p99") => {
    let d = "";
    let prev = Number.NaN;
    for (const m of minutes) {
      const t = Date.parse(m.minute);
      // A minute without traffic in between starts a new segment.
      d += `${t - prev === 60_000 ? "L" : "M"}${x(m).toFixed(1)},${(plotH - (m[k] / latMax) * plotH).toFixed(1)}`;
      prev = t;
    }
    return d;
  };
  return (
    <div className="api-charts">
      <Frame
        title={`${endpoint}: latency per minute (p50, p99), last hour`}
        testId="api-latency-chart"
        yMax={latMax}
        start={start}
        windowMinutes={windowMinutes}
        yLabel="ms"
      >
        <path d={line("p99")} className="p99" />
        <path d={line("p50")} className="p50" />
        {minutes.map((m) => (
          <g key={m.minute}>
            <circle cx={x(m)} cy={plotH - (m.p99 / latMax) * plotH} r={2.5} className="p99">
              <title>{`${clock(Date.parse(m.minute))}: p99 ${m.p99.toFixed(2)} ms`}</title>
            </circle>
            <circle cx={x(m)} cy={plotH - (m.p50 / latMax) * plotH} r={2.5} className="p50">
              <title>{`${clock(Date.parse(m.minute))}: p50 ${m.p50.toFixed(2)} ms`}</title>
            </circle>
          </g>
        ))}
        <g transform={`translate(${plotW - 90},6)`} className="legend">
          <line x1={0} x2={14} y1={4} y2={4} className="p50" />
          <text x={18} y={4} dy="0.32em">
            p50
          </text>
          <line x1={46} x2={60} y1={4} y2={4} className="p99" />
          <text x={64} y={4} dy="0.32em">
            p99
          </text>
        </g>
      </Frame>
      <Frame
        title={`${endpoint}: requests per minute, last hour`}
        testId="api-requests-chart"
        yMax={reqMax}
        start={start}
        windowMinutes={windowMinutes}
        yLabel="requests"
      >
        {minutes.map((m) => {
          const h = (m.requests / reqMax) * plotH;
          // Errors are the top part of the bar, in red.
          const e = m.errors ? Math.max(1.5, (m.errors / reqMax) * plotH) : 0;
          const bx = x(m) - Math.max(1, slot * 0.4);
          const bw = Math.max(2, slot * 0.8);
          return (
            <g key={m.minute}>
              <title>{`${clock(Date.parse(m.minute))}: ${plural(m.requests, "request")}, ${plural(m.errors, "error")}`}</title>
              <rect x={bx} width={bw} y={plotH - h + e} height={h - e} className="bar" />
              {m.errors ? <rect x={bx} width={bw} y={plotH - h} height={e} className="bar errors" /> : null}
            </g>
          );
        })}
      </Frame>
    </div>
  );
}
