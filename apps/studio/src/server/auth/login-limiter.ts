import { createHash } from "node:crypto";
import { AppError } from "@sous/contracts";

/** The few commands the limiter needs; an ioredis client has them. */
export interface LimiterRedis {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

export interface LoginLimiterOptions {
  /** Key prefix, e.g. the queue prefix "sous": keys are `<prefix>:login-failures:...`. */
  prefix: string;
  /** Failed sign-ins an account may have in a window before it is locked until the window ends. */
  maxPerAccount: number;
  /** Failed sign-ins an address may have in a window, over every account. */
  maxPerAddress: number;
  windowSeconds: number;
  /** How long to wait for Redis before refusing the sign-in (503). */
  timeoutMs?: number;
}

/** Who is signing in: the account (lowercase email) and the client address. */
export interface LoginAttempt {
  account: string;
  address: string;
}

// Refuses when either counter is at its limit (answering the longest wait, in ms); otherwise counts
// the attempt on both, the window starting at a counter's first failure. Atomic, so a burst of
// parallel guesses cannot all pass the check before any of them is counted.
const ACQUIRE = `
local window = tonumber(ARGV[1])
local wait = 0
for i, k in ipairs(KEYS) do
  local n = tonumber(redis.call('GET', k) or '0')
  if n >= tonumber(ARGV[i + 1]) then
    local ttl = redis.call('PTTL', k)
    if ttl < 0 then redis.call('PEXPIRE', k, window); ttl = window end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for i, k in ipairs(KEYS) do
  if redis.call('INCR', k) == 1 then redis.call('PEXPIRE', k, window) end
end
return 0
`;

// A success: the account starts over; the address's count of this attempt is taken back.
const SUCCEED = `
redis.call('DEL', KEYS[1])
local n = tonumber(redis.call('GET', KEYS[2]) or '0')
if n > 0 then redis.call('DECR', KEYS[2]) end
return 0
`;

/**
 * Limits failed sign-ins per account and per address, in Redis so every studio process shares
 * the counts. `acquire` before checking the password (it counts the attempt as a failure up front),
 * `succeed` after a right one. Accounts are keyed by a hash of the email, so Redis holds no email.
 */
export class LoginLimiter {
  constructor(
    private readonly redis: LimiterRedis,
    private readonly opts: LoginLimiterOptions,
  ) {}

  private keys(a: LoginAttempt): [string, string] {
    const account = createHash("sha256").update(a.account.trim().toLowerCase()).digest("hex");
    return [
      `${this.opts.prefix}:login-failures:account:${account}`,
      `${this.opts.prefix}:login-failures:address:${a.address}`,
    ];
  }

  private async run(script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("timeout")), this.opts.timeoutMs ?? 2000);
    });
    try {
      return await Promise.race([this.redis.eval(script, keys.length, ...keys, ...args), timeout]);
    } catch (e) {
      console.warn(`[auth] sign-in limiter: ${(e as Error).message}`);
      throw new AppError(
        "unavailable",
        "Signing in is unavailable: the studio cannot reach Redis (REDIS_URL) to count failed sign-ins. Try again shortly.",
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** Counts the attempt, or throws `rate_limited` (with the seconds to wait) when a limit is reached. */
  async acquire(a: LoginAttempt): Promise<void> {
    const o = this.opts;
    const waitMs = Number(
      await this.run(ACQUIRE, this.keys(a), [o.windowSeconds * 1000, o.maxPerAccount, o.maxPerAddress]),
    );
    if (waitMs > 0) {
      const retryAfterSeconds = Math.ceil(waitMs / 1000);
      const minutes = Math.ceil(retryAfterSeconds / 60);
      throw new AppError(
        "rate_limited",
        `Too many failed sign-ins for this account or from this address. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
        { details: { retryAfterSeconds } },
      );
    }
  }

  /** The password was right: the account's failures are forgotten, and this attempt is not one. */
  async succeed(a: LoginAttempt): Promise<void> {
    await this.run(SUCCEED, this.keys(a), []);
  }
}
