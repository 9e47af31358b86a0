// Busy clusters counted across worker processes: two loads on the same Redis prefix (what two
// worker processes build at boot) must see each other's statements, so the second activity gets
// a second cluster instead of piling onto the busy one; two picks racing for the last free slot
// are serialised; a slot nobody renews any more (a killed worker) stops counting.
import { randomBytes } from "node:crypto";
import {
  type ComputeProfileRef,
  createClusterLoad,
  createDatabricksRestClient,
  type DatabricksRestClient,
  ensureCluster,
} from "@sous/databricks";
import { type DatabricksEmulator, startDatabricksEmulator } from "@sous/databricks-emulator";
import { createRedisConnection } from "@sous/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisClusterLoad } from "../src/redis-cluster-load.ts";
import { hasServices, redisUrl } from "./fixture.ts";

const TOKEN = `dapi${randomBytes(10).toString("hex")}`;
const fastPoll = { initialMs: 50, maxMs: 200, timeoutMs: 20_000 };
let seq = 0;
const profile = (over: Partial<ComputeProfileRef> = {}): ComputeProfileRef => ({
  id: `rload${randomBytes(3).toString("hex")}${++seq}`,
  name: `p${seq}`,
  spec: { spark_version: "15.4.x-scala2.12", num_workers: 1 },
  maxClusters: 2,
  maxActiveStatements: 1,
  ...over,
});
const log = () => {};

describe.skipIf(!hasServices)("cluster load shared through Redis", () => {
  let emu: DatabricksEmulator;
  let rest: DatabricksRestClient;
  const prefix = `sous-rload-${randomBytes(4).toString("hex")}`;
  const redisA = createRedisConnection(redisUrl);
  const redisB = createRedisConnection(redisUrl);
  // Two "worker processes": separate connections and load objects, one Redis prefix.
  const workerA = createRedisClusterLoad({ redis: redisA, prefix });
  const workerB = createRedisClusterLoad({ redis: redisB, prefix });

  beforeAll(async () => {
    emu = await startDatabricksEmulator({ token: TOKEN, mounts: {}, clusterStartDelayMs: 100 });
    rest = createDatabricksRestClient({ baseUrl: emu.url, token: TOKEN, retry: { initialDelayMs: 20 } });
  });
  afterAll(async () => {
    for await (const keys of redisA.scanStream({ match: `${prefix}*`, count: 200 }))
      if ((keys as string[]).length) await redisA.del(...(keys as string[]));
    redisA.disconnect();
    redisB.disconnect();
    await emu?.stop();
  });

  it("a cluster busy with worker A's statement counts as busy for worker B: B gets a second cluster", async () => {
    const p = profile();
    const a = await ensureCluster({ rest, profile: p, load: workerA, log, poll: fastPoll });
    expect(a.action).toBe("created");
    expect(await workerB.active(a.clusterId)).toBe(1);
    const b = await ensureCluster({ rest, profile: p, load: workerB, log, poll: fastPoll });
    expect(b.action).toBe("created");
    expect(b.clusterId).not.toBe(a.clusterId);
    a.release();
    b.release();
    await expect.poll(() => workerB.active(a.clusterId)).toBe(0);
    // Free again: the next activity, from either process, reuses a running cluster.
    const c = await ensureCluster({ rest, profile: p, load: workerB, log, poll: fastPoll });
    expect(c.action).toBe("reused");
    expect([a.clusterId, b.clusterId]).toContain(c.clusterId);
    c.release();
  });

  it("in-process counting alone would put both activities on one cluster (what the shared load prevents)", async () => {
    const p = profile();
    const a = await ensureCluster({ rest, profile: p, load: createClusterLoad(), log, poll: fastPoll });
    const b = await ensureCluster({ rest, profile: p, load: createClusterLoad(), log, poll: fastPoll });
    expect(b.clusterId).toBe(a.clusterId);
    a.release();
    b.release();
  });

  it("two processes racing for the last free slot: one reuses it, the other creates a cluster", async () => {
    const p = profile();
    const warm = await ensureCluster({ rest, profile: p, load: workerA, log, poll: fastPoll });
    warm.release();
    await expect.poll(() => workerA.active(warm.clusterId)).toBe(0);
    const [x, y] = await Promise.all([
      ensureCluster({ rest, profile: p, load: workerA, log, poll: fastPoll }),
      ensureCluster({ rest, profile: p, load: workerB, log, poll: fastPoll }),
    ]);
    expect([x.action, y.action].sort()).toEqual(["created", "reused"]);
    expect(x.clusterId).not.toBe(y.clusterId);
    x.release();
    y.release();
  });

  it("a slot nobody renews (its worker was killed) stops counting once it expires", async () => {
    const short = createRedisClusterLoad({ redis: redisA, prefix: `${prefix}-ttl`, slotTtlMs: 300 });
    const clusterId = "1125-000000-ghost";
    const release = await short.acquire(clusterId); // renewed while this process lives
    await new Promise((r) => setTimeout(r, 700));
    expect(await short.active(clusterId)).toBe(1);
    // A killed worker's slot: written once, never renewed.
    await redisA.zadd(`${prefix}-ttl:dbx:slots:${clusterId}`, Date.now() + 200, "killed-worker-slot");
    expect(await short.active(clusterId)).toBe(2);
    await new Promise((r) => setTimeout(r, 400));
    expect(await short.active(clusterId)).toBe(1);
    release();
    await expect.poll(() => short.active(clusterId)).toBe(0);
    await redisA.del(`${prefix}-ttl:dbx:slots:${clusterId}`);
  });
});
