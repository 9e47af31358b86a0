import { handle } from "@/server/http/handler.ts";
import { createProfile, listProfiles } from "@/server/services/databricks-profiles.ts";
import { api } from "@/shared/api/endpoints.ts";

export const GET = handle(api.listComputeProfiles, ({ params }) => listProfiles(params.connectionId));

export const POST = handle(api.createComputeProfile, ({ params, user, body }) =>
  createProfile(params.connectionId, user.id, body),
);
