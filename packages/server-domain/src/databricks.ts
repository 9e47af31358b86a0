// The Databricks rules that read or write Postgres: which connection, profile and user token a
// remote activity runs with, which connection's mount a recipe's displayed SQL reads through, and
// the demo connection `npm start` registers. @sous/databricks builds everything from the rows
// these functions read; it does no database I/O itself.
import type { SecretBox } from "@sous/config";
import { EngineChoiceSchema } from "@sous/contracts";
import {
  clusterPathFor,
  connectionConfigSchema,
  createRemoteEngine,
  type DatabricksTimeouts,
  DEMO_CONNECTION_NAME,
  DEMO_PROFILE,
  demoConnectionRecord,
  type MountMapping,
  mountMappingOf,
  type RemoteEngine,
  UNMOUNTED_CLUSTER_PREFIX,
} from "@sous/databricks";
import type { Db } from "@sous/db";
import type { DatasetStorage } from "@sous/storage";

/**
 * Everything the worker needs for one remote activity: the connection and compute profile rows,
 * and under per-user isolation the job's user's stored token, opened into a RemoteEngine.
 */
export async function loadRemoteEngine(o: {
  db: Db;
  secretBox: SecretBox;
  connectionId: string;
  profileId: string;
  /** The user the job runs for (per-user isolation); null for system jobs. */
  userId: string | null;
  /** The installation's storage (used when the connection mounts it). */
  installationStorage: DatasetStorage;
  /** For the Blob download cache of the mounted container. */
  dataDir: string;
  /** Connect and read timeouts of every REST call and SQL RPC (the worker's env). */
  timeouts?: DatabricksTimeouts;
}): Promise<RemoteEngine> {
  const connection = await o.db.connection.findUnique({ where: { id: o.connectionId } });
  if (!connection) throw new Error("The Databricks connection of this engine was deleted.");
  const profile = await o.db.computeProfile.findFirst({
    where: { id: o.profileId, connectionId: o.connectionId },
  });
  if (!profile) throw new Error(`The compute profile of connection "${connection.name}" was deleted.`);
  const userSecret = o.userId
    ? await o.db.userConnectionSecret.findUnique({
        where: { userId_connectionId: { userId: o.userId, connectionId: connection.id } },
        select: { secret: true },
      })
    : null;
  return createRemoteEngine({
    connection,
    profile,
    user: o.userId ? { id: o.userId, secret: userSecret?.secret ?? null } : null,
    secretBox: o.secretBox,
    installationStorage: o.installationStorage,
    dataDir: o.dataDir,
    ...(o.timeouts ? { timeouts: o.timeouts } : {}),
  });
}

/**
 * The cluster path of a storage key prefix for a recipe of a project, for SQL that is shown
 * rather than run: through the Databricks connection of the recipe's engine, else of the
 * project's engine, else a placeholder that is visibly not a path.
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

/**
 * Registers (or refreshes: the emulator's port and token are new at every start) the
 * "Databricks (local emulator)" connection and its one compute profile.
 */
export async function upsertDemoConnection(o: {
  db: Db;
  secretKey: string;
  workspaceUrl: string;
  token: string;
  /** What the emulator mounts at dbfs:/mnt/sous: the installation's own storage. */
  storagePrefix?: string;
}): Promise<{ connectionId: string; profileId: string }> {
  const existing = await o.db.connection.findUnique({ where: { name: DEMO_CONNECTION_NAME } });
  const id = existing?.id ?? "dbxlocalemulator";
  const row = demoConnectionRecord({ id, ...o });
  await o.db.connection.upsert({
    where: { id },
    create: { id, ...row },
    update: { config: row.config, secret: row.secret },
  });
  const profile =
    (await o.db.computeProfile.findFirst({ where: { connectionId: id, name: DEMO_PROFILE.name } })) ??
    (await o.db.computeProfile.create({ data: { connectionId: id, ...DEMO_PROFILE } }));
  return { connectionId: id, profileId: profile.id };
}
