// Finds or makes a RUNNING cluster for a compute profile, the way the worker needs it before a
// remote activity: reuse a running one that is not busy, else start a terminated one, else create
// one (up to the profile's maximum), then wait for RUNNING while telling the job log why.
import { raceAbort } from "./abortable-sleep.ts";
import type { ClusterLoad } from "./cluster-load.ts";
import { type ClusterSpec, PROFILE_TAG } from "./cluster-spec.ts";
import { DatabricksApiError } from "./errors.ts";
import type { DatabricksRestClient } from "./rest-client.ts";
import type { ClusterDetails } from "./rest-schemas.ts";
import { pollWithBackoff } from "./retry.ts";

export type ComputeProfileRef = {
  /** Stable id: clusters are tagged with it, so renaming a profile keeps its clusters. */
  id: string;
  name: string;
  spec: ClusterSpec;
  maxClusters: number;
  /** Statements per cluster before it counts as busy. */
  maxActiveStatements: number;
};

export type JobLogFn = (level: "info" | "warn" | "error", message: string) => void | Promise<void>;

export type EnsureClusterOptions = {
  rest: DatabricksRestClient;
  profile: ComputeProfileRef;
  load: ClusterLoad;
  log: JobLogFn;
  signal?: AbortSignal;
  /** Polling of clusters/get: first delay, doubling (jittered 1-2x) up to max; give up after timeout. */
  poll?: { initialMs?: number; maxMs?: number; timeoutMs?: number };
};

export type ClusterLease = {
  clusterId: string;
  /** What was done to get it. */
  action: "reused" | "started" | "created";
  /** Time spent waiting for RUNNING (0 when it already was). */
  waitedMs: number;
  /** Frees the slot taken on the cluster; call it when the activity ends, also on failure. */
  release(): void;
};

// States from which a cluster becomes RUNNING by itself.
const STARTING = new Set(["PENDING", "RESTARTING", "RESIZING"]);

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

const ours = (c: ClusterDetails, profileId: string) => c.custom_tags?.[PROFILE_TAG] === profileId;

/** The create request for a profile: its JSON plus the tag Sous finds its clusters by. */
export function createSpecFor(profile: ComputeProfileRef): ClusterSpec {
  return {
    ...profile.spec,
    cluster_name: profile.spec.cluster_name ?? `sous-${profile.name}`,
    custom_tags: { ...profile.spec.custom_tags, [PROFILE_TAG]: profile.id },
  };
}

