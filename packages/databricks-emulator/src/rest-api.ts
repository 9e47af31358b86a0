// The slice of the Databricks Clusters API (2.0) that Sous calls. Error bodies use Databricks'
// `{error_code, message}` shape and status codes so the client's error mapping is exercised.
import { z } from "zod";
import { type ClusterRegistry, type ClusterSpec, InvalidClusterStateError } from "./clusters.ts";
import type { JobRuns } from "./jobs-api.ts";
import type { MountStore } from "./mount-store.ts";

export type RestResponse = { status: number; body: unknown };

const error = (status: number, error_code: string, message: string): RestResponse => ({
  status,
  body: { error_code, message },
});

const SPARK_VERSIONS = [
  { key: "15.4.x-scala2.12", name: "15.4 LTS (includes Apache Spark 3.5.0, Scala 2.12)" },
  { key: "14.3.x-scala2.12", name: "14.3 LTS (includes Apache Spark 3.5.0, Scala 2.12)" },
  { key: "13.3.x-scala2.12", name: "13.3 LTS (includes Apache Spark 3.4.1, Scala 2.12)" },
];

const NODE_TYPES = [
  { node_type_id: "Standard_DS3_v2", memory_mb: 14336, num_cores: 4, description: "Standard_DS3_v2" },
  { node_type_id: "Standard_DS4_v2", memory_mb: 28672, num_cores: 8, description: "Standard_DS4_v2" },
  { node_type_id: "Standard_E8ds_v4", memory_mb: 65536, num_cores: 8, description: "Standard_E8ds_v4" },
].map((t) => ({ ...t, instance_type_id: t.node_type_id, category: "General Purpose" }));

export type RestDeps = { clusters: ClusterRegistry; mounts: MountStore; jobs?: JobRuns };

export async function handleRest(
  deps: RestDeps,
  method: string,
  url: URL,
  body: unknown,
): Promise<RestResponse> {
  const { clusters } = deps;
  const route = `${method} ${url.pathname.replace(/^\/api\/2\.[012]\//, "")}`;
  if (route.startsWith(`${method} jobs/`)) {
    const out = await deps.jobs?.handle(route, url, body);
    if (out) return out;
  }
  if ((method === "HEAD" || method === "GET") && url.pathname.startsWith("/api/2.0/fs/files/")) {
    // Files API (UC volumes): HEAD says whether a file exists.
    const found = await deps.mounts.status(
      decodeURIComponent(url.pathname.slice("/api/2.0/fs/files".length)),
    );
    return found && !found.is_dir
      ? { status: 200, body: {} }
      : error(404, "NOT_FOUND", "The file does not exist");
  }
  switch (route) {
    case "GET preview/scim/v2/Me":
      return { status: 200, body: { id: "1", userName: "emulator@sous.local", active: true } };
    case "GET dbfs/get-status": {
      const p = url.searchParams.get("path") ?? "";
      const found = await deps.mounts.status(p.startsWith("dbfs:") ? p : `dbfs:${p}`);
      if (!found) return error(404, "RESOURCE_DOES_NOT_EXIST", `No file or directory exists on path ${p}.`);
      return { status: 200, body: { path: p, ...found, modification_time: Date.now() } };
    }
    case "POST clusters/edit": {
      const id = clusterIdOf(body);
      if (!id || !clusters.has(id)) {
        return error(400, "INVALID_PARAMETER_VALUE", `Cluster ${id ?? "(missing)"} does not exist`);
      }
      const spec = validateSpec(body);
      if (typeof spec === "string") return error(400, "INVALID_PARAMETER_VALUE", spec);
      const { cluster_id: _, ...rest } = spec as ClusterSpec & { cluster_id?: string };
      try {
        clusters.edit(id, rest);
      } catch (e) {
        if (e instanceof InvalidClusterStateError) return error(400, "INVALID_STATE", e.message);
        throw e;
      }
      return { status: 200, body: {} };
    }
    case "POST clusters/events": {
      const id = clusterIdOf(body);
      if (!id || !clusters.has(id)) {
        return error(400, "INVALID_PARAMETER_VALUE", `Cluster ${id ?? "(missing)"} does not exist`);
      }
      const b = body as { order?: string; limit?: number; page_size?: number };
      let events = clusters.events(id);
      if (b.order !== "ASC") events = events.reverse();
      const limit = b.page_size ?? b.limit ?? 50;
      return { status: 200, body: { events: events.slice(0, limit), total_count: events.length } };
    }
    case "GET clusters/list": {
      const all = clusters.list();
      // Databricks omits the key entirely when there are no clusters.
      return { status: 200, body: all.length > 0 ? { clusters: all } : {} };
    }
    case "GET clusters/get": {
      const id = url.searchParams.get("cluster_id") ?? "";
      const details = clusters.describe(id);
      if (!details) return error(400, "INVALID_PARAMETER_VALUE", `Cluster ${id} does not exist`);
      return { status: 200, body: details };
    }
    case "POST clusters/create": {
      const spec = validateSpec(body);
      if (typeof spec === "string") return error(400, "INVALID_PARAMETER_VALUE", spec);
      return { status: 200, body: { cluster_id: clusters.create(spec) } };
    }
    case "POST clusters/start":
    case "POST clusters/delete": {
      const id = clusterIdOf(body);
      if (!id || !clusters.has(id)) {
        return error(400, "INVALID_PARAMETER_VALUE", `Cluster ${id ?? "(missing)"} does not exist`);
      }
      if (route === "POST clusters/start") clusters.start(id);
      else clusters.terminate(id);
      return { status: 200, body: {} };
    }
    case "GET clusters/spark-versions":
      return { status: 200, body: { versions: SPARK_VERSIONS } };
    case "GET clusters/list-node-types":
      return { status: 200, body: { node_types: NODE_TYPES } };
    default:
      return error(404, "ENDPOINT_NOT_FOUND", `No API found for '${method} ${url.pathname}'`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function clusterIdOf(body: unknown): string | undefined {
  return isRecord(body) && typeof body.cluster_id === "string" ? body.cluster_id : undefined;
}

const count = z.number().int().nonnegative();

const clusterSpecSchema = z.looseObject({
  spark_version: z
    .string({ error: "Missing required field: spark_version" })
    .min(1, "Missing required field: spark_version"),
  cluster_name: z.string().optional(),
  node_type_id: z
    .string()
    .refine((t) => NODE_TYPES.some((n) => n.node_type_id === t), {
      error: (issue) =>
        `Node type ${String(issue.input)} is not supported. Supported node types: ${NODE_TYPES.map((t) => t.node_type_id).join(", ")}`,
    })
    .optional(),
  driver_node_type_id: z.string().optional(),
  num_workers: count.optional(),
  autoscale: z
    .object({ min_workers: count, max_workers: count })
    .refine((a) => a.max_workers >= a.min_workers, "autoscale.max_workers must be at least min_workers")
    .optional(),
  autotermination_minutes: count.optional(),
  spark_conf: z.record(z.string(), z.string()).optional(),
  custom_tags: z.record(z.string(), z.string()).optional(),
  data_security_mode: z.string().optional(),
  single_user_name: z.string().optional(),
});

/** What Databricks itself rejects outright. Returns a message on failure. */
function validateSpec(body: unknown): ClusterSpec | string {
  if (!isRecord(body)) return "The request body must be a JSON object";
  const parsed = clusterSpecSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") ?? "";
    return issue?.code === "custom" || field === "spark_version"
      ? (issue?.message ?? "")
      : `${field}: ${issue?.message}`;
  }
  return parsed.data as ClusterSpec;
}
