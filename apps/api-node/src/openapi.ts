import type { PortableFeature, PortableModel } from "@sous/ml";
import type { RoutedService } from "./registry.ts";

// One OpenAPI 3.1 document per service, generated from the features of the models its endpoints
// serve: a client generator gets each feature's name and type, and the classes it may get back.

/** A portable model's feature (its imputation known), or a pickled pipeline's (name and type only). */
type ServedFeature =
  | PortableFeature
  | { name: string; type: "numeric" | "categorical" | "text" | "date"; impute?: undefined };

function featureSchema(f: ServedFeature): Record<string, unknown> {
  if (f.type === "date")
    return {
      type: ["string", "null"],
      description: "a date or date-time (ISO 8601; without an offset: UTC); missing or null is imputed",
    };
  if (f.type === "text") return { type: ["string", "null"], description: "free text (tf-idf)" };
  const imputed =
    !("impute" in f) || f.impute === undefined
      ? "imputed as the model was trained to"
      : `imputed with ${JSON.stringify(f.impute)}`;
  if (f.type === "numeric")
    return { type: ["number", "null"], description: `numeric; missing or null is ${imputed}` };
  return {
    type: ["string", "number", "boolean", "null"],
    description: `categorical; missing or null is ${imputed}`,
    ...("levels" in f
      ? {
          description: `categorical; missing or null is ${imputed}${f.type !== "categorical" ? `; unknown values are ${f.type === "ordinal" ? "coded" : "valued"} ${f.unseen}` : f.others ? "; other values share one column" : "; unknown values are ignored"}`,
          examples: f.levels.slice(0, 20),
        }
      : {}),
  };
}

function resultSchema(
  model: { task: PortableModel["task"]; classes: readonly (string | number | boolean)[] | null } | undefined,
): Record<string, unknown> {
  const classifier = model ? model.task !== "regression" : true;
  const classes = model?.classes?.map(String);
  return {
    type: "object",
    required: ["prediction", "ignored"],
    properties: {
      prediction: classifier
        ? { description: "the predicted class", ...(classes ? { enum: model?.classes } : {}) }
        : { type: "number" },
      ...(classifier
        ? {
            probas: {
              type: "object",
              description: "probability of each class",
              ...(classes
                ? { properties: Object.fromEntries(classes.map((c) => [c, { type: "number" }])) }
                : {}),
            },
          }
        : {}),
      ignored: { type: "boolean" },
    },
  };
}

const VERSION = {
  type: "object",
  description: "the saved model version that answered (A/B splits answer with either)",
  properties: { id: { type: "string" }, number: { type: "integer" }, savedModel: { type: "string" } },
};
const TIMING = {
  type: "object",
  properties: { scoringMs: { type: "number" }, totalMs: { type: "number" } },
};
const ERROR = {
  description: "error",
  content: {
    "application/json": {
      schema: {
        type: "object",
        properties: {
          error: { type: "object", properties: { code: { type: "string" }, message: { type: "string" } } },
        },
      },
    },
  },
};

export function serviceOpenApi(service: RoutedService, baseUrl: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const e of service.endpoints.values()) {
    const model = e.versions.find((v) => v.loaded.ok)?.loaded;
    const portable = model?.ok ? model.model : undefined;
    const features = {
      type: "object",
      description: "one row: missing features are imputed as the model was trained to",
      properties: Object.fromEntries((portable?.features ?? []).map((f) => [f.name, featureSchema(f)])),
    };
    const errors = {
      "400": ERROR,
      ...(service.public ? {} : { "401": ERROR }),
      "404": ERROR,
      "413": ERROR,
      "501": ERROR,
    };
    const base = `/public/api/v1/${service.name}/${e.name}`;
    paths[`${base}/predict`] = {
      post: {
        summary: `Score one row with ${e.name}`,
        operationId: `${e.name}_predict`,
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: { type: "object", required: ["features"], properties: { features } },
            },
          },
        },
        responses: {
          "200": {
            description: "the prediction",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: { result: resultSchema(portable), timing: TIMING, version: VERSION },
                },
              },
            },
          },
          ...errors,
        },
      },
    };
    paths[`${base}/predict-multi`] = {
      post: {
        summary: `Score several rows with ${e.name}; one result per item, in order`,
        operationId: `${e.name}_predict_multi`,
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["items"],
                properties: {
                  items: {
                    type: "array",
                    items: { type: "object", required: ["features"], properties: { features } },
                  },
                },
              },
            },
          },
        },
        responses: {
          "200": {
            description: "one result per item",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    results: { type: "array", items: resultSchema(portable) },
                    timing: TIMING,
                    version: VERSION,
                  },
                },
              },
            },
          },
          ...errors,
        },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: `Sous API service ${service.name}`, version: "1" },
    servers: [{ url: baseUrl }],
    ...(service.public
      ? {}
      : {
          components: {
            securitySchemes: {
              apiKeyBasic: {
                type: "http",
                scheme: "basic",
                description: "the API key as user name, empty password (DSS clients)",
              },
              apiKeyBearer: { type: "http", scheme: "bearer" },
            },
          },
          security: [{ apiKeyBasic: [] }, { apiKeyBearer: [] }],
        }),
    paths,
  };
}
