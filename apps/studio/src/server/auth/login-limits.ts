import "server-only";
import { createRedisConnection } from "@sous/queue";
import { env } from "../env.ts";
import { LoginLimiter } from "./login-limiter.ts";

/** 10 failed sign-ins per account and 50 per address in 15 minutes; successes are not counted. */
const LOGIN_LIMITS = { maxPerAccount: 10, maxPerAddress: 50, windowSeconds: 15 * 60 };

const g = globalThis as unknown as { __sousLoginLimiter?: LoginLimiter };

/** The studio's sign-in limiter, on its own Redis connection, keys under the queue prefix. */
export function loginLimiter(): LoginLimiter {
  if (g.__sousLoginLimiter) return g.__sousLoginLimiter;
  const e = env();
  const redis = createRedisConnection(e.REDIS_URL, { lazyConnect: true });
  // Failures surface as a 503 on sign-in (the limiter's timeout); do not log every reconnect.
  redis.on("error", () => {});
  g.__sousLoginLimiter = new LoginLimiter(redis, { prefix: e.SOUS_QUEUE_PREFIX, ...LOGIN_LIMITS });
  return g.__sousLoginLimiter;
}

/**
 * The client's address: the last X-Forwarded-For entry, the one the nearest proxy added (Next
 * sets the header to the socket's address when no proxy did). A client that reaches the studio
 * directly can choose it, so the per-account limit is what holds against such a client.
 */
export function clientAddress(headers: Headers): string {
  const last = headers.get("x-forwarded-for")?.split(",").pop()?.trim();
  return last || "unknown";
}
