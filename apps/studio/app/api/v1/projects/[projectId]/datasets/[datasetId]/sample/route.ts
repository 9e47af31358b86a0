import { handle } from "@/server/http/handler.ts";
import { queryDatasetSampleJson } from "@/server/services/dataset-sample.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/:projectId/datasets/:datasetId/sample - rows of the sample, filtered and sorted.
// The request is validated as usual; the answer is a SamplePage serialised by DuckDB (and cached),
// sent as is: re-validating 10,000 rows read from a typed Parquet file cost more than the query.
export const POST = handle(
  api.querySample,
  async ({ params, body }) =>
    new Response(await queryDatasetSampleJson(params.projectId, params.datasetId, body), {
      headers: { "content-type": "application/json" },
    }),
);
