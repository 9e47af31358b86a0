import { handle } from "@/server/http/handler.ts";
import { deleteProfile, updateProfile } from "@/server/services/databricks-profiles.ts";
import { api } from "@/shared/api/endpoints.ts";

export const PUT = handle(api.updateComputeProfile, ({ params, user, body }) =>
  updateProfile(params.connectionId, params.profileId, user.id, body),
);

export const DELETE = handle(api.deleteComputeProfile, async ({ params, query }) => {
  await deleteProfile(params.connectionId, params.profileId, { force: query.force === "true" });
  return null;
});
