import "server-only";
import { AppError } from "@sous/contracts";
import {
  connectionConfigSchema,
  DATABRICKS_CONNECTION_KIND,
  last4,
  userTokenContext,
} from "@sous/databricks";
import { ctx } from "../context.ts";
import { secretBox } from "./databricks-secrets.ts";

// A user's own Databricks tokens (per-user isolation). Write-only: set / not set and last 4.

export async function listMyTokens(userId: string) {
  const [connections, mine] = await Promise.all([
    ctx().db.connection.findMany({ where: { kind: DATABRICKS_CONNECTION_KIND }, orderBy: { name: "asc" } }),
    ctx().db.userConnectionSecret.findMany({ where: { userId } }),
  ]);
  const byConnection = new Map(mine.map((m) => [m.connectionId, m]));
  return connections.map((c) => {
    const stored = byConnection.get(c.id);
    return {
      connectionId: c.id,
      connectionName: c.name,
      isolation: connectionConfigSchema.parse(c.config).isolation,
      set: Boolean(stored),
      last4: stored?.last4 ?? null,
    };
  });
}

export async function setMyToken(userId: string, connectionId: string, token: string): Promise<void> {
  const c = await ctx().db.connection.findFirst({
    where: { id: connectionId, kind: DATABRICKS_CONNECTION_KIND },
  });
  if (!c) throw new AppError("not_found", "Databricks connection not found.");
  const secret = secretBox().seal(token, userTokenContext(connectionId, userId));
  await ctx().db.userConnectionSecret.upsert({
    where: { userId_connectionId: { userId, connectionId } },
    create: { userId, connectionId, secret, last4: last4(token) },
    update: { secret, last4: last4(token) },
  });
}

export async function deleteMyToken(userId: string, connectionId: string): Promise<void> {
  await ctx().db.userConnectionSecret.deleteMany({ where: { userId, connectionId } });
}
