import { randomBytes } from "node:crypto";

export type ClusterState = "PENDING" | "RUNNING" | "RESTARTING" | "TERMINATING" | "TERMINATED";

export type ClusterSpec = {
  cluster_name?: string;
  spark_version: string;
  node_type_id?: string;
  driver_node_type_id?: string;
  num_workers?: number;
  autoscale?: { min_workers: number; max_workers: number };
  autotermination_minutes?: number;
  spark_conf?: Record<string, string>;
  custom_tags?: Record<string, string>;
  data_security_mode?: string;
  single_user_name?: string;
};

export type ClusterEvent = {
  cluster_id: string;
  timestamp: number;
  type: string;
  details: Record<string, unknown>;
};

export type ClusterTimings = {
  /** PENDING (or RESTARTING) time before RUNNING. */
  startDelayMs: number;
  /** TERMINATING time before TERMINATED. */
  terminateDelayMs: number;
  /** How long an emulated minute lasts, for autotermination_minutes (tests shrink it). */
  minuteMs: number;
};

type Phase = { state: ClusterState; since: number };

/**
 * What a cluster start really starts (the emulator's Spark session). The cluster stays PENDING
 * until it has resolved, however short the start delay; a rejection terminates the cluster.
 */
export type ClusterRuntime = {
  start(id: string, spec: ClusterSpec): Promise<unknown>;
  stop(id: string): void;
};

type ClusterRecord = {
  id: string;
  spec: ClusterSpec;
  phase: Phase;
  /** Last time a statement ran or ended; autotermination counts idle time from here. */
  lastActivity: number;
  activeStatements: number;
  startedAt: number;
  terminatedAt?: number;
  terminationReason?: { code: string; type: string; parameters?: Record<string, string> };
  events: ClusterEvent[];
  /** When the runtime of the current start was ready (undefined while it starts). */
  readyAt?: number;
  /** Counts starts, so a start that resolves after the cluster was stopped is ignored. */
  generation: number;
};

/** The org id in the SQL HTTP path; real workspaces put their numeric workspace id here. */
const EMULATOR_ORG_ID = "0";

export const sqlHttpPath = (clusterId: string) => `sql/protocolv1/o/${EMULATOR_ORG_ID}/${clusterId}`;

// Real ids look like 1125-123456-abcdefgh: MMDD-HHMMSS-<8 random chars>.
function newClusterId(now: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  const date = `${two(now.getUTCMonth() + 1)}${two(now.getUTCDate())}`;
  const time = `${two(now.getUTCHours())}${two(now.getUTCMinutes())}${two(now.getUTCSeconds())}`;
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const suffix = Array.from(randomBytes(8), (b) => alphabet[b % alphabet.length]).join("");
  return `${date}-${time}-${suffix}`;
}

export class InvalidClusterStateError extends Error {
  override readonly name = "InvalidClusterStateError";
}

/**
 * In-memory clusters. Transitions that happen "by themselves" (PENDING -> RUNNING after the start
 * delay, TERMINATING -> TERMINATED, RUNNING -> TERMINATING after autotermination idle time) are
 * applied lazily when a cluster is read, at the instant they would have happened, with their
 * events. So a stopped emulator leaves nothing scheduled, and a zero delay is simply RUNNING.
 */
export class ClusterRegistry {
  private readonly clusters = new Map<string, ClusterRecord>();
  private readonly timings: ClusterTimings;
  private runtime: ClusterRuntime | undefined;

  constructor(
    timings: Partial<ClusterTimings> | number = {},
    private readonly now: () => number = Date.now,
  ) {
    const t = typeof timings === "number" ? { startDelayMs: timings } : timings;
    this.timings = { startDelayMs: 0, terminateDelayMs: 0, minuteMs: 60_000, ...t };
  }

  /** Makes starts wait for a real runtime (set once, before clusters are created). */
  setRuntime(runtime: ClusterRuntime): void {
    this.runtime = runtime;
  }

