import { handle } from "@/server/http/handler.ts";
import { kernelDataset } from "@/server/services/python-notebooks.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/python-notebooks/datasets/:name - where the current version's
// Parquet files are (what sous.dataset(name) reads in a kernel)
export const GET = handle(api.kernelDataset, ({ params }) => kernelDataset(params.projectId, params.name));
