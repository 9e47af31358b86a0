import { api } from "@/server/http/endpoints.ts";
import { handle } from "@/server/http/handler.ts";

// GET /api/v1/me - the caller
export const GET = handle(api.me, async ({ user }) => user);
