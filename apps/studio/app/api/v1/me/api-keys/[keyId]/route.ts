import { api } from "@/server/http/endpoints.ts";
import { handle } from "@/server/http/handler.ts";
import { revokeApiKey } from "@/server/services/api-keys.ts";

// DELETE /api/v1/me/api-keys/:keyId - revoke a key
export const DELETE = handle(api.revokeApiKey, async ({ user, params }) => {
  await revokeApiKey(user.id, params.keyId);
  return null;
});
