// Where Databricks reads a dataset version, for SQL that is shown rather than run (the recipe
// editor, compile, a local run's "what Databricks would run"). It is the same mapping a remote
// build uses (storage key prefix -> the connection's storage prefix), so the text shown is the
// text a build sends; never a folder of the Sous server, which no cluster can see. Which
// connection applies to a recipe is read from Postgres by @sous/server-domain's clusterPathResolver.
import type { ConnectionConfig } from "./connection-config.ts";
import type { MountMapping } from "./mount-mapping.ts";

/** The mount mapping of a connection, as `loadRemoteEngine` gives it to a remote build. */
export function mountMappingOf(config: ConnectionConfig): MountMapping {
  // The mounted storage's keys are already relative to the mounted folder (storageUnderFolder).
  return { clusterPrefix: config.storagePrefix.replace(/\/+$/, "") };
}

/**
 * Stands for the storage prefix when no Databricks connection applies: visibly not a path (a
 * build on Databricks would put the connection's prefix, e.g. dbfs:/mnt/sous, there).
 */
export const UNMOUNTED_CLUSTER_PREFIX = "<databricks-storage-prefix>";
