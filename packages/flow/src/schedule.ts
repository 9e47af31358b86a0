export interface SchedulableActivity {
  position: number;
  dependsOn: number[];
  state: string;
}

/**
 * The activities that may start now: queued, every dependency succeeded, at most `slots` of them,
 * lowest position first (the plan's order). Independent branches therefore run side by side.
 */
export function nextRunnable<T extends SchedulableActivity>(activities: readonly T[], slots: number): T[] {
  if (slots <= 0) return [];
  const state = new Map(activities.map((a) => [a.position, a.state]));
  return activities
    .filter((a) => a.state === "QUEUED" && a.dependsOn.every((p) => state.get(p) === "SUCCEEDED"))
    .sort((a, b) => a.position - b.position)
    .slice(0, slots);
}
