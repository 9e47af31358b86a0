import path from "node:path";

/** Maps a cluster-visible prefix (e.g. `dbfs:/mnt/sous`) to an absolute local folder. */
export type MountTable = Readonly<Record<string, string>>;

export class UnmappedPathError extends Error {
  override readonly name = "UnmappedPathError";
}

// DBFS paths are often written without the scheme (`/mnt/sous/x`), which Databricks resolves
// against dbfs:. Normalising both sides to the `dbfs:/` form lets one mount entry serve both.
function normalise(p: string): string {
  const trimmed = p.replace(/\/+$/, "");
  if (trimmed.startsWith("/")) return `dbfs:${trimmed}`;
  return trimmed;
}

/**
 * Resolves a cluster path to a local path using the longest matching mount prefix.
 * Throws UnmappedPathError for paths outside every mount, including `..` escapes, so a
 * statement can never read or overwrite files the test did not hand to the emulator.
 */
export function resolveMountedPath(clusterPath: string, mounts: MountTable): string {
  const target = normalise(clusterPath);
  let best: { prefix: string; local: string } | undefined;
  for (const [prefix, local] of Object.entries(mounts)) {
    const p = normalise(prefix);
    const matches = target === p || target.startsWith(`${p}/`);
    if (matches && (!best || p.length > best.prefix.length)) best = { prefix: p, local };
  }
  if (!best) throw new UnmappedPathError(`Path ${clusterPath} is not under any mount of this workspace`);
  const rest = target.slice(best.prefix.length).replace(/^\/+/, "");
  const root = path.resolve(best.local);
  const resolved = path.resolve(root, rest);
  if (resolved !== root && !resolved.startsWith(`${root}${path.sep}`)) {
    throw new UnmappedPathError(`Path ${clusterPath} escapes its mount`);
  }
  return resolved;
}
