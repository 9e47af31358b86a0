import "server-only";
import { text } from "node:stream/consumers";
import { AppError, type User } from "@sous/contracts";
import { MlDesignSchema } from "@sous/ml";
import { apiNodeAdminToken, newServiceKey } from "@sous/server-domain/api-services";
import { z } from "zod";
import type {
  ApiServiceMetrics,
  ApiServiceView,
  CreateApiEndpointBodySchema,
  CreateApiServiceBodySchema,
  DeployableVersion,
  SetDeploymentsBodySchema,
  UpdateApiServiceBodySchema,
} from "../../shared/api/api-service-schemas.ts";
import { ctx } from "../context.ts";
import { env } from "../env.ts";
import { previewDataset } from "./datasets.ts";

// API services of a project: what the API node (apps/api-node) serves. Every write here fires the
// tables' NOTIFY trigger, and the node reloads within milliseconds; nothing calls the node to change it.

const nodeUrl = () => env().SOUS_API_NODE_URL.replace(/\/$/, "");
const publicUrl = () => (env().SOUS_API_NODE_PUBLIC_URL ?? env().SOUS_API_NODE_URL).replace(/\/$/, "");

type VersionRow = {
  id: string;
  number: number;
  task: string;
  algorithm: unknown;
  portableKey: string | null;
  artifactKey: string;
  trainingId: string | null;
  savedModel: { id: string; name: string };
};
const versionInclude = { savedModel: { select: { id: true, name: true } } } as const;

function versionRef(v: VersionRow): DeployableVersion {
  const algorithm = (v.algorithm as { algorithm?: unknown } | null)?.algorithm;
  return {
    id: v.id,
    number: v.number,
    savedModelId: v.savedModel.id,
    savedModelName: v.savedModel.name,
    algorithm: typeof algorithm === "string" ? algorithm : "unknown",
    task: v.task,
    // In-process from the portable form, else a scikit-learn pickle through the node's Python pool;
    // a clustering not yet (the node answers predictions).
    servable: v.task !== "clustering" && (v.portableKey !== null || v.artifactKey.endsWith(".pkl")),
  };
}

/** The part of a portable model (@sous/ml PortableModelSchema) the test form needs. */
const PortableFeaturesSchema = z.object({
  features: z.array(z.object({ name: z.string(), type: z.string(), impute: z.unknown().optional() })),
});

type FeatureView = ApiServiceView["endpoints"][number]["features"][number];

/** The kind of value the test form sends for a feature: a number, a date, free text or a category. */
function inputType(type: string): FeatureView["type"] {
  return type === "numeric" || type === "date" || type === "text" ? type : "categorical";
}

/** One entry per input column, in the model's order (a multiclass target encoding repeats its column per class). */
function onePerColumn(features: FeatureView[]): FeatureView[] {
  const seen = new Set<string>();
  const out: FeatureView[] = [];
  for (const f of features)
    if (!seen.has(f.name)) {
      seen.add(f.name);
      out.push(f);
    }
  return out;
}

/** The model's input columns, each with a typical value: its portable form's imputation values, else its design's names. */
async function readFeatures(v: VersionRow): Promise<FeatureView[]> {
  if (v.portableKey) {
    const model = PortableFeaturesSchema.parse(
      JSON.parse(await text(await ctx().storage.getStream(v.portableKey))),
    );
    return onePerColumn(
      model.features.map((f) => ({
        name: f.name,
        type: inputType(f.type),
        // A date's imputation is per extracted part, not a date: none is shown.
        example: typeof f.impute === "number" || typeof f.impute === "string" ? f.impute : null,
      })),
    );
  }
  // Scored by the API node's Python pool from its pickle: the pipeline's columns are the training
  // design's included features, in its order (as the node reads them too).
  const training = v.trainingId
    ? await ctx().db.mlTraining.findUnique({ where: { id: v.trainingId }, select: { design: true } })
    : null;
  const design = MlDesignSchema.safeParse(training?.design);
  if (!design.success) return [];
  return design.data.features
    .filter((f) => f.include)
    .map((f) => ({ name: f.name, type: inputType(f.type), example: null }));
}

/** Feature names and a typical value per version (cached: versions never change). */
const featureCache = new Map<string, Promise<FeatureView[]>>();
function featuresOf(v: VersionRow): Promise<FeatureView[]> {
  let p = featureCache.get(v.id);
  if (!p) {
    p = readFeatures(v).catch(() => {
      featureCache.delete(v.id);
      return [];
    });
    featureCache.set(v.id, p);
  }
  return p;
}

