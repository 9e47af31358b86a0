import { api } from "@/server/http/endpoints.ts";
import { handle } from "@/server/http/handler.ts";
import { getProjectEngine, setProjectEngine } from "@/server/services/databricks-engine-choice.ts";

export const GET = handle(api.getProjectEngine, ({ params }) => getProjectEngine(params.projectId));

export const PUT = handle(api.setProjectEngine, ({ params, body }) =>
  setProjectEngine(params.projectId, body.engine),
);
