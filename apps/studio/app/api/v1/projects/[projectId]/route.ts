import { handle } from "@/server/http/handler.ts";
import { getProject } from "@/server/services/projects.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId - a project
export const GET = handle(api.getProject, ({ params, role }) => getProject(params.projectId, role!));
