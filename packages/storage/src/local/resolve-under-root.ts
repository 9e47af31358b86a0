import { resolve, sep } from "node:path";
import { InvalidStorageKeyError } from "../errors.ts";

/**
 * Second line of defence after key validation: whatever the key, the resolved path must stay
 * strictly inside `root`. Cheap, and it keeps holding if validation rules ever loosen.
 */
export function resolveUnderRoot(root: string, key: string): string {
  const full = resolve(root, key);
  if (!full.startsWith(root.endsWith(sep) ? root : root + sep)) {
    throw new InvalidStorageKeyError(key, "resolves outside the storage root");
  }
  return full;
}
