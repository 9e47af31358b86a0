import { handle } from "@/server/http/handler.ts";
import { createUser, listUsers } from "@/server/services/users.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/admin/users - every user (administrators only)
export const GET = handle(api.listUsers, () => listUsers());

// POST /api/v1/admin/users - create a user (administrators only)
export const POST = handle(api.createUser, ({ body }) => createUser(body));