async function versionOfProject(projectId: string, versionId: string) {
  const v = await ctx().db.savedModelVersion.findFirst({
    where: { id: versionId, savedModel: { projectId } },
    include: versionInclude,
  });
  if (!v) throw new AppError("not_found", `No saved model version ${versionId} in this project.`);
  if (v.task === "clustering")
    throw new AppError(
      "conflict",
      `${v.savedModel.name} v${v.number} is a clustering model: API endpoints do not support clustering models yet (score it with a Score recipe instead).`,
    );
  return v;
}

async function serviceOfProject(projectId: string, serviceId: string) {
  const s = await ctx().db.apiService.findFirst({ where: { id: serviceId, projectId } });
  if (!s) throw new AppError("not_found", "API service not found.");
  return s;
}

export async function listDeployableVersions(projectId: string): Promise<DeployableVersion[]> {
  const rows = await ctx().db.savedModelVersion.findMany({
    where: { savedModel: { projectId } },
    include: versionInclude,
    orderBy: [{ savedModel: { name: "asc" } }, { number: "desc" }],
  });
  return rows.map(versionRef);
}

export async function listApiServices(projectId: string, serviceId?: string): Promise<ApiServiceView[]> {
  const rows = await ctx().db.apiService.findMany({
    where: { projectId, ...(serviceId ? { id: serviceId } : {}) },
    orderBy: { name: "asc" },
    include: {
      keys: { where: { revokedAt: null }, orderBy: { createdAt: "desc" } },
      endpoints: {
        orderBy: { name: "asc" },
        include: {
          deployments: {
            orderBy: { createdAt: "asc" },
            include: { savedModelVersion: { include: versionInclude } },
          },
        },
      },
    },
  });
  return Promise.all(
    rows.map(async (s) => ({
      id: s.id,
      name: s.name,
      description: s.description,
      public: s.public,
      url: `${publicUrl()}/public/api/v1/${s.name}`,
      createdAt: s.createdAt.toISOString(),
      keys: s.keys.map((k) => ({
        id: k.id,
        name: k.name,
        prefix: k.prefix,
        createdAt: k.createdAt.toISOString(),
      })),
      endpoints: await Promise.all(
        s.endpoints.map(async (e) => ({
          id: e.id,
          name: e.name,
          logSampleRate: e.logSampleRate,
          deployments: e.deployments.map((d) => ({
            version: versionRef(d.savedModelVersion),
            weight: d.weight,
          })),
          features: e.deployments[0] ? await featuresOf(e.deployments[0].savedModelVersion) : [],
        })),
      ),
    })),
  );
}

async function one(projectId: string, serviceId: string): Promise<ApiServiceView> {
  const [s] = await listApiServices(projectId, serviceId);
  if (!s) throw new AppError("not_found", "API service not found.");
  return s;
}

export async function createApiService(
  projectId: string,
  body: z.output<typeof CreateApiServiceBodySchema>,
): Promise<ApiServiceView> {
  await versionOfProject(projectId, body.endpoint.savedModelVersionId);
  const taken = await ctx().db.apiService.findUnique({ where: { name: body.name }, select: { id: true } });
  // Service names are the URL's first segment, which names no project: unique across projects.
  if (taken)
    throw new AppError("conflict", `An API service named ${body.name} already exists; pick another name.`);
  const s = await ctx().db.apiService.create({
    data: {
      projectId,
      name: body.name,
      description: body.description,
      endpoints: {
        create: {
          name: body.endpoint.name,
          deployments: { create: { savedModelVersionId: body.endpoint.savedModelVersionId, weight: 100 } },
        },
      },
    },
  });
  return one(projectId, s.id);
}

export async function updateApiService(
  projectId: string,
  serviceId: string,
  body: z.output<typeof UpdateApiServiceBodySchema>,
  user: User,
): Promise<ApiServiceView> {
  await serviceOfProject(projectId, serviceId);
  if (body.public !== undefined && user.role !== "ADMIN")
    throw new AppError("forbidden", "Only administrators can make an API service public or private.");
  await ctx().db.apiService.update({
    where: { id: serviceId },
    data: { description: body.description, public: body.public },
  });
  return one(projectId, serviceId);
}

export async function deleteApiService(projectId: string, serviceId: string): Promise<void> {
  await serviceOfProject(projectId, serviceId);
  await ctx().db.apiService.delete({ where: { id: serviceId } });
}

