// Where a dataset version is, as the cluster sees it. Sous keeps every version under a storage
// key prefix (projects/<p>/datasets/<d>/versions/<v>/) in the Blob container; the workspace
// reaches the same container through a storage prefix an admin configures (research §6).
import { locate } from "@sous/storage";
import { z } from "zod";

export const storagePrefixSchema = z
  .string()
  .trim()
  .regex(
    /^(dbfs:\/mnt\/[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*|abfss:\/\/[a-z0-9-]+@[a-z0-9]+\.dfs\.core\.windows\.net(\/[A-Za-z0-9_.-]+)*|\/Volumes\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*)\/?$/,
    "use dbfs:/mnt/<name>/..., abfss://<container>@<account>.dfs.core.windows.net/... or /Volumes/<catalog>/<schema>/<volume>/...",
  )
  .refine(
    (p) => !p.split("/").some((seg) => seg === "." || seg === ".."),
    "must not contain . or .. segments",
  )
  .transform((p) => p.replace(/\/+$/, ""));

export type MountMapping = {
  /** What the cluster sees, e.g. dbfs:/mnt/sous (no trailing slash). */
  clusterPrefix: string;
  /** Folder inside the container the prefix points at; "" = the container's root. */
  blobPrefix?: string;
};

/** The cluster path of a storage key prefix (`projects/.../versions/v1/` -> `dbfs:/mnt/sous/projects/.../v1`). */
export function clusterPathFor(mapping: MountMapping, storagePrefix: string): string {
  return locate({ kind: "mount", ...mapping }, storagePrefix.replace(/^\/+/, ""));
}

/**
 * The path to ask the workspace's REST API about (DBFS get-status takes /mnt/... without the
 * scheme). Undefined for abfss:// paths, which only a running cluster can look at.
 */
export function restPathFor(clusterPath: string): { api: "dbfs" | "files"; path: string } | undefined {
  if (clusterPath.startsWith("dbfs:/")) return { api: "dbfs", path: clusterPath.slice("dbfs:".length) };
  if (clusterPath.startsWith("/Volumes/")) return { api: "files", path: clusterPath };
  return undefined;
}

/** The SQL HTTP path of an all-purpose cluster; the org id is the number in adb-<id>.<n>.azuredatabricks.net. */
export function clusterHttpPath(workspaceUrl: string, clusterId: string): string {
  return `sql/protocolv1/o/${workspaceOrgId(workspaceUrl)}/${clusterId}`;
}

export function workspaceOrgId(workspaceUrl: string): string {
  const host = new URL(workspaceUrl).hostname;
  return /^adb-(\d+)\./.exec(host)?.[1] ?? "0";
}

export function sparkUiUrl(workspaceUrl: string, clusterId: string): string {
  const base = workspaceUrl.replace(/\/+$/, "");
  return `${base}/?o=${workspaceOrgId(workspaceUrl)}#setting/clusters/${clusterId}/sparkUi`;
}
