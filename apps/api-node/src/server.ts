import { timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type IntervalHistogram, monitorEventLoopDelay } from "node:perf_hooks";
import { AppError, HTTP_STATUS_BY_CODE } from "@sous/contracts";
import { createNotifyListener, type Db } from "@sous/db";
import { type PortableModel, type Score, scoreManyPortable, scorePortable } from "@sous/ml";
import { type PythonModel, PythonScorer } from "@sous/ml-local";
import { API_CHANGE_CHANNEL } from "@sous/server-domain/api-services";
import type { DatasetStorage } from "@sous/storage";
import pg from "pg";
import { Metrics } from "./metrics.ts";
import { serviceOpenApi } from "./openapi.ts";
import { authorized, pickVersion, Registry, type RoutedEndpoint, type RoutedVersion } from "./registry.ts";
import { RequestLog } from "./request-log.ts";
import { pruneApiHistory, type RetentionOptions } from "./retention.ts";

// The API node: DSS's prediction contract over Node's own http server (no framework: the hot
// path is a route lookup, one JSON.parse, the scorer and one JSON.stringify).
//   POST /public/api/v1/{service}/{endpoint}/predict        {"features": {...}}
//   POST /public/api/v1/{service}/{endpoint}/predict-multi  {"items": [{"features": {...}}, ...]}
//   GET  /public/api/v1/{service}/openapi.json
//   GET  /health, /ready; GET /admin/api/v1/metrics (bearer: the admin token)
//   POST /admin/api/v1/event-loop/reset (bearer: the admin token): the event loop's delay since
//        the previous reset, and a new window (a benchmark reads it per load phase)

export interface ApiNodeOptions {
  db: Db;
  storage: DatasetStorage;
  databaseUrl: string;
  /** Bearer token of /admin/api/v1/* (apiNodeAdminToken of the installation's secret key). */
  adminToken: string;
  port: number;
  host?: string;
  maxBodyBytes: number;
  maxItems: number;
  /** Fallback reload period, for a notification lost while LISTEN was reconnecting. */
  reloadEveryMs: number;
  /** Request log batching (tests flush sooner). */
  requestLog?: { flushEveryMs?: number; batchSize?: number };
  /** Minute aggregates written to Postgres (process id, flush period; tests flush sooner). */
  metrics?: { processId?: string; flushEveryMs?: number };
  /** How long request-log and minute rows are kept (default 30 and 90 days), checked hourly. */
  retention?: Partial<RetentionOptions> & { everyMs?: number };
  /** Scores models that have no portable form (default: a pool of 2 from the project's venv). */
  python?: PythonScorer;
  /** Drives A/B picks and log sampling; tests may pass a seeded one. */
  random?: () => number;
  log?: (line: string) => void;
}

export interface ApiNode {
  url: string;
  server: http.Server;
  registry: Registry;
  metrics: Metrics;
  requestLog: RequestLog;
  /** True while the LISTEN connection is in place. */
  readonly listening: boolean;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const CONTENT_TYPE = "application/json; charset=utf-8";

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  sendText(res, status, JSON.stringify(body), headers);
}

/** Answers JSON already serialised (the predictions' answers are built from fragments). */
function sendText(res: http.ServerResponse, status: number, text: string, headers?: Record<string, string>) {
  res.setHeader("content-type", CONTENT_TYPE);
  res.setHeader("content-length", Buffer.byteLength(text));
  if (headers) for (const k in headers) res.setHeader(k, headers[k]!);
  res.writeHead(status);
  res.end(text);
}

function readBody(req: http.IncomingMessage, max: number): Promise<string> {
  const declared = Number(req.headers["content-length"]);
  if (declared > max) return Promise.reject(tooLarge(max));
  return new Promise((resolve, reject) => {
    // A single prediction's body is one chunk: no array, no copy.
    let first: Buffer | null = null;
    let chunks: Buffer[] | null = null;
    let size = 0;
    let over = false;
    req.on("data", (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > max) {
        over = true;
        first = chunks = null;
        reject(tooLarge(max));
        return;
      }
      if (!first) first = c;
      else {
        if (!chunks) chunks = [first];
        chunks.push(c);
      }
    });
    req.on("end", () => {
      if (over) return;
      if (chunks) resolve(Buffer.concat(chunks, size).toString("utf8"));
      else resolve(first ? first.toString("utf8") : "");
    });
    req.on("error", reject);
  });
}

