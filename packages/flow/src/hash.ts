/** JSON with object keys sorted, so two equal specs always hash the same. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableStringify(obj[k])}`)
    .join(",")}}`;
}

// cyrb53 (a public-domain 53-bit string hash), run with two seeds for 106 bits. Not
// cryptographic: it only tells "same inputs" from "changed", and this package does no I/O, so it
// cannot use node:crypto and still be importable from the browser.
function cyrb53(s: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

export function hashString(s: string): string {
  return `${cyrb53(s, 1).toString(16).padStart(14, "0")}${cyrb53(s, 2).toString(16).padStart(14, "0")}`;
}

/**
 * What built a dataset version: the recipe's settings, its engine, the identity of every input
 * it read, in order, and which of the recipe's outputs it is. A dataset is outdated when this differs from what built its current version.
 */
export function recipeBuildHash(args: {
  spec: unknown;
  engine: string;
  inputs: readonly string[];
  /** The dataset written: the outputs of a split share spec and inputs but not their data. */
  output: string;
  /** A score recipe's active model version (absent for other recipes: their hashes are unchanged). */
  model?: string | null | undefined;
}): string {
  return hashString(
    stableStringify({
      v: 2,
      spec: args.spec,
      engine: args.engine,
      inputs: args.inputs,
      output: args.output,
      ...(args.model !== undefined ? { model: args.model } : {}),
    }),
  );
}

/**
 * The identity of a stored version as an input: the hash that built it, or its id for versions
 * nothing built (uploads), which change only when re-uploaded.
 */
export function versionIdentity(v: { id: string; buildHash: string | null }): string {
  return v.buildHash ?? `version:${v.id}`;
}
