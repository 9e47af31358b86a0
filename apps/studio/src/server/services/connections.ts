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
} from "@sous/contracts";
import { listPostgresTables, type PostgresSource, testPostgresConnection } from "@sous/engine-local";
import type { z } from "zod";
import { ctx } from "../context.ts";
import { env } from "../env.ts";

// SQL connections (Postgres, for imports). The password is sealed with AES-256-GCM under
// SOUS_SECRET_KEY, bound to the connection id, and never leaves the server.

type CreateBody = z.output<typeof CreatePostgresConnectionBodySchema>;
type UpdateBody = z.output<typeof UpdatePostgresConnectionBodySchema>;
type PostgresConfig = { host: string; port: number; database: string; user: string; ssl?: boolean };
const box = () => createSecretBox(env().SOUS_SECRET_KEY);

function dto(c: {
  id: string;
  name: string;
  kind: string;
  config: unknown;
  secret: string | null;
  createdAt: Date;
}): ConnectionInfo {
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    config: (c.config ?? {}) as ConnectionInfo["config"],
    hasSecret: c.secret !== null,
    createdAt: c.createdAt.toISOString(),
  };
}

// Databricks workspaces share the Connection table but are admin settings of their own (their
// config nests the mount): /connections lists and deletes the SQL sources an import reads only.
const SQL_KINDS = { kind: { in: ["postgres"] } };

export async function listConnections(): Promise<ConnectionInfo[]> {
  const rows = await ctx().db.connection.findMany({ where: SQL_KINDS, orderBy: { name: "asc" } });
  return rows.map(dto);
}

export async function createConnection(body: CreateBody): Promise<ConnectionInfo> {
  const id = newId();
  const { password, name, kind, ...config } = body;
  const taken = await ctx().db.connection.findUnique({ where: { name } });
  if (taken) throw new AppError("conflict", `A connection named ${name} already exists.`);
  const row = await ctx().db.connection.create({
    data: { id, name, kind, config, secret: password ? box().seal(password, id) : null },
  });
  return dto(row);
}

/**
 * Changes the fields given; the password only when given ("" removes it). Like create, it does
 * not connect: "Test connection" and the table listing do, and say what to fix.
 */
export async function updateConnection(id: string, body: UpdateBody): Promise<ConnectionInfo> {
  const row = await ctx().db.connection.findFirst({ where: { id, ...SQL_KINDS } });
  if (!row) throw new AppError("not_found", "Connection not found.");
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
  });
  return dto(updated);
}

/** The tables and views the connection's user can read (GET /connections/{id}/tables). */
export async function listConnectionTables(id: string): Promise<ConnectionTables> {
  const { name, source } = await postgresSourceOf(id);
  return listPostgresTables(name, source);
}

/**
 * "Test connection" (POST /connections/{id}/test): connects as the connection's user and warns
 * when that role can write (Sous only needs to read).
 */
export async function testConnection(id: string): Promise<PostgresConnectionTest> {
  const { name, source } = await postgresSourceOf(id);
  return testPostgresConnection(name, source);
}

export async function deleteConnection(id: string): Promise<void> {
  const r = await ctx().db.connection.deleteMany({ where: { id, ...SQL_KINDS } });
  if (r.count === 0) throw new AppError("not_found", "Connection not found.");
}

/** What the importer needs to connect, password decrypted. */
export async function postgresSourceOf(
  connectionId: string,
): Promise<{ name: string; source: PostgresSource }> {
  const c = await ctx().db.connection.findUnique({ where: { id: connectionId } });
  if (!c) throw new AppError("not_found", "Connection not found.");
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
