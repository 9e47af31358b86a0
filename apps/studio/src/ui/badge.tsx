import type { ReactNode } from "react";

export type BadgeTone = "neutral" | "success" | "warning" | "danger" | "accent";

export function Badge({
  tone = "neutral",
  children,
  pulse = false,
  testId,
}: {
  tone?: BadgeTone;
  children: ReactNode;
  pulse?: boolean;
  testId?: string;
}) {
  return (
    <span className={`badge badge-${tone}`} data-testid={testId}>
      <span className={pulse ? "badge-dot badge-dot-pulse" : "badge-dot"} aria-hidden="true" />
      {children}
    </span>
  );
}

export type DatasetState = "never-built" | "built" | "building" | "failed";

const STATE: Record<DatasetState, { tone: BadgeTone; label: string }> = {
  built: { tone: "success", label: "Built" },
  "never-built": { tone: "neutral", label: "Never built" },
  building: { tone: "warning", label: "Building" },
  failed: { tone: "danger", label: "Failed" },
};

export function StateBadge({ state, testId }: { state: DatasetState; testId?: string }) {
  const s = STATE[state];
  return (
    <Badge tone={s.tone} pulse={state === "building"} testId={testId}>
      {s.label}
    </Badge>
  );
}
