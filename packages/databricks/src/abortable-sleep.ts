/** setTimeout as a promise that rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Awaits `p`, or rejects with the signal's reason as soon as it aborts (whatever `p` is stuck on).
 * `onLate` receives the value should `p` resolve after the abort, so it can be released.
 */
export function raceAbort<T>(
  p: Promise<T>,
  signal: AbortSignal | undefined,
  onLate?: (v: T) => void,
): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) {
    p.then((v) => onLate?.(v)).catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const onAbort = () => {
      if (done) return;
      done = true;
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        if (done) onLate?.(v);
        else {
          done = true;
          resolve(v);
        }
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        if (!done) {
          done = true;
          reject(e);
        }
      },
    );
  });
}

/** Waits for `p` at most `ms`; never rejects. For cleanup that must not hold anything up. */
export async function settleWithin(p: Promise<unknown>, ms: number): Promise<void> {
  const guarded = p.then(
    () => undefined,
    () => undefined,
  );
  if (ms <= 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([guarded, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

/** The signals that are set, as one (undefined when none is). */
export function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const set = signals.filter((s): s is AbortSignal => s !== undefined);
  if (set.length <= 1) return set[0];
  return AbortSignal.any(set);
}
