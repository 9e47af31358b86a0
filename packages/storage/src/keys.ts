import { InvalidStorageKeyError } from "./errors.ts";

/**
 * Keys are "/"-separated relative paths. They are checked here, once, for every backend, so
 * that no caller-supplied string can climb out of the storage root (local) or address
 * something the studio did not mean to (blob).
 */

/** Internal bookkeeping lives under this first segment of the local root; callers cannot use it. */
export const RESERVED_ROOT_SEGMENT = ".sous";

// Azure caps blob names at 1024 characters; use the same cap everywhere so a key that works
// locally also works on blob.
const MAX_KEY_LENGTH = 1024;

// Control characters (including NUL) break file systems and log lines alike.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

function checkSegments(original: string, path: string): void {
  if (path.length === 0) throw new InvalidStorageKeyError(original, "empty");
  if (path.length > MAX_KEY_LENGTH) throw new InvalidStorageKeyError(original, "too long");
  if (path.startsWith("/")) throw new InvalidStorageKeyError(original, "absolute paths are not allowed");
  if (path.includes("\\")) throw new InvalidStorageKeyError(original, "backslashes are not allowed");
  if (CONTROL_CHARS.test(path))
    throw new InvalidStorageKeyError(original, "control characters are not allowed");
  const segments = path.split("/");
  for (const segment of segments) {
    if (segment === "") throw new InvalidStorageKeyError(original, "empty path segment");
    if (segment === "." || segment === "..") {
      throw new InvalidStorageKeyError(original, `"${segment}" segments are not allowed`);
    }
  }
  if (segments[0] === RESERVED_ROOT_SEGMENT) {
    throw new InvalidStorageKeyError(original, `"${RESERVED_ROOT_SEGMENT}" is reserved`);
  }
}

/** Validates a key naming one object (no trailing slash) and returns it unchanged. */
export function validateKey(key: string): string {
  if (typeof key !== "string") throw new InvalidStorageKeyError(String(key), "not a string");
  checkSegments(key, key);
  return key;
}

/**
 * Validates a prefix and returns it with exactly one trailing "/". Prefixes are folders:
 * normalising the slash means "a/b" never matches "a/bc/..." on blob, where prefixes are
 * plain string prefixes.
 */
export function normalizePrefix(prefix: string): string {
  if (typeof prefix !== "string") throw new InvalidStorageKeyError(String(prefix), "not a string");
  const body = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  checkSegments(prefix, body);
  return `${body}/`;
}
