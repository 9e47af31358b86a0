import "server-only";
import { createSecretBox, SecretBoxError } from "@sous/config";
import {
  AppError,
  type ConnectionInfo,
  type ConnectionTables,
  type CreatePostgresConnectionBodySchema,
  newId,
  type PostgresConnectionTest,
  type UpdatePostgresConnectionBodySchema,
  type User,
} from "@sous/contracts";
import { listPostgresTables, type PostgresSource, testPostgresConnection } from "@sous/engine-local";
import type { z } from "zod";
import { ctx } from "../context.ts";
import { env } from "../env.ts";

// SQL connections (Postgres, for imports). The password is sealed with AES-256-GCM under
// SOUS_SECRET_KEY, bound to the connection id, and never leaves the server.
//
// A connection reaches a project only through a grant an administrator makes (ConnectionGrant):
// members of the project list it, its editors browse its tables, test it and import through it.
// For anyone else, and for every project it is not granted to, it does not exist (404), so its
// name, host and tables stay hidden. Administrators manage every connection and its grants.

type CreateBody = z.output<typeof CreatePostgresConnectionBodySchema>;
type UpdateBody = z.output<typeof UpdatePostgresConnectionBodySchema>;
type PostgresConfig = { host: string; port: number; database: string; user: string; ssl?: boolean };
const box = () => createSecretBox(env().SOUS_SECRET_KEY);
const notFound = () => new AppError("not_found", "Connection not found.");

function dto(
  c: {
    id: string;
    name: string;
    kind: string;
    config: unknown;
    secret: string | null;
    createdAt: Date;
  },
  /** Administrators' answers only: the projects the connection is granted to. */
  grants?: { projectId: string }[],
): ConnectionInfo {
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    config: (c.config ?? {}) as ConnectionInfo["config"],
    hasSecret: c.secret !== null,
    createdAt: c.createdAt.toISOString(),
    ...(grants ? { projectIds: grants.map((g) => g.projectId).sort() } : {}),
  };
}

// Databricks workspaces share the Connection table but are admin settings of their own (their
// config nests the mount) and are picked per project by the engine choice: /connections lists,
// grants and deletes the SQL sources an import reads only.
const SQL_KINDS = { kind: { in: ["postgres"] } };
const withGrants = { grants: { select: { projectId: true } } } as const;

/**
 * GET /connections: administrators get every SQL connection with the projects it is granted to;
 * anyone else the ones granted to a project they are a member of (without the grants).
 */
export async function listConnections(user: User): Promise<ConnectionInfo[]> {
  if (user.role === "ADMIN") {
    const rows = await ctx().db.connection.findMany({
      where: SQL_KINDS,
      include: withGrants,
      orderBy: { name: "asc" },
    });
    return rows.map((r) => dto(r, r.grants));
  }
  const rows = await ctx().db.connection.findMany({
    where: { ...SQL_KINDS, grants: { some: { project: { members: { some: { userId: user.id } } } } } },
    orderBy: { name: "asc" },
  });
  return rows.map((r) => dto(r));
}

/** GET /projects/{projectId}/connections: the connections granted to the project (the import dialog's list). */
export async function listProjectConnections(projectId: string): Promise<ConnectionInfo[]> {
  const rows = await ctx().db.connection.findMany({
    where: { ...SQL_KINDS, grants: { some: { projectId } } },
    orderBy: { name: "asc" },
  });
  return rows.map((r) => dto(r));
}

/** Admin: creates a connection, granted to the projects named (the import dialog names its own). */
export async function createConnection(body: CreateBody): Promise<ConnectionInfo> {
  const id = newId();
  const { password, name, kind, projectIds, ...config } = body;
  const taken = await ctx().db.connection.findUnique({ where: { name } });
  if (taken) throw new AppError("conflict", `A connection named ${name} already exists.`);
  const wanted = [...new Set(projectIds)];
  const found = await ctx().db.project.count({ where: { id: { in: wanted } } });
  if (found !== wanted.length) throw new AppError("not_found", "Project not found.");
  const row = await ctx().db.connection.create({
    data: {
      id,
      name,
      kind,
      config,
      secret: password ? box().seal(password, id) : null,
      grants: { create: wanted.map((projectId) => ({ projectId })) },
    },
    include: withGrants,
  });
  return dto(row, row.grants);
}

