import { describe, expect, it } from "vitest";
import { pollWithBackoff, withBackoff } from "../src/retry.ts";

const fast = { initialDelayMs: 5, maxDelayMs: 20 };

describe("withBackoff", () => {
  it("retries what the rule retries, up to the attempts, then throws the last error", async () => {
    let calls = 0;
    const error = await withBackoff(
      async () => {
        calls++;
        throw new Error(`fail ${calls}`);
      },
      { ...fast, attempts: 3, isRetried: () => true },
    ).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect((error as Error).message).toBe("fail 3");
  });

  it("stops at the first error the rule refuses, and carries non-Errors as they were thrown", async () => {
    let calls = 0;
    const thrown = { statusCode: 400 };
    const error = await withBackoff(
      async () => {
        calls++;
        throw thrown;
      },
      { ...fast, attempts: 5, isRetried: () => false },
    ).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(error).toBe(thrown);
  });

  it("waits between 1x and 2x the doubling delay (jitter), capped", async () => {
    const at: number[] = [];
    await withBackoff(
      async () => {
        at.push(performance.now());
        if (at.length < 4) throw new Error("again");
      },
      { initialDelayMs: 40, maxDelayMs: 100, attempts: 4, isRetried: () => true },
    );
    const waits = at.slice(1).map((t, i) => t - (at[i] ?? 0));
    // 40..80, 80..100 (capped), 100 (capped); timers may fire a little late, never early.
    expect(waits[0]).toBeGreaterThanOrEqual(39);
    expect(waits[1]).toBeGreaterThanOrEqual(79);
    expect(waits[2]).toBeGreaterThanOrEqual(99);
  });

  it("waits at least the server's Retry-After hint", async () => {
    const at: number[] = [];
    await withBackoff(
      async () => {
        at.push(performance.now());
        if (at.length < 2) throw new Error("busy");
      },
      { initialDelayMs: 5, maxDelayMs: 1_000, attempts: 2, isRetried: () => true, retryAfterMs: () => 150 },
    );
    expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(149);
  });

  it("rejects with the signal's reason at once when aborted during a wait", async () => {
    const controller = new AbortController();
    const reason = new Error("cancelled by the user");
    const started = performance.now();
    const p = withBackoff(
      async () => {
        throw new Error("down");
      },
      {
        initialDelayMs: 5_000,
        maxDelayMs: 5_000,
        attempts: 3,
        isRetried: () => true,
        signal: controller.signal,
      },
    );
    setTimeout(() => controller.abort(reason), 30);
    await expect(p).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("gives up once maxTimeMs has passed", async () => {
    let calls = 0;
    await expect(
      withBackoff(
        async () => {
          calls++;
          throw new Error("down");
        },
        { initialDelayMs: 40, maxDelayMs: 40, attempts: 100, maxTimeMs: 100, isRetried: () => true },
      ),
    ).rejects.toThrow("down");
    expect(calls).toBeLessThan(6);
  });
});

describe("pollWithBackoff", () => {
  it("polls until the probe gives a value; a probe error ends the poll", async () => {
    let n = 0;
    expect(await pollWithBackoff(async (call) => (call < 3 ? undefined : `ready after ${call}`), fast)).toBe(
      "ready after 3",
    );
    await expect(
      pollWithBackoff(async () => {
        n++;
        if (n === 2) throw new Error("cluster ERROR");
        return undefined;
      }, fast),
    ).rejects.toThrow("cluster ERROR");
    expect(n).toBe(2);
  });
});
