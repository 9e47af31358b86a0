import { createHash, createHmac, randomBytes } from "node:crypto";

/** The channel the ApiService/ApiEndpoint/ApiDeployment/ApiServiceKey triggers notify on. */
export const API_CHANGE_CHANNEL = "sous_api_change";

/** Service keys start with this, so a leaked one is recognisable (and told apart from user keys). */
export const API_SERVICE_KEY_PREFIX = "sapi_";

/** Service and endpoint names are URL segments: letters, digits, `_` and `-`. */
export const SERVICE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/** A 256-bit random key; only its hash is stored (the studio shows the key once). */
export function newServiceKey(): { key: string; prefix: string; keyHash: string } {
  const key = API_SERVICE_KEY_PREFIX + randomBytes(32).toString("base64url");
  return { key, prefix: key.slice(0, API_SERVICE_KEY_PREFIX.length + 6), keyHash: hashServiceKey(key) };
}

/** sha256 hex, as user API keys: the keys are random, so a fast hash is enough and lookups are exact. */
export function hashServiceKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/**
 * The bearer token of the API node's admin routes (metrics), derived from the installation's
 * SOUS_SECRET_KEY, which the studio and the node both hold: no second secret to distribute.
 */
export function apiNodeAdminToken(secretKeyBase64: string): string {
  return createHmac("sha256", Buffer.from(secretKeyBase64, "base64"))
    .update("sous-api-node-admin")
    .digest("base64url");
}
