import { handle } from "@/server/http/handler.ts";
import { listMyTokens } from "@/server/services/databricks-tokens.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/me/databricks-token - per connection: set / not set, last 4 characters
export const GET = handle(api.listMyDatabricksTokens, ({ user }) => listMyTokens(user.id));
