import "server-only";
import { AppError, type ImportedDataset } from "@sous/contracts";
import { ctx } from "../context.ts";
import { uploadDataset } from "./upload-dataset.ts";

// The API node's sampled request log (ApiRequestLog) as a dataset of the project, for monitoring:
// one row per logged request. It goes through the ordinary upload path (JSON lines: numbers,
// booleans and ISO timestamps keep their types, which CSV would flatten), so versioning, schema
// inference and permissions are those of any upload. Re-running makes the next version.

/** More than this many newest rows are left out: a monitoring sample, not an archive. */
const REQUEST_LOG_DATASET_MAX_ROWS = 1_000_000;
const PAGE = 5000;
const FIXED = ["at", "model_version", "latency_ms", "prediction"];

type LogRow = {
  id: bigint;
  at: Date;
  v: string | null;
  latencyMs: number;
  features: unknown;
  prediction: unknown;
};

const record = (x: unknown): Record<string, unknown> =>
  x && typeof x === "object" && !Array.isArray(x) ? (x as Record<string, unknown>) : {};

export async function requestLogDataset(opts: {
  projectId: string;
  serviceId: string;
  endpointId: string;
  name: string;
  maxRows?: number;
}): Promise<ImportedDataset> {
  const { db } = ctx();
  const endpoint = await db.apiEndpoint.findFirst({
    where: { id: opts.endpointId, serviceId: opts.serviceId, service: { projectId: opts.projectId } },
    select: { id: true, name: true },
  });
  if (!endpoint) throw new AppError("not_found", "Endpoint not found.");
  const max = Math.min(opts.maxRows ?? REQUEST_LOG_DATASET_MAX_ROWS, REQUEST_LOG_DATASET_MAX_ROWS);
  // The columns are known before the first row is written: every feature and class of the sample.
  const [keys] = await db.$queryRawUnsafe<
    { n: number; features: string[] | null; classes: string[] | null }[]
  >(
    `WITH s AS (SELECT features, prediction FROM "ApiRequestLog" WHERE "endpointId" = $1
       ORDER BY at DESC, id DESC LIMIT $2)
     SELECT (SELECT count(*)::int FROM s) AS n,
       (SELECT array_agg(DISTINCT k ORDER BY k) FROM s, jsonb_object_keys(CASE jsonb_typeof(features)
         WHEN 'object' THEN features ELSE '{}'::jsonb END) k) AS features,
       (SELECT array_agg(DISTINCT k ORDER BY k) FROM s, jsonb_object_keys(CASE jsonb_typeof(prediction->'probas')
         WHEN 'object' THEN prediction->'probas' ELSE '{}'::jsonb END) k) AS classes`,
    endpoint.id,
    max,
  );
  if (!keys?.n)
    throw new AppError(
      "conflict",
      `Endpoint ${endpoint.name} has no logged requests yet: call it (with a log sample rate above 0) first.`,
    );
  const probaCols = (keys.classes ?? []).map((c) => [c, `proba_${c}`] as const);
  const taken = new Set([...FIXED, ...probaCols.map(([, col]) => col)]);
  const featureCols = (keys.features ?? []).map((f) => [f, taken.has(f) ? `feature_${f}` : f] as const);
  const versions = new Map(
    (
      await db.savedModelVersion.findMany({
        where: { apiRequests: { some: { endpointId: endpoint.id } } },
        select: { id: true, number: true },
      })
    ).map((v) => [v.id, v.number]),
  );

  const line = (r: LogRow): string => {
    const p = record(r.prediction);
    const probas = record(p.probas);
    const f = record(r.features);
    const out: Record<string, unknown> = {
      at: r.at.toISOString(),
      model_version: r.v === null ? null : (versions.get(r.v) ?? null),
      latency_ms: r.latencyMs,
      prediction: p.prediction ?? null,
    };
    for (const [c, col] of probaCols) out[col] = probas[c] ?? null;
    for (const [k, col] of featureCols) out[col] = f[k] ?? null;
    return `${JSON.stringify(out)}\n`;
  };

  // Streamed page by page (keyset on the newest-first order), so a million rows never sit in memory.
  let sent = 0;
  let after: { at: Date; id: bigint } | null = null;
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const take = Math.min(PAGE, max - sent);
      const rows: LogRow[] =
        take <= 0
          ? []
          : await db.$queryRawUnsafe<LogRow[]>(
              `SELECT id, at, "savedModelVersionId" AS v, "latencyMs", features, prediction
               FROM "ApiRequestLog" WHERE "endpointId" = $1
                 AND ($2::timestamp(3) IS NULL OR (at, id) < ($2::timestamp(3), $3::bigint))
               ORDER BY at DESC, id DESC LIMIT $4`,
              endpoint.id,
              after?.at.toISOString().replace("Z", "") ?? null,
              after?.id ?? 0n,
              take,
            );
      if (!rows.length) {
        controller.close();
        return;
      }
      sent += rows.length;
      const last = rows[rows.length - 1]!;
      after = { at: last.at, id: last.id };
      controller.enqueue(enc.encode(rows.map(line).join("")));
    },
  });

  const existing = await db.dataset.findUnique({
    where: { projectId_name: { projectId: opts.projectId, name: opts.name } },
    select: { id: true },
  });
  try {
    return await uploadDataset({
      projectId: opts.projectId,
      target: existing ? { datasetId: existing.id } : { create: opts.name },
      fileName: `${opts.name}.jsonl`,
      contentType: "application/x-ndjson",
      contentLength: null,
      body,
    });
  } catch (e) {
    // The upload limit (SOUS_UPLOAD_MAX_BYTES) holds here too; say what to do about it in this case.
    if (e instanceof AppError && e.code === "payload_too_large")
      throw new AppError(
        "payload_too_large",
        `The newest ${keys.n.toLocaleString("en-US")} logged requests of ${endpoint.name} are larger than the upload limit (SOUS_UPLOAD_MAX_BYTES); ask for fewer rows.`,
      );
    throw e;
  }
}
