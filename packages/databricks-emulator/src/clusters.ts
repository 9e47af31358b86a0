import { randomBytes } from "node:crypto";

export type ClusterState = "PENDING" | "RUNNING" | "TERMINATED";

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

type ClusterRecord = {
  id: string;
  spec: ClusterSpec;
  /** When the current PENDING phase began; RUNNING is derived from it and the start delay. */
  startRequestedAt: number;
  terminatedAt?: number;
  terminationReason?: { code: string; type: string };
};

/** The org id in the SQL HTTP path; real workspaces put their numeric workspace id here. */
export const EMULATOR_ORG_ID = "0";

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

/**
 * In-memory clusters. State is computed on read from timestamps instead of driven by timers,
 * so a stopped emulator leaves nothing scheduled and a zero start delay is simply RUNNING.
 */
export class ClusterRegistry {
  private readonly clusters = new Map<string, ClusterRecord>();

  constructor(
    private readonly startDelayMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  create(spec: ClusterSpec): string {
    let id = newClusterId(new Date(this.now()));
    while (this.clusters.has(id)) id = newClusterId(new Date(this.now()));
    this.clusters.set(id, { id, spec, startRequestedAt: this.now() });
    return id;
  }

  has(id: string): boolean {
    return this.clusters.has(id);
  }

  state(id: string): ClusterState | undefined {
    const c = this.clusters.get(id);
    if (!c) return undefined;
    if (c.terminatedAt !== undefined) return "TERMINATED";
    return this.now() - c.startRequestedAt >= this.startDelayMs ? "RUNNING" : "PENDING";
  }

  /** Starts a TERMINATED cluster; like Databricks, does nothing in any other state. */
  start(id: string): void {
    const c = this.clusters.get(id);
    if (!c || c.terminatedAt === undefined) return;
    c.terminatedAt = undefined;
    c.terminationReason = undefined;
    c.startRequestedAt = this.now();
  }

  terminate(id: string): void {
    const c = this.clusters.get(id);
    if (!c || c.terminatedAt !== undefined) return;
    c.terminatedAt = this.now();
    c.terminationReason = { code: "USER_REQUEST", type: "SUCCESS" };
  }

  /** The cluster in the shape of the Clusters API's ClusterDetails. */
  describe(id: string): Record<string, unknown> | undefined {
    const c = this.clusters.get(id);
    const state = this.state(id);
    if (!c || !state) return undefined;
    const name = c.spec.cluster_name ?? id;
    return {
      cluster_id: c.id,
      ...c.spec,
      cluster_name: name,
      driver_node_type_id: c.spec.driver_node_type_id ?? c.spec.node_type_id,
      state,
      state_message: STATE_MESSAGES[state],
      start_time: c.startRequestedAt,
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
}

const STATE_MESSAGES: Record<ClusterState, string> = {
  PENDING: "Starting Spark",
  RUNNING: "",
  TERMINATED: "Terminated by user",
};
