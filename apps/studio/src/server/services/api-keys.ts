import "server-only";
import { AppError } from "@sous/contracts";
import { API_KEY_PREFIX, hashToken, newToken } from "../auth/tokens.ts";
import { ctx } from "../context.ts";

const view = (k: { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null }) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
});

export async function createApiKey(userId: string, name: string) {
  const key = newToken(API_KEY_PREFIX);
  const row = await ctx().db.apiKey.create({
    data: { userId, name, prefix: key.slice(0, API_KEY_PREFIX.length + 6), keyHash: hashToken(key) },
  });
  return { ...view(row), key };
}

export async function listApiKeys(userId: string) {
  const rows = await ctx().db.apiKey.findMany({
    where: { userId, revokedAt: null },
    orderBy: { createdAt: "desc" },
  });
  return rows.map(view);
}

export async function revokeApiKey(userId: string, keyId: string): Promise<void> {
  const r = await ctx().db.apiKey.updateMany({
    where: { id: keyId, userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (r.count === 0) throw new AppError("not_found", "API key not found.");
}
