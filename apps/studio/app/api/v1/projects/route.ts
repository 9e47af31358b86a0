import { handle } from "@/server/http/handler.ts";
import { createProject, listProjects } from "@/server/services/projects.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects - projects the caller can see
export const GET = handle(api.listProjects, ({ user }) => listProjects(user));

// POST /api/v1/projects - create a project
export const POST = handle(api.createProject, ({ user, body }) => createProject(user, body));
