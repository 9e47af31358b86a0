import { api } from "@/server/http/endpoints.ts";
import { handle } from "@/server/http/handler.ts";
import { connectionUsage } from "@/server/services/databricks-connections.ts";

export const GET = handle(api.databricksConnectionUsage, ({ params }) =>
  connectionUsage(params.connectionId),
);
