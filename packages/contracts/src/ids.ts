/**
 * Ids chosen before their row exists (storage paths derive from them). URL- and path-safe,
 * matching the id pattern the API and storage accept.
 */
export function newId(): string {
  return `x${globalThis.crypto.randomUUID().replaceAll("-", "")}`;
}
