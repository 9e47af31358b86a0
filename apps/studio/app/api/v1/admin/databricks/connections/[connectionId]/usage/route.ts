import { handle } from "@/server/http/handler.ts";
import { connectionUsage } from "@/server/services/databricks-connections.ts";
import { api } from "@/shared/api/endpoints.ts";

export const GET = handle(api.databricksConnectionUsage, ({ params }) =>
  connectionUsage(params.connectionId),
);
