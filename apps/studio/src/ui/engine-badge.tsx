import type { TranslatabilityVerdict } from "@/shared/api/recipe-preview-schemas.ts";

export type Engine = "duckdb" | "spark";

const NAME: Record<Engine, string> = { duckdb: "local", spark: "Databricks" };
const LEVEL_RANK = { full: 0, partial: 1, none: 2 } as const;

/** The worse of several verdicts (a recipe runs on an engine only if every step does). */
export function worstVerdict(verdicts: TranslatabilityVerdict[]): TranslatabilityVerdict {
  let worst: TranslatabilityVerdict = { level: "full" };
  for (const v of verdicts) if (LEVEL_RANK[v.level] > LEVEL_RANK[worst.level]) worst = v;
  return worst;
}

function describe(engine: Engine, v: TranslatabilityVerdict): { text: string; title: string; tone: string } {
  const name = NAME[engine];
  if (v.level === "full")
    return { text: `Runs on ${name}`, title: `Same results on ${name}.`, tone: "success" };
  if (v.level === "partial")
    return { text: `Partial on ${name}`, title: `On ${name}: ${v.condition}`, tone: "warning" };
  return { text: `Not on ${name}`, title: `Cannot run on ${name}: ${v.reason}`, tone: "danger" };
}

/** "Runs on local" / "Partial on Databricks" (reason on hover) / "Not on Databricks". */
export function EngineBadge({
  engine,
  verdict,
  compact = false,
  testId,
}: {
  engine: Engine;
  verdict: TranslatabilityVerdict;
  /** Per-step: a small pill with the engine's initial. */
  compact?: boolean;
  testId?: string;
}) {
  const d = describe(engine, verdict);
  return (
    <span
      className={`engine-badge engine-${d.tone}${compact ? " engine-compact" : ""}`}
      title={d.title}
      data-testid={testId}
      data-level={verdict.level}
      data-engine={engine}
    >
      <span className="engine-dot" aria-hidden="true" />
      {compact ? (engine === "duckdb" ? "Local" : "DBX") : d.text}
      {/* The reason, for screen readers (sighted users hover for the tooltip). */}
      <span className="sr-only">: {d.title}</span>
    </span>
  );
}
