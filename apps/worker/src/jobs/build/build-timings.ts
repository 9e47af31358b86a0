/**
 * Where a build's time goes, per phase, summed over its activities: a few `performance.now()`
 * reads per activity, written once into the job's last log line ("Time spent: ...") so a user, or
 * bench/tpch.ts, can see what besides the query a build costs. Phases of activities running side
 * by side add up, so their sum can exceed the job's wall time.
 */
const BUILD_PHASES = {
  queue: "queue pickup",
  acquire: "storage acquire",
  compile: "compile",
  open: "DuckDB open and settings",
  query: "query + write",
  remote: "on Databricks (cluster, copies, statements)",
  describe: "describe",
  stats: "stats and sample",
  publish: "publish",
  prune: "prune",
} as const;
export type BuildPhase = keyof typeof BUILD_PHASES;

export class BuildTimings {
  private readonly spent = new Map<BuildPhase, number>();
  private readonly started = performance.now();

  add(phase: BuildPhase, ms: number): void {
    this.spent.set(phase, (this.spent.get(phase) ?? 0) + ms);
  }

  /** Time added to `phase` so far. */
  total(phase: BuildPhase): number {
    return this.spent.get(phase) ?? 0;
  }

  /** Runs `fn`, adding its duration (also when it throws) to `phase`. */
  async time<T>(phase: BuildPhase, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.add(phase, performance.now() - t0);
    }
  }

  /**
   * "Time spent: total 61 ms; queue pickup 2 ms, ...; leases and DB writes 9 ms". The last figure
   * is the rest of the job's time in this worker: job and activity rows, logs, leases, reads of
   * the flow. Phases that took no time are left out, except stats and sample (named, so a reader
   * sees they were not skipped by mistake: outputs get them when first read).
   */
  summary(): string {
    const total = performance.now() - this.started;
    const parts: string[] = [];
    let measured = 0;
    for (const [phase, label] of Object.entries(BUILD_PHASES) as [BuildPhase, string][]) {
      const ms = this.spent.get(phase);
      if (phase !== "queue") measured += ms ?? 0;
      if (ms === undefined) {
        if (phase === "stats") parts.push(`${label} 0 ms (computed when first read)`);
        continue;
      }
      parts.push(`${label} ${fmt(ms)}`);
    }
    parts.push(`leases and DB writes ${fmt(Math.max(0, total - measured))}`);
    return `Time spent: total ${fmt(total + (this.spent.get("queue") ?? 0))}; ${parts.join(", ")}`;
  }
}

const fmt = (ms: number) => `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
