import { handle } from "@/server/http/handler.ts";
import { createApiKey, listApiKeys } from "@/server/services/api-keys.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/me/api-keys - the caller's keys (never the keys themselves)
export const GET = handle(api.listApiKeys, ({ user }) => listApiKeys(user.id));

// POST /api/v1/me/api-keys - create a key, returned once
export const POST = handle(api.createApiKey, ({ user, body }) => createApiKey(user.id, body.name));