  private launch(c: ClusterRecord): void {
    c.generation++;
    if (!this.runtime) {
      c.readyAt = c.phase.since;
      return;
    }
    c.readyAt = undefined;
    const generation = c.generation;
    this.runtime.start(c.id, c.spec).then(
      () => {
        if (c.generation === generation) c.readyAt = this.now();
      },
      (e: unknown) => {
        if (c.generation !== generation) return;
        this.advance(c);
        if (c.phase.state !== "PENDING" && c.phase.state !== "RESTARTING") return;
        const at = this.now();
        const message = e instanceof Error ? e.message : String(e);
        c.phase = { state: "TERMINATED", since: at };
        c.terminatedAt = at;
        c.terminationReason = {
          code: "SPARK_STARTUP_FAILURE",
          type: "SERVICE_FAULT",
          parameters: { databricks_error_message: message },
        };
        this.event(c, at, "TERMINATED", { reason: c.terminationReason });
      },
    );
  }

  create(spec: ClusterSpec): string {
    let id = newClusterId(new Date(this.now()));
    while (this.clusters.has(id)) id = newClusterId(new Date(this.now()));
    const at = this.now();
    const c: ClusterRecord = {
      id,
      spec,
      phase: { state: "PENDING", since: at },
      lastActivity: at,
      activeStatements: 0,
      startedAt: at,
      events: [],
      generation: 0,
    };
    this.clusters.set(id, c);
    this.event(c, at, "CREATING", { user: "emulator@sous.local" });
    this.launch(c);
    return id;
  }

  spec(id: string): ClusterSpec | undefined {
    return this.clusters.get(id)?.spec;
  }

  has(id: string): boolean {
    return this.clusters.has(id);
  }

  state(id: string): ClusterState | undefined {
    const c = this.clusters.get(id);
    if (!c) return undefined;
    this.advance(c);
    return c.phase.state;
  }

  /** Starts a TERMINATED cluster; like Databricks, does nothing in any other state. */
  start(id: string): void {
    const c = this.clusters.get(id);
    if (!c) return;
    this.advance(c);
    if (c.phase.state !== "TERMINATED") return;
    const at = this.now();
    c.terminatedAt = undefined;
    c.terminationReason = undefined;
    c.startedAt = at;
    c.lastActivity = at;
    c.phase = { state: "PENDING", since: at };
    this.event(c, at, "STARTING", { user: "emulator@sous.local" });
    this.launch(c);
  }

  /** clusters/delete: RUNNING or PENDING -> TERMINATING -> TERMINATED. */
  terminate(
    id: string,
    reason: { code: string; type: string } = { code: "USER_REQUEST", type: "SUCCESS" },
  ): void {
    const c = this.clusters.get(id);
    if (!c) return;
    this.advance(c);
    if (c.phase.state === "TERMINATED" || c.phase.state === "TERMINATING") return;
    this.beginTermination(c, this.now(), reason);
  }

  /** clusters/edit: only RUNNING (which restarts) or TERMINATED, as Databricks requires. */
  edit(id: string, spec: ClusterSpec): void {
    const c = this.clusters.get(id);
    if (!c) return;
    this.advance(c);
    if (c.phase.state !== "RUNNING" && c.phase.state !== "TERMINATED") {
      throw new InvalidClusterStateError(
        `Cluster ${id} is in unexpected state ${c.phase.state}; edit is only allowed in RUNNING or TERMINATED`,
      );
    }
    const at = this.now();
    c.spec = spec;
    this.event(c, at, "EDITED", {});
    if (c.phase.state === "RUNNING") {
      c.phase = { state: "RESTARTING", since: at };
      this.event(c, at, "RESTARTING", {});
      // A restart starts the runtime again, with the new spec's settings.
      this.runtime?.stop(id);
      this.launch(c);
    }
  }

  /** A statement began on the cluster (it must be RUNNING). */
  statementStarted(id: string): void {
    const c = this.clusters.get(id);
    if (!c) return;
    c.activeStatements++;
    c.lastActivity = this.now();
  }

