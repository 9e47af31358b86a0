// Everything the worker needs for one remote activity, built from the connection's stored rows
// (read from Postgres by @sous/server-domain's loadRemoteEngine; this package does no database
// I/O): the REST client and SQL runner factory under the right token, the compute profile, the
// mount mapping and the storage of the mounted container.
import path from "node:path";
import { type SecretBox, SecretBoxError } from "@sous/config";
import { createBlobStorage, type DatasetStorage } from "@sous/storage";
import { type ClusterSpec, clusterSpecSchema } from "./cluster-spec.ts";
import {
  type ConnectionConfig,
  connectionConfigSchema,
  connectionSecretContext,
  connectionSecretsSchema,
  resolveRunToken,
  UnreadableSecretError,
  userTokenContext,
} from "./connection-config.ts";
import type { ComputeProfileRef } from "./ensure-cluster.ts";
import { storageUnderFolder } from "./folder-storage.ts";
import { clusterHttpPath, type MountMapping, sparkUiUrl } from "./mount-mapping.ts";
import { mountMappingOf } from "./read-locations.ts";
import { createDatabricksRestClient, type DatabricksRestClient } from "./rest-client.ts";
import { createDatabricksSqlRunner, type DatabricksSqlRunner } from "./sql-runner.ts";
import type { DatabricksTimeouts } from "./timeouts.ts";

export type RemoteEngine = {
  connectionId: string;
  connectionName: string;
  config: ConnectionConfig;
  profile: ComputeProfileRef;
  rest: DatabricksRestClient;
  mapping: MountMapping;
  /** The mounted container; the installation's own storage when the connection says so. */
  mountStorage: DatasetStorage;
  runnerFor(clusterId: string): DatabricksSqlRunner;
  sparkUiUrl(clusterId: string): string;
};

/** A connection as stored: `config` is read with connectionConfigSchema, `secret` is sealed. */
export interface StoredConnection {
  id: string;
  name: string;
  config: unknown;
  secret: string | null;
}

/** A compute profile as stored: `spec` is read with clusterSpecSchema. */
export interface StoredComputeProfile {
  id: string;
  name: string;
  spec: unknown;
  maxClusters: number;
  maxActiveStatements: number;
}

export interface RemoteEngineOptions {
  connection: StoredConnection;
  profile: StoredComputeProfile;
  /** Per-user isolation: the user the job runs for and that user's sealed token, if stored. */
  user: { id: string; secret: string | null } | null;
  secretBox: SecretBox;
  /** The installation's storage (used when the connection mounts it). */
  installationStorage: DatasetStorage;
  /** For the Blob download cache of the mounted container. */
  dataDir: string;
  /** Connect and read timeouts of every REST call and SQL RPC (the worker's env). */
  timeouts?: DatabricksTimeouts;
}

export function createRemoteEngine(o: RemoteEngineOptions): RemoteEngine {
  const { connection, profile: profileRow } = o;
  const config = connectionConfigSchema.parse(connection.config);
  const open = (sealed: string, context: string, whose: string) => {
    try {
      return o.secretBox.open(sealed, context);
    } catch (e) {
      if (!(e instanceof SecretBoxError)) throw e;
      throw new UnreadableSecretError(
        `${whose} is set, but unreadable with the current key (SOUS_SECRET_KEY changed): re-enter it.`,
      );
    }
  };
  const secrets = connection.secret
    ? connectionSecretsSchema.parse(
        JSON.parse(
          open(
            connection.secret,
            connectionSecretContext(connection.id),
            `The token of Databricks connection "${connection.name}"`,
          ),
        ),
      )
    : {};
  let userToken: string | undefined;
  if (config.isolation === "per-user" && o.user?.secret) {
    userToken = open(
      o.user.secret,
      userTokenContext(connection.id, o.user.id),
      `Your token for Databricks connection "${connection.name}" (Account page)`,
    );
  }
  const token = resolveRunToken({
    connectionName: connection.name,
    isolation: config.isolation,
    serviceToken: secrets.token,
    userToken,
  });
  const spec: ClusterSpec = clusterSpecSchema.parse(profileRow.spec);
  const url = new URL(config.workspaceUrl);
  const plainHttp = url.protocol === "http:";
  let mountStorage = o.installationStorage;
  if (config.storage.kind === "azure-blob") {
    if (!secrets.blobConnectionString)
      throw new Error(`Connection "${connection.name}" has no Blob credentials.`);
    // Keys relative to the mounted folder: a version lands at <folder>/projects/... in the
    // container, which the cluster reads at <storage prefix>/projects/...
    mountStorage = storageUnderFolder(
      createBlobStorage({
        connectionString: secrets.blobConnectionString,
        container: config.storage.container,
        cacheDir: path.join(o.dataDir, "cache", `dbx-${connection.id}`),
      }),
      config.storage.blobPrefix,
    );
  }
  return {
    connectionId: connection.id,
    connectionName: connection.name,
    config,
    profile: {
      id: profileRow.id,
      name: profileRow.name,
      spec,
      maxClusters: profileRow.maxClusters,
      maxActiveStatements: profileRow.maxActiveStatements,
    },
    rest: createDatabricksRestClient({
      baseUrl: config.workspaceUrl,
      token,
      ...(o.timeouts ? { timeouts: o.timeouts } : {}),
    }),
    mapping: mountMappingOf(config),
    mountStorage,
    runnerFor: (clusterId) =>
      createDatabricksSqlRunner({
        host: url.hostname,
        port: Number(url.port || (plainHttp ? 80 : 443)),
        httpPath: clusterHttpPath(config.workspaceUrl, clusterId),
        token,
        // http:// is only accepted for the local emulator (research §1.8).
        ...(plainHttp ? { tls: false as const } : {}),
        ...(o.timeouts ? { timeouts: o.timeouts } : {}),
      }),
    sparkUiUrl: (clusterId) => sparkUiUrl(config.workspaceUrl, clusterId),
  };
}
