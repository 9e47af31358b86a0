import "server-only";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { Readable } from "node:stream";
import { SecretBoxError } from "@sous/config";
import {
  AppError,
  type ConnectionTestResult,
  type CreateDatabricksConnectionBodySchema,
  type DatabricksConnection,
  type UpdateDatabricksConnectionBodySchema,
} from "@sous/contracts";
import {
  accountOf,
  type ConnectionConfig,
  type ConnectionSecrets,
  clusterPathFor,
  connectionConfigSchema,
  connectionSecretContext,
  connectionSecretsSchema,
  createDatabricksRestClient,
  DATABRICKS_CONNECTION_KIND,
  DatabricksApiError,
  type DatabricksRestClient,
  last4,
  restPathFor,
  storagePrefixSchema,
  userTokenContext,
} from "@sous/databricks";
import { createBlobStorage, type DatasetStorage } from "@sous/storage";
import type { z } from "zod";
import { ctx } from "../context.ts";
import { env } from "../env.ts";
import { secretBox } from "./databricks-secrets.ts";
import { databricksUsage, deleteWithUsers } from "./databricks-usage.ts";

type CreateBody = z.output<typeof CreateDatabricksConnectionBodySchema>;
type UpdateBody = z.output<typeof UpdateDatabricksConnectionBodySchema>;
type Row = {
  id: string;
  name: string;
  config: unknown;
  secret: string | null;
  createdAt: Date;
  updatedAt: Date;
  _count?: { profiles: number };
};