const tooLarge = (max: number) =>
  new HttpError(413, "payload_too_large", `the request body is larger than ${max} bytes`, {
    connection: "close",
  });

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function parseJson(text: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_input", "the request body is not valid JSON");
  }
  if (!isObject(body)) throw new HttpError(400, "invalid_input", "the request body must be a JSON object");
  return body;
}

function featuresOf(v: unknown, where: string): Record<string, unknown> {
  if (v === undefined)
    throw new HttpError(400, "invalid_input", `${where}needs "features": an object of feature values`);
  if (!isObject(v)) throw new HttpError(400, "invalid_input", `${where}"features" must be an object`);
  return v;
}

interface PredictResult {
  prediction: unknown;
  probas?: Record<string, number>;
  ignored: false;
}

/** A finite number as JSON spells it (probabilities and regression values are finite). */
const jsonNumber = (v: number) => (Number.isFinite(v) ? String(v) : "null");

/**
 * Scores in-process from the portable form (one batch for predict-multi) and writes each result
 * as DSS's JSON text directly: the same text as JSON.stringify of { prediction, ignored, probas },
 * without an object per row.
 */
function scoreHere(model: PortableModel, inputs: Record<string, unknown>[], multi: boolean): string[] {
  let scores: Score[];
  try {
    scores = multi ? scoreManyPortable(model, inputs) : [scorePortable(model, inputs[0]!)];
  } catch (e) {
    if (e instanceof AppError && e.code === "invalid_input")
      throw new HttpError(400, "invalid_input", e.message);
    throw e;
  }
  const keys = model.classes?.map((c) => `${JSON.stringify(String(c))}:`);
  return scores.map((s) => {
    const head = `{"prediction":${JSON.stringify(s.prediction)},"ignored":false`;
    const p = s.probabilities;
    if (!p || !keys) return `${head}}`;
    let probas = "";
    for (let i = 0; i < keys.length; i++) probas += `${i > 0 ? "," : ""}${keys[i]}${jsonNumber(p[i]!)}`;
    return `${head},"probas":{${probas}}}`;
  });
}

/** Scores through the Python pool (models without a portable form), in DSS's result shape. */
async function scoreInPython(
  python: PythonScorer,
  model: PythonModel,
  inputs: Record<string, unknown>[],
  multi: boolean,
): Promise<PredictResult[]> {
  try {
    const s = await python.score(model, inputs);
    return s.predictions.map((prediction, i) => {
      const result: PredictResult = { prediction, ignored: false };
      const p = s.probabilities?.[i];
      if (p && model.classes)
        result.probas = Object.fromEntries(model.classes.map((c, k) => [String(c), p[k]!]));
      return result;
    });
  } catch (e) {
    // The pool names the feature; for one row there is no item to name (as for portable models).
    if (e instanceof AppError && e.code === "invalid_input")
      throw new HttpError(400, "invalid_input", multi ? e.message : e.message.replace(/^item 0: /, ""));
    throw e;
  }
}

function toHttpError(e: unknown, logInternal: (stack: string) => void): HttpError {
  if (e instanceof HttpError) return e;
  if (e instanceof AppError) return new HttpError(HTTP_STATUS_BY_CODE[e.code], e.code, e.message);
  logInternal(String((e as Error).stack ?? e));
  return new HttpError(500, "internal", "internal error");
}

const versionView = (v: RoutedVersion) => ({
  id: v.versionId,
  number: v.number,
  savedModel: v.savedModelName,
});

/** A version's part of the answer, serialised once per routed version (a reload makes new ones). */
const versionJsonCache = new WeakMap<RoutedVersion, string>();
function versionJson(v: RoutedVersion): string {
  let text = versionJsonCache.get(v);
  if (text === undefined) {
    text = JSON.stringify(versionView(v));
    versionJsonCache.set(v, text);
  }
  return text;
}

