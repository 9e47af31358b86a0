import { handle } from "@/server/http/handler.ts";
import { getFlow } from "@/server/services/flow.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/flow - the graph with saved positions
export const GET = handle(api.getFlow, ({ params }) => getFlow(params.projectId));
