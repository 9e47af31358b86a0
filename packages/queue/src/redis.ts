import { Redis } from "ioredis";

/**
 * BullMQ needs `maxRetriesPerRequest: null` on worker connections (a blocking command must
 * not fail after N retries while Redis restarts) and Redis with `maxmemory-policy noeviction`.
 */
export function createRedisConnection(url: string, opts?: { lazyConnect?: boolean }): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: opts?.lazyConnect,
  });
}
