// Busy-ness of Databricks clusters shared by every worker process of the installation: the
// statements running on a cluster are Redis sorted-set members (one per slot, scored by the time
// it expires, renewed while the activity runs), and picking a cluster for a profile holds a Redis
// lock. So "every cluster of the profile is at its limit" counts the statements of ALL workers,
// and a worker killed mid-run frees its slots when they expire instead of leaving them taken.
import { randomUUID } from "node:crypto";
import { type ClusterLoad, pollWithBackoff } from "@sous/databricks";
import type { Redis } from "ioredis";

// Deletes the lock only if it is still ours; renews it only if it is still ours.
const UNLOCK = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

export function createRedisClusterLoad(o: {
  redis: Redis;
  /** The installation's queue prefix, so two installations on one Redis do not mix. */
  prefix: string;
  /** A slot not renewed for this long is freed (a killed worker's). */
  slotTtlMs?: number;
  /** The pick lock expires after this long if its holder dies. */
  lockTtlMs?: number;
}): ClusterLoad {
  const { redis, prefix } = o;
  const slotTtlMs = o.slotTtlMs ?? 60_000;
  const lockTtlMs = o.lockTtlMs ?? 30_000;
  const slots = (clusterId: string) => `${prefix}:dbx:slots:${clusterId}`;

  return {
    async active(clusterId) {
      const key = slots(clusterId);
      const r = await redis.multi().zremrangebyscore(key, "-inf", Date.now()).zcard(key).exec();
      return Number(r?.[1]?.[1] ?? 0);
    },
    async acquire(clusterId) {
      const key = slots(clusterId);
      const slot = randomUUID();
      const hold = () =>
        redis
          .multi()
          .zadd(key, Date.now() + slotTtlMs, slot)
          .pexpire(key, slotTtlMs * 2)
          .exec();
      await hold();
      const renew = setInterval(() => void hold().catch(() => {}), Math.max(50, slotTtlMs / 3));
      renew.unref();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        clearInterval(renew);
        void redis.zrem(key, slot).catch(() => {});
      };
    },
    async exclusive(key, fn) {
      const lock = `${prefix}:dbx:pick:${key}`;
      const token = randomUUID();
      // Waiters back off with jitter, so they do not all come back at the same moment.
      await pollWithBackoff(
        async () => ((await redis.set(lock, token, "PX", lockTtlMs, "NX")) === "OK" ? true : undefined),
        { initialDelayMs: 20, maxDelayMs: 250 },
      );
      const renew = setInterval(
        () => void redis.eval(RENEW, 1, lock, token, String(lockTtlMs)).catch(() => {}),
        Math.max(50, lockTtlMs / 3),
      );
      renew.unref();
      try {
        return await fn();
      } finally {
        clearInterval(renew);
        await redis.eval(UNLOCK, 1, lock, token).catch(() => {});
      }
    },
  };
}
