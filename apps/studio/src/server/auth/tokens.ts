import { createHash, randomBytes } from "node:crypto";

export const SESSION_COOKIE = "sous_session";
export const API_KEY_PREFIX = "sous_";

/** 256-bit random tokens; only their sha256 is stored, so a database leak reveals no usable token. */
export function newToken(prefix = ""): string {
  return prefix + randomBytes(32).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
