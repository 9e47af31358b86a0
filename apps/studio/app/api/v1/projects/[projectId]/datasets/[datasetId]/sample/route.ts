import { api } from "@/server/http/endpoints.ts";
import { handle } from "@/server/http/handler.ts";
import { sampleResponse } from "@/server/services/dataset-sample.ts";

// POST /api/v1/projects/:projectId/datasets/:datasetId/sample - rows of the sample, filtered and sorted.
// The request is validated as usual; the answer is a SamplePage serialised by DuckDB (and cached,
// gzipped when accepted), sent as is: re-validating and re-compressing 10,000 rows read from a
// typed Parquet file on every call cost more than the query.
export const POST = handle(api.querySample, ({ req, params, body }) =>
  sampleResponse(params.projectId, params.datasetId, body, req.headers.get("accept-encoding")),
);