/** Admin (PUT /connections/{id}/projects/{projectId}): grant a connection to a project; granting twice is a no-op. */
export async function grantConnection(id: string, projectId: string): Promise<ConnectionInfo> {
  const row = await ctx().db.connection.findFirst({ where: { id, ...SQL_KINDS } });
  if (!row) throw notFound();
  await ctx().db.connectionGrant.upsert({
    where: { connectionId_projectId: { connectionId: id, projectId } },
    create: { connectionId: id, projectId },
    update: {},
  });
  return adminDto(id);
}

/**
 * Admin (DELETE /connections/{id}/projects/{projectId}): the project's members no longer see the
 * connection and cannot import or re-import through it; datasets already imported keep their data.
 */
export async function revokeConnection(id: string, projectId: string): Promise<void> {
  const row = await ctx().db.connection.findFirst({ where: { id, ...SQL_KINDS } });
  if (!row) throw notFound();
  await ctx().db.connectionGrant.deleteMany({ where: { connectionId: id, projectId } });
}

async function adminDto(id: string): Promise<ConnectionInfo> {
  const row = await ctx().db.connection.findUniqueOrThrow({ where: { id }, include: withGrants });
  return dto(row, row.grants);
}

/**
 * Changes the fields given; the password only when given ("" removes it). Like create, it does
 * not connect: "Test connection" and the table listing do, and say what to fix.
 */
export async function updateConnection(id: string, body: UpdateBody): Promise<ConnectionInfo> {
  const row = await ctx().db.connection.findFirst({ where: { id, ...SQL_KINDS } });
  if (!row) throw notFound();
  const { name, password, ...changes } = body;
  if (name !== undefined && name !== row.name) {
    const taken = await ctx().db.connection.findUnique({ where: { name } });
    if (taken) throw new AppError("conflict", `A connection named ${name} already exists.`);
  }
  const config = { ...(row.config as PostgresConfig), ...changes };
  const updated = await ctx().db.connection.update({
    where: { id },
    data: {
      name: name ?? row.name,
      config,
      ...(password === undefined ? {} : { secret: password ? box().seal(password, id) : null }),
    },
    include: withGrants,
  });
  return dto(updated, updated.grants);
}

/**
 * Who may reach a connection: administrators any SQL connection (`"admin"`, the admin-only
 * routes), everyone else, administrators included, only one granted to the project they act in.
 */
export type ConnectionScope = { projectId: string } | "admin";

/**
 * The tables and views the connection's user can read (GET /projects/{projectId}/connections/{id}/tables,
 * and GET /connections/{id}/tables for administrators).
 */
export async function listConnectionTables(id: string, scope: ConnectionScope): Promise<ConnectionTables> {
  const { name, source } = await postgresSourceOf(id, scope);
  return listPostgresTables(name, source);
}

/**
 * "Test connection" (POST /projects/{projectId}/connections/{id}/test, and POST /connections/{id}/test
 * for administrators): connects as the connection's user and warns when that role can write
 * (Sous only needs to read).
 */
export async function testConnection(id: string, scope: ConnectionScope): Promise<PostgresConnectionTest> {
  const { name, source } = await postgresSourceOf(id, scope);
  return testPostgresConnection(name, source);
}

export async function deleteConnection(id: string): Promise<void> {
  const r = await ctx().db.connection.deleteMany({ where: { id, ...SQL_KINDS } });
  if (r.count === 0) throw notFound();
}

/**
 * What the importer needs to connect, password decrypted. In a project, a connection not granted
 * to it is "not found", like one that does not exist: nothing tells the caller it is there.
 */
export async function postgresSourceOf(
  connectionId: string,
  scope: ConnectionScope,
): Promise<{ name: string; source: PostgresSource }> {
  const c = await ctx().db.connection.findFirst({
    where:
      scope === "admin"
        ? { id: connectionId }
        : { id: connectionId, ...SQL_KINDS, grants: { some: { projectId: scope.projectId } } },
  });
  if (!c) throw notFound();
  if (c.kind !== "postgres")
    throw new AppError("invalid_input", `Connection ${c.name} is not a Postgres connection.`);
  const cfg = c.config as PostgresConfig;
  return {
    name: c.name,
    source: {
      host: cfg.host,
      port: Number(cfg.port),
      database: cfg.database,
      user: cfg.user,
      ssl: Boolean(cfg.ssl),
      password: c.secret ? openPassword(c.secret, c.id, c.name) : "",
    },
  };
}

function openPassword(secret: string, id: string, name: string): string {
  try {
    return box().open(secret, id);
  } catch (e) {
    if (e instanceof SecretBoxError)
      throw new AppError(
        "invalid_input",
        `The password of connection ${name} cannot be read with the current key (SOUS_SECRET_KEY changed): edit the connection and enter it again.`,
      );
    throw e;
  }
}
