import { handle } from "@/server/http/handler.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/me - the caller
export const GET = handle(api.me, async ({ user }) => user);