export async function ensureCluster(o: EnsureClusterOptions): Promise<ClusterLease> {
  const { rest, profile, load, log, signal } = o;
  const call = signal ? { signal } : {};
  const pickOnce = () =>
    load.exclusive(profile.id, async () => {
      signal?.throwIfAborted(); // aborted while waiting for the lock: take nothing
      const clusters = (await rest.listClusters(call)).filter((c) => ours(c, profile.id));
      // Read once per pick: with a shared (Redis) load, every worker process sees the same counts.
      const counts = new Map(
        await Promise.all(
          clusters.map(async (c) => [c.cluster_id, await load.active(c.cluster_id)] as const),
        ),
      );
      const active = (c: ClusterDetails) => counts.get(c.cluster_id) ?? 0;
      const free = (c: ClusterDetails) => active(c) < profile.maxActiveStatements;
      const byLoad = (a: ClusterDetails, b: ClusterDetails) => active(a) - active(b);
      const running = clusters.filter((c) => c.state === "RUNNING" && free(c)).sort(byLoad)[0];
      if (running)
        return {
          cluster: running,
          action: "reused" as const,
          release: await load.acquire(running.cluster_id),
        };
      const starting = clusters.filter((c) => STARTING.has(c.state) && free(c)).sort(byLoad)[0];
      if (starting)
        return {
          cluster: starting,
          action: "reused" as const,
          release: await load.acquire(starting.cluster_id),
        };
      const terminated = clusters.find((c) => c.state === "TERMINATED");
      if (terminated) {
        await rest.startCluster(terminated.cluster_id, call);
        await log("info", `Starting terminated cluster ${terminated.cluster_id} of profile ${profile.name}`);
        return {
          cluster: terminated,
          action: "started" as const,
          release: await load.acquire(terminated.cluster_id),
        };
      }
      const alive = clusters.filter((c) => c.state !== "TERMINATED" && c.state !== "ERROR");
      if (alive.length < profile.maxClusters) {
        if (alive.length > 0) {
          await log(
            "info",
            `All ${alive.length} cluster(s) of profile ${profile.name} are busy; creating another one`,
          );
        }
        const { cluster_id } = await rest.createCluster(createSpecFor(profile), call);
        await log("info", `Created cluster ${cluster_id} from profile ${profile.name}`);
        const cluster: ClusterDetails = { cluster_id, state: "PENDING" };
        return { cluster, action: "created" as const, release: await load.acquire(cluster_id) };
      }
      return undefined;
    });
  // The lock may be held by another job: an abort does not wait for it, and a slot taken after
  // the abort is given back.
  const pick = () => raceAbort(pickOnce(), signal, (late) => late?.release());

  const poll = { initialMs: 2_000, maxMs: 15_000, timeoutMs: 30 * 60_000, ...o.poll };
  const t0 = Date.now();
  let saidBusy = false;
  const choice = await pollWithBackoff(
    async () => {
      const picked = await pick();
      if (picked) return picked;
      if (!saidBusy) {
        await log(
          "info",
          `All ${profile.maxClusters} cluster(s) of profile ${profile.name} are busy; waiting for a free one`,
        );
        saidBusy = true;
      }
      if (Date.now() - t0 > poll.timeoutMs) {
        throw new DatabricksApiError(
          `No cluster of profile ${profile.name} became free in time`,
          200,
          "TIMEOUT",
        );
      }
      return undefined;
    },
    { initialDelayMs: poll.initialMs, maxDelayMs: poll.maxMs, signal },
  );

  const { release } = choice;
  try {
    const waitedMs = await waitRunning(o, choice.cluster, poll);
    return { clusterId: choice.cluster.cluster_id, action: choice.action, waitedMs, release };
  } catch (e) {
    release();
    throw e;
  }
}

async function waitRunning(
  o: EnsureClusterOptions,
  first: ClusterDetails,
  poll: { initialMs: number; maxMs: number; timeoutMs: number },
): Promise<number> {
  const { rest, log, signal } = o;
  const call = signal ? { signal } : {};
  const id = first.cluster_id;
  const t0 = Date.now();
  let cluster = first.state === "RUNNING" ? first : await rest.getCluster(id, call);
  await pollWithBackoff(
    async (n) => {
      if (n > 1) cluster = await rest.getCluster(id, call);
      if (cluster.state === "RUNNING") return cluster;
      const elapsed = Date.now() - t0;
      if (cluster.state === "ERROR" || (cluster.state === "TERMINATED" && first.state !== "TERMINATED")) {
        throw new DatabricksApiError(
          `Cluster ${id} is ${cluster.state}${cluster.state_message ? `: ${cluster.state_message}` : ""}`,
          200,
          "INVALID_STATE",
        );
      }
      // Just started: Databricks may still report TERMINATED for a moment; start is a no-op otherwise.
      if (cluster.state === "TERMINATED") await rest.startCluster(id, call);
      if (elapsed > poll.timeoutMs) {
        throw new DatabricksApiError(
          `Cluster ${id} did not reach RUNNING within ${formatDuration(poll.timeoutMs)}`,
          200,
          "TIMEOUT",
        );
      }
      await log("info", `waiting for cluster ${id} (${cluster.state}, ${formatDuration(elapsed)})`);
      return undefined;
    },
    { initialDelayMs: poll.initialMs, maxDelayMs: poll.maxMs, signal },
  );
  const waited = Date.now() - t0;
  if (waited > 0 && first.state !== "RUNNING") {
    await log("info", `Cluster ${id} is RUNNING (after ${formatDuration(waited)})`);
  }
  return first.state === "RUNNING" ? 0 : waited;
}
