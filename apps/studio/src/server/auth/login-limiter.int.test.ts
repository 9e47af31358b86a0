import { randomBytes } from "node:crypto";
import { AppError } from "@sous/contracts";
import { createRedisConnection } from "@sous/queue";
import { afterAll, describe, expect, it } from "vitest";
import { type LoginAttempt, LoginLimiter } from "./login-limiter.ts";

// The sign-in limiter against the real Redis: counts, limits, windows and resets.
const redisUrl = process.env.SOUS_TEST_REDIS_URL ?? "";

describe.skipIf(!redisUrl)("LoginLimiter", () => {
  const redis = createRedisConnection(redisUrl);
  const prefix = `sous-limiter-${randomBytes(4).toString("hex")}`;
  const limiter = new LoginLimiter(redis, { prefix, maxPerAccount: 3, maxPerAddress: 5, windowSeconds: 60 });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  let n = 0;
  const attempt = (address = `10.0.0.${++n}`): LoginAttempt => ({ account: `u${++n}@example.com`, address });
  const refusal = (p: Promise<void>) =>
    p.then(
      () => null,
      (e: unknown) => {
        expect(e).toBeInstanceOf(AppError);
        return e as AppError;
      },
    );

  it("locks an account after its limit, for the rest of the window, with the wait in seconds", async () => {
    const a = attempt();
    for (let i = 0; i < 3; i++) expect(await refusal(limiter.acquire(a))).toBeNull();
    const e = await refusal(limiter.acquire(a));
    expect(e?.code).toBe("rate_limited");
    expect(e?.message).toBe(
      "Too many failed sign-ins for this account or from this address. Try again in 1 minute.",
    );
    expect(e?.details?.retryAfterSeconds).toBeGreaterThan(55);
    expect(e?.details?.retryAfterSeconds).toBeLessThanOrEqual(60);
    // Another address does not help, and the case of the email does not either.
    expect(
      await refusal(limiter.acquire({ ...a, address: "10.9.9.9", account: a.account.toUpperCase() })),
    ).not.toBeNull();
    // Refused attempts are not counted: the address has only the three.
    const keys = await redis.keys(`${prefix}:login-failures:address:${a.address}`);
    expect(await redis.get(keys[0] ?? "")).toBe("3");
  });

  it("lets parallel guesses through only up to the limit", async () => {
    const a = attempt();
    const results = await Promise.all(Array.from({ length: 12 }, () => refusal(limiter.acquire(a))));
    expect(results.filter((r) => r === null)).toHaveLength(3);
  });

  it("forgets an account's failures on success, and never counts successes", async () => {
    const a = attempt();
    const addressKey = `${prefix}:login-failures:address:${a.address}`;
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 2; i++) await limiter.acquire(a); // two wrong passwords
      await limiter.acquire(a); // the third attempt reaches the limit, and is right
      await limiter.succeed(a);
    }
    // Four failures from the address; the account starts over after each success.
    expect(await redis.get(addressKey)).toBe("4");
    expect(await refusal(limiter.acquire(a))).toBeNull();
    const b = attempt("10.1.1.1");
    for (let i = 0; i < 10; i++) {
      await limiter.acquire(b);
      await limiter.succeed(b);
    }
    expect(await refusal(limiter.acquire(b))).toBeNull();
  });

  it("limits an address over every account", async () => {
    const address = "10.2.2.2";
    for (let i = 0; i < 5; i++) expect(await refusal(limiter.acquire(attempt(address)))).toBeNull();
    expect((await refusal(limiter.acquire(attempt(address))))?.code).toBe("rate_limited");
    expect(await refusal(limiter.acquire(attempt("10.2.2.3")))).toBeNull();
  });

  it("starts over when the window ends", async () => {
    const short = new LoginLimiter(redis, { prefix, maxPerAccount: 1, maxPerAddress: 10, windowSeconds: 1 });
    const a = attempt();
    await short.acquire(a);
    expect((await refusal(short.acquire(a)))?.code).toBe("rate_limited");
    await new Promise((r) => setTimeout(r, 1100));
    expect(await refusal(short.acquire(a))).toBeNull();
  });

  it("refuses with 503 when Redis does not answer", async () => {
    const down = createRedisConnection("redis://127.0.0.1:1", { lazyConnect: true });
    down.on("error", () => {});
    const l = new LoginLimiter(down, {
      prefix,
      maxPerAccount: 1,
      maxPerAddress: 1,
      windowSeconds: 1,
      timeoutMs: 300,
    });
    const e = await refusal(l.acquire(attempt()));
    expect(e?.code).toBe("unavailable");
    expect(e?.message).toMatch(/cannot reach Redis \(REDIS_URL\)/);
    down.disconnect();
  });
});
