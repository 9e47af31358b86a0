import { IdSchema, ObjectNameSchema } from "@sous/contracts";
import { z } from "zod";

// REST shapes of API services (the API node, apps/api-node): the studio creates and changes them,
// the node serves them. Shared by the endpoint table and the "API services" page.

/** A URL segment: /public/api/v1/{service}/{endpoint}/predict. */
const Segment = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/,
    "use letters, digits, _ and - (at most 63, starting with a letter or digit)",
  );

const DeploymentInputSchema = z
  .object({ savedModelVersionId: IdSchema, weight: z.number().int().min(1).max(1000) })
  .strict();

export const CreateApiServiceBodySchema = z
  .object({
    name: Segment,
    description: z.string().max(2000).default(""),
    endpoint: z.object({ name: Segment, savedModelVersionId: IdSchema }).strict(),
  })
  .strict();

export const UpdateApiServiceBodySchema = z
  .object({
    description: z.string().max(2000).optional(),
    /** Only administrators may make a service callable without a key. */
    public: z.boolean().optional(),
  })
  .strict();

export const CreateApiEndpointBodySchema = z
  .object({ name: Segment, savedModelVersionId: IdSchema })
  .strict();

export const SetDeploymentsBodySchema = z
  .object({
    /** Deploy one version (weight any), roll back (the older one), or split traffic by weight. */
    deployments: z
      .array(DeploymentInputSchema)
      .min(1)
      .max(10)
      .refine(
        (d) => new Set(d.map((x) => x.savedModelVersionId)).size === d.length,
        "a version is listed twice",
      ),
    /** Share of requests written to the request log, 0 to 1. */
    logSampleRate: z.number().min(0).max(1).optional(),
  })
  .strict();

export const CreateServiceKeyBodySchema = z.object({ name: z.string().trim().min(1).max(100) }).strict();

const VersionRefSchema = z
  .object({
    id: z.string(),
    number: z.number().int(),
    savedModelId: z.string(),
    savedModelName: z.string(),
    algorithm: z.string(),
    task: z.string(),
    /** Whether the API node can score it in-process (it has a portable form). */
    servable: z.boolean(),
  })
  .strict();

const ApiServiceKeySchema = z
  .object({ id: z.string(), name: z.string(), prefix: z.string(), createdAt: z.string() })
  .strict();

export const ApiServiceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    public: z.boolean(),
    /** Where the API node serves it: append /{endpoint}/predict. */
    url: z.string(),
    createdAt: z.string(),
    endpoints: z.array(
      z
        .object({
          id: z.string(),
          name: z.string(),
          logSampleRate: z.number(),
          deployments: z.array(z.object({ version: VersionRefSchema, weight: z.number().int() }).strict()),
          /** Input columns of the first deployed version, for the test form ([] when unknown). */
          features: z.array(
            z
              .object({
                name: z.string(),
                type: z.enum(["numeric", "categorical", "date", "text"]),
                /** A typical value (the training data's imputation value); null when there is none to show. */
                example: z.unknown(),
              })
              .strict(),
          ),
        })
        .strict(),
    ),
    keys: z.array(ApiServiceKeySchema),
  })
  .strict();
export type ApiServiceView = z.infer<typeof ApiServiceSchema>;

export const ApiServiceKeyCreatedSchema = ApiServiceKeySchema.extend({ key: z.string() }).strict();

export const DeployableVersionsSchema = z.array(VersionRefSchema);
export type DeployableVersion = z.infer<typeof VersionRefSchema>;

const LatencySchema = z
  .object({ p50: z.number(), p95: z.number(), p99: z.number(), max: z.number() })
  .strict();

/**
 * One service's figures per endpoint, from the API nodes' minute aggregates in Postgres
 * (ApiEndpointMinute): counters summed over every API node process since the endpoint was created,
 * latency over the last `windowMinutes`, and one point per minute of that window with traffic.
 * Percentiles across processes are the request-weighted mean of each process's (max: the max).
 */
export const ApiServiceMetricsSchema = z
  .object({
    windowMinutes: z.number().int(),
    /** The API nodes write every ~10 s (SOUS_API_NODE_METRICS_FLUSH_SECONDS): figures lag that much. */
    asOf: z.string(),
    endpoints: z.array(
      z
        .object({
          endpoint: z.string(),
          endpointId: z.string(),
          requests: z.number(),
          predictions: z.number(),
          clientErrors: z.number(),
          serverErrors: z.number(),
          byVersion: z.record(z.string(), z.number()),
          /** API node processes that wrote figures for this endpoint in the window. */
          processes: z.number(),
          latencyMs: LatencySchema.extend({ requests: z.number() }).nullable(),
          minutes: z.array(
            z
              .object({
                minute: z.string(),
                requests: z.number(),
                errors: z.number(),
                p50: z.number(),
                p99: z.number(),
              })
              .strict(),
          ),
        })
        .strict(),
    ),
  })
  .strict();
export type ApiServiceMetrics = z.infer<typeof ApiServiceMetricsSchema>;

export const TestPredictBodySchema = z
  .object({ endpoint: z.string().min(1), features: z.record(z.string(), z.unknown()) })
  .strict();
/** The API node's answer, status included (a 400 naming a feature is an answer too). */
export const TestPredictResultSchema = z.object({ status: z.number().int(), body: z.unknown() }).strict();

export const TrainingRowQuerySchema = z
  .object({ endpoint: z.string().min(1), index: z.coerce.number().int().min(0).optional() })
  .strict();
export const TrainingRowSchema = z
  .object({ features: z.record(z.string(), z.unknown()), row: z.number().int(), rows: z.number().int() })
  .strict();

export const RequestLogDatasetBodySchema = z
  .object({
    name: ObjectNameSchema.describe(
      "the dataset to write: a new one, or the next version of the project's dataset of this name",
    ),
    rows: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .describe("the newest this many logged requests (1,000,000 when absent)"),
  })
  .strict();
