import { handle } from "@/server/http/handler.ts";
import { getProjectEngine, setProjectEngine } from "@/server/services/databricks-engine-choice.ts";
import { api } from "@/shared/api/endpoints.ts";

export const GET = handle(api.getProjectEngine, ({ params }) => getProjectEngine(params.projectId));

export const PUT = handle(api.setProjectEngine, ({ params, body }) =>
  setProjectEngine(params.projectId, body.engine),
);