export async function createApiEndpoint(
  projectId: string,
  serviceId: string,
  body: z.output<typeof CreateApiEndpointBodySchema>,
): Promise<ApiServiceView> {
  await serviceOfProject(projectId, serviceId);
  await versionOfProject(projectId, body.savedModelVersionId);
  const taken = await ctx().db.apiEndpoint.findFirst({ where: { serviceId, name: body.name } });
  if (taken) throw new AppError("conflict", `This service already has an endpoint named ${body.name}.`);
  await ctx().db.apiEndpoint.create({
    data: {
      serviceId,
      name: body.name,
      deployments: { create: { savedModelVersionId: body.savedModelVersionId, weight: 100 } },
    },
  });
  return one(projectId, serviceId);
}

/** Replaces an endpoint's deployments in one transaction: the node sees the old split or the new one. */
export async function setDeployments(
  projectId: string,
  serviceId: string,
  endpointId: string,
  body: z.output<typeof SetDeploymentsBodySchema>,
): Promise<ApiServiceView> {
  await serviceOfProject(projectId, serviceId);
  const endpoint = await ctx().db.apiEndpoint.findFirst({ where: { id: endpointId, serviceId } });
  if (!endpoint) throw new AppError("not_found", "Endpoint not found.");
  for (const d of body.deployments) await versionOfProject(projectId, d.savedModelVersionId);
  const { db } = ctx();
  await db.$transaction([
    db.apiDeployment.deleteMany({ where: { endpointId } }),
    db.apiDeployment.createMany({
      data: body.deployments.map((d) => ({
        endpointId,
        savedModelVersionId: d.savedModelVersionId,
        weight: d.weight,
      })),
    }),
    ...(body.logSampleRate === undefined
      ? []
      : [db.apiEndpoint.update({ where: { id: endpointId }, data: { logSampleRate: body.logSampleRate } })]),
  ]);
  return one(projectId, serviceId);
}

export async function createServiceKey(projectId: string, serviceId: string, name: string) {
  await serviceOfProject(projectId, serviceId);
  const key = newServiceKey();
  const row = await ctx().db.apiServiceKey.create({
    data: { serviceId, name, prefix: key.prefix, keyHash: key.keyHash },
  });
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    key: key.key,
  };
}

