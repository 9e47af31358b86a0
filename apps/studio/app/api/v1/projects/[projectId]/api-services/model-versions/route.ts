import { handle } from "@/server/http/handler.ts";
import { listDeployableVersions } from "@/server/services/api-services.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/{projectId}/api-services/model-versions - saved model versions an endpoint can serve
export const GET = handle(api.listDeployableVersions, ({ params }) =>
  listDeployableVersions(params.projectId),
);
