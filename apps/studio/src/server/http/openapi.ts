import { ErrorBodySchema, HTTP_STATUS_BY_CODE } from "@sous/contracts";
import { z } from "zod";
import type { Endpoint } from "../../shared/api/endpoint.ts";
import { api } from "../../shared/api/endpoints.ts";

type JsonSchema = Record<string, unknown>;

const toSchema = (s: z.ZodType, io: "input" | "output"): JsonSchema =>
  z.toJSONSchema(s, { io, target: "draft-2020-12", unrepresentable: "any" }) as JsonSchema;

function objectProperties(s: z.ZodType | undefined): [string, JsonSchema, boolean][] {
  if (!s) return [];
  const js = toSchema(s, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([k, v]) => [k, v, js.required?.includes(k) ?? false]);
}

function operation(e: Endpoint): JsonSchema {
  const parameters = [
    ...objectProperties(e.params).map(([name, schema]) => ({ name, in: "path", required: true, schema })),
    ...objectProperties(e.query).map(([name, schema, required]) => ({ name, in: "query", required, schema })),
  ];
  let requestBody: JsonSchema | undefined;
  if (e.body && "stream" in e.body) {
    requestBody = {
      required: true,
      content: Object.fromEntries(
        e.body.stream.map((t) => [t, { schema: { type: "string", format: "binary" } }]),
      ),
    };
  } else if (e.body) {
    requestBody = {
      required: true,
      content: { "application/json": { schema: toSchema(e.body as z.ZodType, "input") } },
    };
  }
  const status = String(e.status ?? 200);
  const errorStatuses = [...new Set(Object.values(HTTP_STATUS_BY_CODE))].sort();
  return {
    summary: e.summary,
    tags: [e.tag],
    ...(e.auth === "public" ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: {
      [status]:
        status === "204"
          ? { description: "No content" }
          : {
              description: "OK",
              content: { "application/json": { schema: e.output ? toSchema(e.output, "output") : {} } },
            },
      ...Object.fromEntries(
        errorStatuses.map((s) => [
          String(s),
          {
            description: "Error",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
          },
        ]),
      ),
    },
  };
}

export function buildOpenApiDocument(): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const e of Object.values(api) as Endpoint[]) {
    paths[e.path] ??= {};
    paths[e.path]![e.method.toLowerCase()] = operation(e);
  }
  return {
    openapi: "3.1.0",
    info: { title: "Sous API", version: "1", description: "Everything the studio does, for automation." },
    servers: [{ url: "/api/v1" }],
    security: [{ apiKey: [] }, { session: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "A personal API key (sous_...)" },
        session: { type: "apiKey", in: "cookie", name: "sous_session" },
      },
      schemas: { Error: toSchema(ErrorBodySchema, "output") },
    },
    paths,
  };
}
