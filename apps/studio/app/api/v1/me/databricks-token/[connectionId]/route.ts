import { handle } from "@/server/http/handler.ts";
import { deleteMyToken, setMyToken } from "@/server/services/databricks-tokens.ts";
import { api } from "@/shared/api/endpoints.ts";

export const PUT = handle(api.setMyDatabricksToken, async ({ user, params, body }) => {
  await setMyToken(user.id, params.connectionId, body.token);
  return { ok: true as const };
});

export const DELETE = handle(api.deleteMyDatabricksToken, async ({ user, params }) => {
  await deleteMyToken(user.id, params.connectionId);
  return null;
});
