import { buildOpenApiDocument } from "@/server/http/openapi.ts";

// GET /api/v1/openapi.json - the OpenAPI 3.1 document, generated from the endpoint table
export const dynamic = "force-static";
export function GET(): Response {
  return Response.json(buildOpenApiDocument());
}
