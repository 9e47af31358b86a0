import { api } from "@/server/http/endpoints.ts";
import { handle } from "@/server/http/handler.ts";
import { getEngineOptions } from "@/server/services/databricks-engine-choice.ts";

// GET /api/v1/projects/:projectId/engine/options - connections and profiles a member may pick
export const GET = handle(api.getEngineOptions, ({ user }) => getEngineOptions(user.id));
