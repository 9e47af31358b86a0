import pRetry from "p-retry";
import { sleep } from "./abortable-sleep.ts";

export type BackoffOptions = {
  /** Attempts in all, the first included (Infinity: until the caller's rule refuses). */
  attempts: number;
  /** The first wait; it doubles per attempt up to `maxDelayMs`, each wait jittered by 1-2x. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Give up once this much time has passed since the first attempt (default: no limit). */
  maxTimeMs?: number;
};

/**
 * Runs `fn` until it succeeds, `isRetried` refuses the error, or the attempts or time run out
 * (p-retry: exponential backoff with jitter, so clients that failed together do not come back
 * together). The signal stops it at once, between or during waits, rejecting with its reason
 * (also when `fn` fails because of the abort). `retryAfterMs` is the server's own hint (a
 * Retry-After header): the wait is then at least that long, still capped by `maxDelayMs`.
 */
export function withBackoff<T>(
  fn: (call: number) => Promise<T>,
  o: BackoffOptions & {
    isRetried: (e: unknown) => boolean;
    retryAfterMs?: (e: unknown) => number | undefined;
    signal?: AbortSignal | undefined;
  },
): Promise<T> {
  const { signal } = o;
  return pRetry(
    async (call) => {
      try {
        return await fn(call);
      } catch (e) {
        if (signal?.aborted) throw signal.reason;
        // p-retry turns a thrown non-Error (the driver throws such) into a TypeError it never
        // retries: carry it inside an Error so the caller's rule decides and sees what was thrown.
        throw e instanceof Error ? e : new NonError(e);
      }
    },
    {
      retries: Math.max(0, o.attempts - 1),
      factor: 2,
      minTimeout: o.initialDelayMs,
      maxTimeout: o.maxDelayMs,
      randomize: true,
      ...(o.maxTimeMs !== undefined ? { maxRetryTime: o.maxTimeMs } : {}),
      ...(signal ? { signal } : {}),
      shouldRetry: ({ error }) => !signal?.aborted && o.isRetried(unwrap(error)),
      // Runs before p-retry's own (jittered) wait: tops it up to the server's hint.
      onFailedAttempt: async ({ error, retriesConsumed, retriesLeft }) => {
        const hint = o.retryAfterMs?.(unwrap(error));
        if (hint === undefined || retriesLeft <= 0 || signal?.aborted || !o.isRetried(unwrap(error))) return;
        const base = Math.min(o.initialDelayMs * 2 ** retriesConsumed, o.maxDelayMs);
        const extra = Math.min(hint, o.maxDelayMs) - base;
        if (extra > 0) await sleep(extra, signal);
      },
    },
  ).catch((e: unknown) => {
    throw signal?.aborted ? signal.reason : unwrap(e);
  });
}

/** Something thrown that is not an Error, carried through p-retry. */
class NonError extends Error {
  constructor(readonly value: unknown) {
    super(String(value));
  }
}

const unwrap = (e: unknown): unknown => (e instanceof NonError ? e.value : e);

/** "Not yet" from a poll's probe: the one failure `pollWithBackoff` retries. */
class NotYet extends Error {}

/**
 * Calls `probe` until it returns a value (undefined = not yet), waiting with the same jittered
 * exponential backoff between calls. An error from the probe (its own timeout, a failed call)
 * ends the poll as it is; the signal ends it at once with its reason.
 */
export function pollWithBackoff<T>(
  probe: (call: number) => Promise<T | undefined>,
  o: { initialDelayMs: number; maxDelayMs: number; signal?: AbortSignal | undefined },
): Promise<T> {
  return withBackoff(
    async (call) => {
      const value = await probe(call);
      if (value === undefined) throw new NotYet();
      return value;
    },
    { ...o, attempts: Number.POSITIVE_INFINITY, isRetried: (e) => e instanceof NotYet },
  );
}