// Never returns secrets: only whether they are set and the token's last 4 characters.
function dto(row: Row): DatabricksConnection {
  const c = connectionConfigSchema.parse(row.config);
  // A secret sealed under a previous SOUS_SECRET_KEY still shows as set (and unreadable), so the
  // admin sees what to re-enter instead of a broken page.
  const unreadable = isUnreadable(row);
  const secrets = unreadable ? {} : openSecrets(row);
  return {
    id: row.id,
    name: row.name,
    workspaceUrl: c.workspaceUrl,
    isolation: c.isolation,
    storagePrefix: c.storagePrefix,
    storage:
      c.storage.kind === "installation"
        ? { kind: "installation" }
        : {
            kind: "azure-blob",
            container: c.storage.container,
            blobPrefix: c.storage.blobPrefix,
            account: c.storage.account,
            credentialsSet: unreadable || Boolean(secrets.blobConnectionString),
          },
    token: unreadable
      ? { set: true, last4: c.tokenLast4, unreadable: true }
      : { set: Boolean(secrets.token), last4: secrets.token ? c.tokenLast4 : null, unreadable: false },
    profiles: row._count?.profiles ?? 0,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const UNREADABLE_TOKEN_MESSAGE =
  "The token is set, but unreadable with the current key (SOUS_SECRET_KEY changed): re-enter it.";

function isUnreadable(row: { id: string; secret: string | null }): boolean {
  if (!row.secret) return false;
  try {
    secretBox().open(row.secret, connectionSecretContext(row.id));
    return false;
  } catch (e) {
    if (e instanceof SecretBoxError) return true;
    throw e;
  }
}

function openSecrets(row: { id: string; secret: string | null }): ConnectionSecrets {
  if (!row.secret) return {};
  let plain: string;
  try {
    plain = secretBox().open(row.secret, connectionSecretContext(row.id));
  } catch (e) {
    if (e instanceof SecretBoxError) throw new AppError("invalid_input", UNREADABLE_TOKEN_MESSAGE);
    throw e;
  }
  return connectionSecretsSchema.parse(JSON.parse(plain));
}

function sealSecrets(id: string, secrets: ConnectionSecrets): string | null {
  if (!secrets.token && !secrets.blobConnectionString) return null;
  return secretBox().seal(JSON.stringify(secrets), connectionSecretContext(id));
}

function checkStoragePrefix(prefix: string): string {
  const r = storagePrefixSchema.safeParse(prefix);
  if (!r.success) throw new AppError("invalid_input", `storagePrefix: ${r.error.issues[0]?.message}`);
  return r.data;
}

export async function findConnectionRow(id: string) {
  const row = await ctx().db.connection.findFirst({
    where: { id, kind: DATABRICKS_CONNECTION_KIND },
    include: { _count: { select: { profiles: true } } },
  });
  if (!row) throw new AppError("not_found", "Databricks connection not found.");
  return row;
}

export async function listConnections(): Promise<DatabricksConnection[]> {
  const rows = await ctx().db.connection.findMany({
    where: { kind: DATABRICKS_CONNECTION_KIND },
    include: { _count: { select: { profiles: true } } },
    orderBy: { name: "asc" },
  });
  return rows.map(dto);
}

export async function getConnection(id: string): Promise<DatabricksConnection> {
  return dto(await findConnectionRow(id));
}

function configFrom(
  body: CreateBody,
  previous: ConnectionConfig | undefined,
  secrets: ConnectionSecrets,
): ConnectionConfig {
  const storage: ConnectionConfig["storage"] =
    body.storage.kind === "installation"
      ? { kind: "installation" }
      : {
          kind: "azure-blob",
          container: body.storage.container,
          blobPrefix: body.storage.blobPrefix.replace(/^\/+|\/+$/g, ""),
          account: secrets.blobConnectionString ? accountOf(secrets.blobConnectionString) : null,
        };
  return {
    workspaceUrl: body.workspaceUrl,
    isolation: body.isolation,
    storagePrefix: checkStoragePrefix(body.storagePrefix),
    storage,
    tokenLast4: secrets.token ? last4(secrets.token) : (previous?.tokenLast4 ?? null),
  };
}

export async function createConnection(body: CreateBody): Promise<DatabricksConnection> {
  const id = `dbx${randomUUID().replaceAll("-", "").slice(0, 20)}`;
  const secrets: ConnectionSecrets = {
    ...(body.token ? { token: body.token } : {}),
    ...(body.storage.kind === "azure-blob" && body.storage.connectionString
      ? { blobConnectionString: body.storage.connectionString }
      : {}),
  };
  const config = configFrom(body, undefined, secrets);
  try {
    const row = await ctx().db.connection.create({
      data: {
        id,
        kind: DATABRICKS_CONNECTION_KIND,
        name: body.name,
        config,
        secret: sealSecrets(id, secrets),
      },
      include: { _count: { select: { profiles: true } } },
    });
    return dto(row);
  } catch (e) {
    if ((e as { code?: string }).code === "P2002")
      throw new AppError("conflict", `A connection named ${body.name} already exists.`);
    throw e;
  }
}

export async function updateConnection(id: string, body: UpdateBody): Promise<DatabricksConnection> {
  const row = await findConnectionRow(id);
  const previous = connectionConfigSchema.parse(row.config);
  // Secrets sealed under a previous key cannot be kept: the body must bring them again.
  const unreadable = isUnreadable(row);
  const old = unreadable ? {} : openSecrets(row);
  const current = dto(row);
  if (unreadable && previous.tokenLast4 && !body.token)
    throw new AppError("invalid_input", UNREADABLE_TOKEN_MESSAGE);
  const merged: CreateBody = {
    name: body.name ?? row.name,
    workspaceUrl: body.workspaceUrl ?? previous.workspaceUrl,
    isolation: body.isolation ?? previous.isolation,
    storagePrefix: body.storagePrefix ?? previous.storagePrefix,
    storage:
      body.storage ??
      (current.storage.kind === "installation"
        ? { kind: "installation" }
        : {
            kind: "azure-blob",
            container: current.storage.container,
            blobPrefix: current.storage.blobPrefix,
          }),
  };
  const secrets: ConnectionSecrets = {
    ...((body.token ?? old.token) ? { token: body.token ?? old.token } : {}),
    ...(merged.storage.kind === "azure-blob" && (merged.storage.connectionString ?? old.blobConnectionString)
      ? { blobConnectionString: merged.storage.connectionString ?? old.blobConnectionString }
      : {}),
  };
  if (unreadable && merged.storage.kind === "azure-blob" && !secrets.blobConnectionString)
    throw new AppError(
      "invalid_input",
      "The Blob connection string is unreadable with the current key (SOUS_SECRET_KEY changed): re-enter it.",
    );
  const config = configFrom(merged, previous, secrets);
  const updated = await ctx().db.connection.update({
    where: { id },
    data: { name: merged.name, config, secret: sealSecrets(id, secrets) },
    include: { _count: { select: { profiles: true } } },
  });
  return dto(updated);
}

export async function deleteConnection(id: string, opts: { force: boolean }): Promise<void> {
  const row = await findConnectionRow(id);
  await deleteWithUsers({ connectionId: id }, `The workspace ${row.name}`, opts.force, (tx) =>
    tx.connection.delete({ where: { id } }),
  );
}

export async function connectionUsage(id: string) {
  await findConnectionRow(id);
  return databricksUsage({ connectionId: id });
}

/** A REST client under the service token, or the calling user's own token in per-user mode. */
export async function restClientFor(
  id: string,
  userId: string,
): Promise<{ rest: DatabricksRestClient; config: ConnectionConfig }> {
  const row = await findConnectionRow(id);
  const config = connectionConfigSchema.parse(row.config);
  let token = openSecrets(row).token;
  if (!token) {
    const mine = await ctx().db.userConnectionSecret.findUnique({
      where: { userId_connectionId: { userId, connectionId: id } },
    });
    if (mine) {
      try {
        token = secretBox().open(mine.secret, userTokenContext(id, userId));
      } catch (e) {
        if (!(e instanceof SecretBoxError)) throw e;
        throw new AppError(
          "invalid_input",
          "Your token for this connection is set, but unreadable with the current key (SOUS_SECRET_KEY changed): re-enter it on the Account page.",
        );
      }
    }
  }
  if (!token) {
    throw new AppError(
      "invalid_input",
      config.isolation === "per-user"
        ? "This connection uses per-user tokens and you have not stored yours: add it on the Account page first."
        : "Set the connection's token first.",
    );
  }
  // Someone is waiting on these calls (Test connection, saving a profile, the catalog): a silent
  // workspace is reported after the check timeout, not the builds' longer read timeout.
  const e = env();
  return {
    rest: createDatabricksRestClient({
      baseUrl: config.workspaceUrl,
      token,
      retry: { attempts: 2 },
      timeouts: {
        connectMs: e.SOUS_DATABRICKS_CONNECT_TIMEOUT_SECONDS * 1000,
        readMs: e.SOUS_DATABRICKS_CHECK_TIMEOUT_SECONDS * 1000,
      },
    }),
    config,
  };
}

function mountStorageFor(
  row: { id: string; secret: string | null },
  config: ConnectionConfig,
): DatasetStorage {
  if (config.storage.kind === "installation") return ctx().storage;
  const cs = openSecrets(row).blobConnectionString;
  if (!cs)
    throw new AppError("invalid_input", "Set the Blob connection string of the mounted container first.");
  return createBlobStorage({
    connectionString: cs,
    container: config.storage.container,
    cacheDir: path.join(ctx().dataDir, "cache", `dbx-${row.id}`),
  });
}

const messageOf = (e: unknown) =>
  e instanceof DatabricksApiError || e instanceof AppError
    ? e.message
    : "Unexpected failure (see the server log).";

/** Token, REST API, and "a file written to the container is visible at the mount path". */
export async function testConnection(id: string, userId: string): Promise<ConnectionTestResult> {
  const checks: ConnectionTestResult["checks"] = [];
  let client: Awaited<ReturnType<typeof restClientFor>>;
  try {
    client = await restClientFor(id, userId);
  } catch (e) {
    return { ok: false, checks: [{ name: "token", ok: false, message: messageOf(e) }] };
  }
  const { rest, config } = client;
  try {
    const me = await rest.currentUser();
    checks.push({
      name: "token",
      ok: true,
      message: `Token accepted${me.userName ? ` (${me.userName})` : ""}.`,
    });
  } catch (e) {
    checks.push({ name: "token", ok: false, message: messageOf(e) });
    return { ok: false, checks };
  }
  try {
    const versions = await rest.listSparkVersions();
    checks.push({
      name: "rest",
      ok: true,
      message: `Clusters API reachable (${versions.length} Spark versions).`,
    });
  } catch (e) {
    checks.push({ name: "rest", ok: false, message: messageOf(e) });
  }
  checks.push(await checkMount(id, config, rest));
  return { ok: checks.every((c) => c.ok), checks };
}

async function checkMount(id: string, config: ConnectionConfig, rest: DatabricksRestClient) {
  const row = await findConnectionRow(id);
  const blobPrefix = config.storage.kind === "azure-blob" ? config.storage.blobPrefix : "";
  const probePrefix = [blobPrefix, "_sous_checks", randomUUID()].filter((x) => x !== "").join("/");
  const key = `${probePrefix}/probe.txt`;
  const clusterPath = clusterPathFor(
    { clusterPrefix: config.storagePrefix, ...(blobPrefix ? { blobPrefix } : {}) },
    key,
  );
  const where = restPathFor(clusterPath);
  if (!where) {
    return {
      name: "mount" as const,
      ok: true,
      message: `${config.storagePrefix} can only be checked from a running cluster; it will be used as configured.`,
    };
  }
  let storage: DatasetStorage;
  try {
    storage = mountStorageFor(row, config);
    await storage.putStream(key, Readable.from([Buffer.from("sous mount check\n")]));
  } catch (e) {
    return {
      name: "mount" as const,
      ok: false,
      message: `Could not write to the container: ${messageOf(e)}`,
    };
  }
  try {
    const seen =
      where.api === "dbfs" ? Boolean(await rest.dbfsStatus(where.path)) : await rest.fileExists(where.path);
    return seen
      ? {
          name: "mount" as const,
          ok: true,
          message: `A file written to the container is visible at ${clusterPath}.`,
        }
      : {
          name: "mount" as const,
          ok: false,
          message: `A file written to the container is NOT visible at ${clusterPath}: check the storage prefix and the container.`,
        };
  } catch (e) {
    return { name: "mount" as const, ok: false, message: messageOf(e) };
  } finally {
    await storage.deletePrefix(probePrefix).catch(() => undefined);
  }
}

export async function workspaceCatalog(id: string, userId: string) {
  const { rest } = await restClientFor(id, userId);
  try {
    const [versions, nodes] = await Promise.all([rest.listSparkVersions(), rest.listNodeTypes()]);
    return {
      sparkVersions: versions.map((v) => ({ key: v.key, name: v.name })),
      nodeTypes: nodes.map((n) => ({
        id: n.node_type_id,
        memoryMb: n.memory_mb,
        cores: n.num_cores,
        description: n.description ?? n.node_type_id,
      })),
    };
  } catch (e) {
    if (e instanceof DatabricksApiError) throw new AppError("unavailable", e.message);
    throw e;
  }
}
