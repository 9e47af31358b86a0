import { handle } from "@/server/http/handler.ts";
import { setupAdmin } from "@/server/services/setup-admin.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/auth/setup - create the first administrator
export const POST = handle(api.setup, ({ body }) => setupAdmin(body));
