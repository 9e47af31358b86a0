import { api } from "@/server/http/endpoints.ts";
import { handle } from "@/server/http/handler.ts";
import { deleteProfile, updateProfile } from "@/server/services/databricks-profiles.ts";

export const PUT = handle(api.updateComputeProfile, ({ params, user, body }) =>
  updateProfile(params.connectionId, params.profileId, user.id, body),
);

export const DELETE = handle(api.deleteComputeProfile, async ({ params, query }) => {
  await deleteProfile(params.connectionId, params.profileId, { force: query.force === "true" });
  return null;
});
