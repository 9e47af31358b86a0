import { handle } from "@/server/http/handler.ts";
import { revokeApiKey } from "@/server/services/api-keys.ts";
import { api } from "@/shared/api/endpoints.ts";

// DELETE /api/v1/me/api-keys/:keyId - revoke a key
export const DELETE = handle(api.revokeApiKey, async ({ user, params }) => {
  await revokeApiKey(user.id, params.keyId);
  return null;
});
