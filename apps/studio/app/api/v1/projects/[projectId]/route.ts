import { api } from "@/server/http/endpoints.ts";
import { handle } from "@/server/http/handler.ts";
import { getProject } from "@/server/services/projects.ts";

// GET /api/v1/projects/:projectId - a project
export const GET = handle(api.getProject, ({ params, role }) => getProject(params.projectId, role!));
