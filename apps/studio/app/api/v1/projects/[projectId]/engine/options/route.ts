import { handle } from "@/server/http/handler.ts";
import { getEngineOptions } from "@/server/services/databricks-engine-choice.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/engine/options - connections and profiles a member may pick
export const GET = handle(api.getEngineOptions, ({ user }) => getEngineOptions(user.id));
