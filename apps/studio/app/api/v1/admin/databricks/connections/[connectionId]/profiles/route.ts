import { api } from "@/server/http/endpoints.ts";
import { handle } from "@/server/http/handler.ts";
import { createProfile, listProfiles } from "@/server/services/databricks-profiles.ts";

export const GET = handle(api.listComputeProfiles, ({ params }) => listProfiles(params.connectionId));

export const POST = handle(api.createComputeProfile, ({ params, user, body }) =>
  createProfile(params.connectionId, user.id, body),
);