  statementEnded(id: string): void {
    const c = this.clusters.get(id);
    if (!c) return;
    c.activeStatements = Math.max(0, c.activeStatements - 1);
    c.lastActivity = this.now();
  }

  activeStatements(id: string): number {
    return this.clusters.get(id)?.activeStatements ?? 0;
  }

  events(id: string): ClusterEvent[] {
    const c = this.clusters.get(id);
    if (!c) return [];
    this.advance(c);
    return [...c.events];
  }

  /** The cluster in the shape of the Clusters API's ClusterDetails. */
  describe(id: string): Record<string, unknown> | undefined {
    const c = this.clusters.get(id);
    if (!c) return undefined;
    this.advance(c);
    const state = c.phase.state;
    const name = c.spec.cluster_name ?? id;
    return {
      cluster_id: c.id,
      ...c.spec,
      cluster_name: name,
      driver_node_type_id: c.spec.driver_node_type_id ?? c.spec.node_type_id,
      state,
      state_message: STATE_MESSAGES[state],
      start_time: c.startedAt,
      ...(c.terminatedAt !== undefined
        ? { terminated_time: c.terminatedAt, termination_reason: c.terminationReason }
        : {}),
      cluster_source: "API",
      creator_user_name: "emulator@sous.local",
      default_tags: {
        Vendor: "Databricks",
        Creator: "emulator@sous.local",
        ClusterName: name,
        ClusterId: id,
      },
      jdbc_port: 10000,
      spec: c.spec,
    };
  }

  list(): Record<string, unknown>[] {
    return [...this.clusters.keys()].flatMap((id) => {
      const details = this.describe(id);
      return details ? [details] : [];
    });
  }

  private event(c: ClusterRecord, at: number, type: string, details: Record<string, unknown>): void {
    c.events.push({ cluster_id: c.id, timestamp: at, type, details });
  }

  private beginTermination(
    c: ClusterRecord,
    at: number,
    reason: NonNullable<ClusterRecord["terminationReason"]>,
  ) {
    c.phase = { state: "TERMINATING", since: at };
    c.terminationReason = reason;
    c.generation++;
    this.event(c, at, "TERMINATING", { reason });
    this.runtime?.stop(c.id);
  }

  // Applies every transition due by now, each at the time it was due.
  private advance(c: ClusterRecord): void {
    const now = this.now();
    for (;;) {
      const { state, since } = c.phase;
      if (
        (state === "PENDING" || state === "RESTARTING") &&
        now - since >= this.timings.startDelayMs &&
        c.readyAt !== undefined
      ) {
        const at = Math.max(since + this.timings.startDelayMs, c.readyAt);
        c.phase = { state: "RUNNING", since: at };
        c.lastActivity = Math.max(c.lastActivity, at);
        this.event(c, at, "RUNNING", {
          current_num_workers: c.spec.num_workers ?? c.spec.autoscale?.min_workers ?? 0,
        });
        continue;
      }
      if (state === "TERMINATING" && now - since >= this.timings.terminateDelayMs) {
        const at = since + this.timings.terminateDelayMs;
        c.phase = { state: "TERMINATED", since: at };
        c.terminatedAt = at;
        this.event(c, at, "TERMINATED", { reason: c.terminationReason });
        continue;
      }
      const minutes = c.spec.autotermination_minutes ?? 0;
      if (state === "RUNNING" && minutes > 0 && c.activeStatements === 0) {
        const idleLimit = minutes * this.timings.minuteMs;
        const from = Math.max(c.lastActivity, since);
        if (now - from >= idleLimit) {
          this.beginTermination(c, from + idleLimit, {
            code: "INACTIVITY",
            type: "SUCCESS",
            parameters: { inactivity_duration_min: String(minutes) },
          });
          continue;
        }
      }
      return;
    }
  }
}

const STATE_MESSAGES: Record<ClusterState, string> = {
  PENDING: "Starting Spark",
  RUNNING: "",
  RESTARTING: "Restarting Spark",
  TERMINATING: "Terminating the cluster",
  TERMINATED: "Terminated",
};
