// Where Databricks reads a dataset version, for SQL that is shown rather than run (the recipe
// editor, compile, a local run's "what Databricks would run"). It is the same mapping a remote
// build uses (storage key prefix -> the connection's storage prefix), so the text shown is the
// text a build sends; never a folder of the Sous server, which no cluster can see.
import { EngineChoiceSchema } from "@sous/contracts";
import type { Db } from "@sous/db";
import { type ConnectionConfig, connectionConfigSchema } from "./connection-config.ts";
import { clusterPathFor, type MountMapping } from "./mount-mapping.ts";

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

/**
 * The cluster path of a storage key prefix for a recipe of a project: through the Databricks
 * connection of the recipe's engine, else of the project's engine, else the placeholder.
 */
export async function clusterPathResolver(
  db: Db,
  o: { projectId: string; recipeEngine?: unknown },
): Promise<(storagePrefix: string) => string> {
  const mapping = await displayMapping(db, o);
  return (storagePrefix) => clusterPathFor(mapping, storagePrefix);
}

async function displayMapping(
  db: Db,
  o: { projectId: string; recipeEngine?: unknown },
): Promise<MountMapping> {
  const project = await db.project.findUnique({ where: { id: o.projectId }, select: { engine: true } });
  for (const choice of [o.recipeEngine, project?.engine]) {
    const parsed = EngineChoiceSchema.safeParse(choice);
    if (!parsed.success || parsed.data.kind !== "databricks") continue;
    const connection = await db.connection.findUnique({
      where: { id: parsed.data.connectionId },
      select: { config: true },
    });
    const config = connectionConfigSchema.safeParse(connection?.config);
    // A deleted or unreadable connection: the next choice, then the placeholder.
    if (config.success) return mountMappingOf(config.data);
  }
  return { clusterPrefix: UNMOUNTED_CLUSTER_PREFIX };
}