/** How often the event loop's delay is sampled: a timer this often (cheap), delays below it blur. */
const LOOP_RESOLUTION_MS = 5;

export interface EventLoopDelayView {
  /** Milliseconds the loop was late past the sampling tick (work holding it). */
  p50: number;
  p99: number;
  max: number;
  samples: number;
  since: string;
}

function loopDelayView(h: IntervalHistogram, since: Date): EventLoopDelayView | null {
  // The histogram holds the intervals between ticks: the tick itself is not a delay.
  const ms = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
  if (!h.count) return null;
  return {
    p50: ms(h.percentile(50)),
    p99: ms(h.percentile(99)),
    max: ms(h.max),
    samples: h.count,
    since: since.toISOString(),
  };
}

function bearer(header: string | undefined): string | null {
  return header?.toLowerCase().startsWith("bearer ") ? header.slice(7).trim() : null;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startApiNode(opts: ApiNodeOptions): Promise<ApiNode> {
  const log = opts.log ?? ((line: string) => console.log(`[api-node] ${line}`));
  const random = opts.random ?? Math.random;
  // Started at the first request for such a model: a node serving only portable models runs no Python.
  const python = opts.python ?? new PythonScorer({ onLog: (line) => log(`python: ${line}`) });
  const registry = new Registry(opts.db, opts.storage, (e) => log(`reload: ${e.message}`));
  // The request log and the minute metrics are written through a pg pool of their own rather than
  // Prisma: Prisma 7 compiles each query and serialises its arguments on this thread, which held
  // the event loop for tens of milliseconds per request-log batch (bench/api-node.ts).
  const writes = new pg.Pool({
    connectionString: opts.databaseUrl,
    max: 1,
    application_name: "sous-api-node-writes",
  });
  writes.on("error", (e) => log(`request log connection: ${e.message}`));
  const execute = async (sql: string, params: unknown[]) => (await writes.query(sql, params)).rowCount ?? 0;
  const metrics = new Metrics({ ...opts.metrics, execute, onError: (e) => log(`metrics: ${e.message}`) });
  const requestLog = new RequestLog(execute, {
    ...opts.requestLog,
    onError: (e) => log(`request log: ${e.message}`),
  });

  // The shared LISTEN connection (reconnects with backoff, keepalive, a delivery probe). Every
  // (re)connect calls the subscriber with null and so reloads: a change made before LISTEN was in
  // place, or while it was down, is loaded then; the periodic reload below covers the rest.
  const changes = createNotifyListener({
    databaseUrl: opts.databaseUrl,
    channel: API_CHANGE_CHANNEL,
    applicationName: "sous-api-node",
    // The payload is the table that changed; any change reloads every deployment.
    route: () => ({ key: "deployments", value: "changed" }),
    onError: (e) => log(`deployment changes: ${e.message}`),
  });
  changes.subscribe("deployments", () => void registry.reload());
  await registry.reload();
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loopDelay.enable();
  let loopDelaySince = new Date();
  const poll = setInterval(() => void registry.reload(), opts.reloadEveryMs);
  poll.unref();
  // Old history goes a minute after start, then every hour (each node does it: it is idempotent).
  const keep: RetentionOptions = {
    requestLogDays: opts.retention?.requestLogDays ?? 30,
    metricsDays: opts.retention?.metricsDays ?? 90,
  };
  const prune = () =>
    pruneApiHistory(async (sql, params) => (await writes.query(sql, params)).rows, execute, keep).then(
      ({ requests, minutes }) => {
        if (requests + minutes > 0)
          log(`retention: deleted ${requests} request-log rows and ${minutes} minute rows`);
      },
      (e: Error) => log(`retention: ${e.message}`),
    );
  const everyMs = opts.retention?.everyMs ?? 60 * 60_000;
  // One at a time: a run queues behind the one before.
  let pruning: Promise<void> = Promise.resolve();
  const queuePrune = () => {
    pruning = pruning.then(prune);
  };
  const firstPrune = setTimeout(queuePrune, Math.min(60_000, everyMs));
  const prunePoll = setInterval(queuePrune, everyMs);
  firstPrune.unref();
  prunePoll.unref();

  async function predict(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    endpoint: RoutedEndpoint,
    multi: boolean,
    started: number,
  ): Promise<{ status: number; version?: RoutedVersion; predictions: number }> {
    const text = await readBody(req, opts.maxBodyBytes);
    const read = performance.now();
    const body = parseJson(text);
    const version = pickVersion(endpoint, random());
    if (!version)
      throw new HttpError(503, "unavailable", `endpoint ${endpoint.name} has no model version deployed`);
    if (!version.loaded.ok)
      throw new HttpError(version.loaded.status, version.loaded.code, version.loaded.message);
    const loaded = version.loaded;
    const scoringStart = performance.now();
    let inputs: Record<string, unknown>[];
    if (!multi) inputs = [featuresOf(body.features, "the body ")];
    else {
      const items = body.items;
      if (!Array.isArray(items))
        throw new HttpError(400, "invalid_input", 'the body needs "items": an array of {"features": {...}}');
      if (items.length > opts.maxItems)
        throw new HttpError(
          413,
          "payload_too_large",
          `at most ${opts.maxItems} items per request, got ${items.length}`,
        );
      inputs = items.map((item, i) => {
        if (!isObject(item)) throw new HttpError(400, "invalid_input", `item ${i} must be an object`);
        return featuresOf(item.features, `item ${i} `);
      });
    }
    // The answer is put together from serialised parts: each result once (the request log reuses
    // it), the version's part once per version. Same JSON as serialising the whole answer.
    const resultTexts =
      loaded.runtime === "portable"
        ? scoreHere(loaded.model, inputs, multi)
        : (await scoreInPython(python, loaded.model, inputs, multi)).map((r) => JSON.stringify(r));
    const end = performance.now();
    const timing = `{"scoringMs":${end - scoringStart},"totalMs":${end - started},"readMs":${read - started},"parseMs":${scoringStart - read}}`;
    sendText(
      res,
      200,
      multi
        ? `{"results":[${resultTexts.join(",")}],"timing":${timing},"version":${versionJson(version)}}`
        : `{"result":${resultTexts[0]},"timing":${timing},"version":${versionJson(version)}}`,
    );
    const rate = endpoint.logSampleRate;
    if (rate > 0) {
      const latencyMs = (performance.now() - started) / inputs.length;
      const at = Date.now();
      for (let i = 0; i < inputs.length; i++)
        if (random() < rate)
          requestLog.push(
            endpoint.id,
            version.versionId,
            JSON.stringify(inputs[i]),
            resultTexts[i]!,
            latencyMs,
            at,
          );
    }
    return { status: 200, version, predictions: inputs.length };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const started = performance.now();
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const pathname = q < 0 ? url : url.slice(0, q);
    const routes = registry.routes;
    let endpointSeen: { service: string; endpoint: RoutedEndpoint } | null = null;
    let outcome: { status: number; version?: RoutedVersion; predictions: number } = {
      status: 500,
      predictions: 0,
    };
    try {
      if (pathname === "/health") return send(res, 200, { status: "ok" });
      if (pathname === "/ready") {
        if (!routes) throw new HttpError(503, "unavailable", "deployments are not loaded yet");
        return send(res, 200, {
          status: "ready",
          services: routes.services.size,
          loadedAt: routes.loadedAt.toISOString(),
          listening: changes.listening,
        });
      }
      if (pathname.startsWith("/admin/")) {
        const token = bearer(req.headers.authorization);
        if (!token || !sameSecret(token, opts.adminToken))
          throw new HttpError(401, "unauthenticated", "send the API node's admin token as a bearer token");
      }
      if (pathname === "/admin/api/v1/event-loop/reset") {
        if (req.method !== "POST")
          throw new HttpError(405, "method_not_allowed", "event-loop/reset takes a POST", { allow: "POST" });
        const view = loopDelayView(loopDelay, loopDelaySince);
        loopDelay.reset();
        loopDelaySince = new Date();
        return send(res, 200, { eventLoopDelayMs: view });
      }
      if (pathname === "/admin/api/v1/metrics") {
        const service = new URLSearchParams(q < 0 ? "" : url.slice(q + 1)).get("service") ?? undefined;
        return send(res, 200, {
          endpoints: metrics.view({ service }),
          requestLog: { written: requestLog.written, dropped: requestLog.dropped },
          reloads: registry.reloads,
          eventLoopDelayMs: loopDelayView(loopDelay, loopDelaySince),
        });
      }
      const prefix = "/public/api/v1/";
      if (!pathname.startsWith(prefix)) throw new HttpError(404, "not_found", `no route ${pathname}`);
      if (!routes) throw new HttpError(503, "unavailable", "deployments are not loaded yet");
      let parts: string[];
      try {
        parts = pathname.slice(prefix.length).split("/").map(decodeURIComponent);
      } catch {
        throw new HttpError(404, "not_found", `no route ${pathname}`);
      }
      const service = routes.services.get(parts[0] ?? "");
      if (!service) throw new HttpError(404, "not_found", `no API service named ${parts[0]}`);
      // Refusals count in the endpoint's metrics too (the answer itself names no endpoint).
      const candidate = parts.length === 3 ? service.endpoints.get(parts[1] ?? "") : undefined;
      if (candidate) endpointSeen = { service: service.name, endpoint: candidate };
      // The admin token (DSS's admin keys) may call every service: the studio's test form uses it.
      const admin = bearer(req.headers.authorization);
      if (!authorized(service, req.headers.authorization) && !(admin && sameSecret(admin, opts.adminToken)))
        throw new HttpError(
          401,
          "unauthenticated",
          `API service ${service.name} needs an API key: send it as the Basic user name (empty password) or as a bearer token`,
          { "www-authenticate": 'Basic realm="sous"' },
        );
      if (parts.length === 2 && parts[1] === "openapi.json" && req.method === "GET") {
        const host = req.headers.host ?? `localhost:${opts.port}`;
        return send(res, 200, serviceOpenApi(service, `http://${host}`));
      }
      const action = parts[2];
      if (parts.length !== 3 || (action !== "predict" && action !== "predict-multi"))
        throw new HttpError(
          404,
          "not_found",
          `no route ${pathname}: use .../{endpoint}/predict or predict-multi`,
        );
      const endpoint = service.endpoints.get(parts[1] ?? "");
      if (!endpoint)
        throw new HttpError(404, "not_found", `API service ${service.name} has no endpoint ${parts[1]}`);
      endpointSeen = { service: service.name, endpoint };
      if (req.method !== "POST")
        throw new HttpError(405, "method_not_allowed", `${action} takes a POST`, { allow: "POST" });
      outcome = await predict(req, res, endpoint, action === "predict-multi", started);
    } catch (e) {
      const err = toHttpError(e, (stack) => log(`internal error on ${req.method} ${pathname}: ${stack}`));
      outcome = { status: err.status, predictions: 0 };
      if (!res.headersSent)
        send(res, err.status, { error: { code: err.code, message: err.message } }, err.headers);
      // An oversized body is not read further; the connection closes once the answer is out.
      if (err.status === 413) req.resume();
    } finally {
      if (endpointSeen)
        metrics.record({
          service: endpointSeen.service,
          endpoint: endpointSeen.endpoint.name,
          endpointId: endpointSeen.endpoint.id,
          status: outcome.status,
          latencyMs: performance.now() - started,
          versionId: outcome.version?.versionId,
          predictions: outcome.predictions,
        });
    }
  }

  const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host ?? "0.0.0.0", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${opts.host && opts.host !== "0.0.0.0" ? opts.host : "127.0.0.1"}:${address.port}`;
  return {
    url,
    server,
    registry,
    metrics,
    requestLog,
    get listening() {
      return changes.listening;
    },
    async close() {
      clearInterval(poll);
      clearTimeout(firstPrune);
      clearInterval(prunePoll);
      await pruning;
      loopDelay.disable();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await changes.close();
      await requestLog.close();
      await python.close();
      await metrics.close();
      await writes.end();
    },
  };
}