export async function revokeServiceKey(projectId: string, serviceId: string, keyId: string): Promise<void> {
  await serviceOfProject(projectId, serviceId);
  const r = await ctx().db.apiServiceKey.updateMany({
    where: { id: keyId, serviceId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (r.count === 0) throw new AppError("not_found", "API key not found.");
}

async function callNode(path: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(`${nodeUrl()}${path}`, {
      ...init,
      headers: { ...init.headers, authorization: `Bearer ${apiNodeAdminToken(env().SOUS_SECRET_KEY)}` },
      signal: AbortSignal.timeout(5000),
    });
  } catch {
    throw new AppError(
      "unavailable",
      `The API node at ${nodeUrl()} does not answer; is it running (npm start starts it)?`,
    );
  }
}

const METRICS_WINDOW_MINUTES = 60;

/**
 * The service's figures per endpoint from the API nodes' minute rows (ApiEndpointMinute), not from
 * a node: every process writes its own rows, so counters are summed across processes and survive
 * restarts. Latency percentiles of several processes in one minute are their request-weighted mean.
 */
export async function serviceMetrics(projectId: string, serviceId: string): Promise<ApiServiceMetrics> {
  await serviceOfProject(projectId, serviceId);
  const db = ctx().db;
  const endpoints = await db.apiEndpoint.findMany({
    where: { serviceId },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
  const ids = endpoints.map((e) => e.id);
  const now = Date.now();
  const since = new Date(Math.floor(now / 60_000) * 60_000 - (METRICS_WINDOW_MINUTES - 1) * 60_000);
  const [totals, versions, minutes] = ids.length
    ? await Promise.all([
        db.apiEndpointMinute.groupBy({
          by: ["endpointId"],
          where: { endpointId: { in: ids } },
          _sum: { requests: true, predictions: true, clientErrors: true, serverErrors: true },
        }),
        db.$queryRawUnsafe<{ endpointId: string; version: string; n: number }[]>(
          `SELECT m."endpointId", v.key AS version, sum(v.value::bigint)::float8 AS n
           FROM "ApiEndpointMinute" m, jsonb_each_text(m."byVersion") v
           WHERE m."endpointId" = ANY($1::text[]) GROUP BY 1, 2`,
          ids,
        ),
        db.$queryRawUnsafe<
          {
            endpointId: string;
            minute: Date;
            requests: number;
            errors: number;
            processes: string[];
            p50: number;
            p95: number;
            p99: number;
            max: number;
          }[]
        >(
          `SELECT "endpointId", "minute", sum("requests")::float8 AS requests,
             sum("clientErrors" + "serverErrors")::float8 AS errors, array_agg("processId") AS processes,
             sum("p50Ms" * "requests") / sum("requests") AS p50, sum("p95Ms" * "requests") / sum("requests") AS p95,
             sum("p99Ms" * "requests") / sum("requests") AS p99, max("maxMs") AS max
           FROM "ApiEndpointMinute" WHERE "endpointId" = ANY($1::text[]) AND "minute" >= $2::timestamp(3)
             AND "requests" > 0
           GROUP BY 1, 2 ORDER BY 1, 2`,
          ids,
          since.toISOString(),
        ),
      ])
    : [[], [], []];
  return {
    windowMinutes: METRICS_WINDOW_MINUTES,
    asOf: new Date(now).toISOString(),
    endpoints: endpoints.map((e) => {
      const t = totals.find((x) => x.endpointId === e.id)?._sum;
      const mine = minutes.filter((m) => m.endpointId === e.id);
      const n = mine.reduce((a, m) => a + m.requests, 0);
      const weighted = (k: "p50" | "p95" | "p99") => mine.reduce((a, m) => a + m[k] * m.requests, 0) / n;
      return {
        endpoint: e.name,
        endpointId: e.id,
        requests: t?.requests ?? 0,
        predictions: t?.predictions ?? 0,
        clientErrors: t?.clientErrors ?? 0,
        serverErrors: t?.serverErrors ?? 0,
        byVersion: Object.fromEntries(
          versions.filter((v) => v.endpointId === e.id).map((v) => [v.version, Number(v.n)]),
        ),
        processes: new Set(mine.flatMap((m) => m.processes)).size,
        latencyMs: n
          ? {
              p50: weighted("p50"),
              p95: weighted("p95"),
              p99: weighted("p99"),
              max: Math.max(...mine.map((m) => m.max)),
              requests: n,
            }
          : null,
        minutes: mine.map((m) => ({
          minute: new Date(m.minute).toISOString(),
          requests: m.requests,
          errors: m.errors,
          p50: m.p50,
          p99: m.p99,
        })),
      };
    }),
  };
}

/** Calls the service through the API node as a client would (with the node's admin token). */
export async function testPredict(projectId: string, serviceId: string, endpoint: string, features: unknown) {
  const s = await serviceOfProject(projectId, serviceId);
  const res = await callNode(
    `/public/api/v1/${encodeURIComponent(s.name)}/${encodeURIComponent(endpoint)}/predict`,
    { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ features }) },
  );
  return { status: res.status, body: await res.json().catch(() => null) };
}

/**
 * A row of the model's training dataset (its current version), with the model's features only,
 * for the test form. `index` picks one of the first 100 rows (wrapping); random when absent.
 */
export async function trainingRow(
  projectId: string,
  serviceId: string,
  endpointName: string,
  index?: number,
) {
  await serviceOfProject(projectId, serviceId);
  const endpoint = await ctx().db.apiEndpoint.findFirst({
    where: { serviceId, name: endpointName },
    include: {
      deployments: {
        orderBy: { createdAt: "asc" },
        take: 1,
        include: {
          savedModelVersion: {
            include: { savedModel: { select: { id: true, name: true, datasetId: true } } },
          },
        },
      },
    },
  });
  const version = endpoint?.deployments[0]?.savedModelVersion;
  if (!version)
    throw new AppError("not_found", `This service has no endpoint ${endpointName} with a deployed version.`);
  const features = await featuresOf(version);
  const preview = await previewDataset(projectId, version.savedModel.datasetId, { limit: 100, offset: 0 });
  if (!preview.rows.length) throw new AppError("conflict", "The model's training dataset has no rows.");
  const at = (index ?? Math.floor(Math.random() * preview.rows.length)) % preview.rows.length;
  const cells = preview.rows[at]!;
  const column = new Map(preview.columns.map((c, i) => [c.name, i]));
  const row: Record<string, unknown> = {};
  for (const f of features) {
    const i = column.get(f.name);
    let v = i === undefined ? null : (cells[i] ?? null);
    // Wide numbers (bigint, decimal) come as text in previews; the API node wants numbers.
    if (f.type === "numeric" && typeof v === "string" && Number.isFinite(Number(v))) v = Number(v);
    row[f.name] = v;
  }
  return { features: row, row: at, rows: preview.rows.length };
}
