import type { ColumnStats } from "@sous/contracts";
import { formatRows } from "@/ui/format.ts";

const W = 132;
const H = 26;

/** The DSS quality bar: valid (green), invalid (red), empty (grey); clicking a part filters on it. */
export function QualityBar({
  stats,
  total,
  onPick,
}: {
  stats: ColumnStats;
  total: number;
  onPick: (op: "valid" | "invalid" | "empty") => void;
}) {
  const pct = (n: number) => (total ? (100 * n) / total : 0);
  const parts = [
    { op: "valid" as const, n: stats.valid, cls: "q-valid" },
    { op: "invalid" as const, n: stats.invalid, cls: "q-invalid" },
    { op: "empty" as const, n: stats.empty, cls: "q-empty" },
  ];
  const title = `${fmtPct(pct(stats.valid))} valid, ${fmtPct(pct(stats.invalid))} invalid, ${fmtPct(pct(stats.empty))} empty${stats.meaning && stats.meaning !== "text" ? ` (as ${stats.meaning})` : ""}`;
  return (
    <div className="qbar" title={title} data-testid={`quality-${stats.name}`} data-invalid={stats.invalid}>
      {parts.map((p) =>
        p.n > 0 ? (
          <button
            key={p.op}
            type="button"
            className={p.cls}
            style={{ width: `${pct(p.n)}%` }}
            aria-label={`Show ${p.op} values of ${stats.name}`}
            onClick={(e) => {
              e.stopPropagation();
              onPick(p.op);
            }}
          />
        ) : null,
      )}
    </div>
  );
}

function fmtPct(x: number): string {
  return x > 0 && x < 1 ? "<1%" : `${Math.round(x)}%`;
}

/**
 * A histogram for numeric columns, the top values otherwise. When the dataset's stats say they
 * were computed on part of the sample (`scope`, from DatasetStats' sampled / rowsScanned), every
 * tooltip says on how many rows.
 */
export function MiniChart({
  stats,
  scope,
}: {
  stats: ColumnStats;
  scope?: { sampled?: boolean | undefined; rowsScanned?: number | undefined; rows: number } | undefined;
}) {
  const on =
    scope?.sampled && scope.rowsScanned !== undefined
      ? ` (computed on ${scope.rowsScanned.toLocaleString("en-US")} of ${formatRows(scope.rows)})`
      : "";
  if (stats.histogram?.length) {
    const max = Math.max(...stats.histogram.map((b) => b.count), 1);
    const bw = W / stats.histogram.length;
    return (
      <svg className="mini-chart" width={W} height={H} role="img" aria-label={`Histogram of ${stats.name}`}>
        {stats.histogram.map((b, i) => {
          const h = Math.max(b.count ? 1 : 0, (b.count / max) * (H - 2));
          return (
            <rect key={b.from} x={i * bw + 0.5} y={H - h} width={Math.max(1, bw - 1)} height={h}>
              <title>{`${fmtNum(b.from)} – ${fmtNum(b.to)}: ${b.count}${on}`}</title>
            </rect>
          );
        })}
      </svg>
    );
  }
  const top = stats.top.slice(0, 5);
  const max = Math.max(...top.map((t) => t.count), 1);
  return (
    <svg className="mini-chart" width={W} height={H} role="img" aria-label={`Top values of ${stats.name}`}>
      {top.map((t, i) => {
        const w = Math.max(1, (t.count / max) * W);
        return (
          <rect key={String(t.value)} x={0} y={i * 5 + 1} width={w} height={4}>
            <title>{`${t.value === null ? "null" : String(t.value)}: ${t.count}${on}`}</title>
          </rect>
        );
      })}
    </svg>
  );
}

export function fmtNum(x: number | null): string {
  if (x === null) return "—";
  if (Number.isInteger(x)) return x.toLocaleString("en-US");
  return Math.abs(x) >= 1000 ? x.toLocaleString("en-US", { maximumFractionDigits: 1 }) : x.toPrecision(4);
}
