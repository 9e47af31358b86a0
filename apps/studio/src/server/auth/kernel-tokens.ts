import { randomBytes } from "node:crypto";
import { hashToken } from "./tokens.ts";

// A Python notebook's kernel calls the studio back (the `sous` package) with a token of its own,
// minted when the studio starts the kernel and given to it in its environment. It stands for the
// notebook's user (the studio's usual project permissions then apply to every call) and only
// while the kernel lives: it is revoked when the kernel stops, and lasts at most MAX_AGE_MS.
// Kept in this process's memory (hashed), like the kernels themselves, which die with it.

export const KERNEL_TOKEN_PREFIX = "sousk_";
const MAX_AGE_MS = 7 * 24 * 60 * 60_000;

const g = globalThis as unknown as {
  __sousKernelTokens?: Map<string, { userId: string; expiresAt: number }>;
};
if (!g.__sousKernelTokens) g.__sousKernelTokens = new Map();
const tokens = g.__sousKernelTokens;

/** A new token for `userId`; `revoke` ends it (idempotent). */
export function mintKernelToken(userId: string): { token: string; revoke: () => void } {
  const token = `${KERNEL_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const hash = hashToken(token);
  tokens.set(hash, { userId, expiresAt: Date.now() + MAX_AGE_MS });
  return { token, revoke: () => void tokens.delete(hash) };
}

/** The user a live kernel token stands for; null when unknown, revoked or expired. */
export function kernelTokenUserId(token: string): string | null {
  const hash = hashToken(token);
  const t = tokens.get(hash);
  if (!t) return null;
  if (t.expiresAt < Date.now()) {
    tokens.delete(hash);
    return null;
  }
  return t.userId;
}
