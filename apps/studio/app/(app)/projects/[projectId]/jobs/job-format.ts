import type { ActivityState } from "@sous/contracts";
import type { BadgeTone } from "@/ui/badge.tsx";

// Shared by the jobs list (server) and a job's page (client).

// Keyed by the contract's states: a state added there without its tone fails the typecheck.
export const STATE_TONE: Record<ActivityState, BadgeTone> = {
  QUEUED: "neutral",
  RUNNING: "warning",
  SUCCEEDED: "success",
  FAILED: "danger",
  CANCELLED: "neutral",
  SKIPPED: "neutral",
};

export const MODE_LABEL: Record<string, string> = {
  "build-only-this": "Build only this",
  smart: "Smart (only what is outdated)",
  "forced-recursive": "Forced recursive",
  "missing-only": "Missing only",
  train: "Lab training",
};

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

export const stateLabel = (s: string) => s.charAt(0) + s.slice(1).toLowerCase();
