import { handle } from "@/server/http/handler.ts";
import { suggestForTarget } from "@/server/services/ml-lab.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/:projectId/ml/suggest - the first design for a target, with reasons
export const POST = handle(api.suggestDesign, ({ params, body }) => suggestForTarget(params.projectId, body));
