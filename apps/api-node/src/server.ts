import { timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { AppError, HTTP_STATUS_BY_CODE } from "@sous/contracts";
import { createNotifyListener, type Db } from "@sous/db";
import { type PortableModel, scorePortable } from "@sous/ml";
import { type PythonModel, PythonScorer } from "@sous/ml-local";
import { API_CHANGE_CHANNEL } from "@sous/server-domain/api-services";
import type { DatasetStorage } from "@sous/storage";
import { Metrics } from "./metrics.ts";
import { serviceOpenApi } from "./openapi.ts";
import { authorized, pickVersion, Registry, type RoutedEndpoint, type RoutedVersion } from "./registry.ts";
import { RequestLog } from "./request-log.ts";

// The API node: DSS's prediction contract over Node's own http server (no framework: the hot
// path is a route lookup, one JSON.parse, the scorer and one JSON.stringify).
//   POST /public/api/v1/{service}/{endpoint}/predict        {"features": {...}}
//   POST /public/api/v1/{service}/{endpoint}/predict-multi  {"items": [{"features": {...}}, ...]}
//   GET  /public/api/v1/{service}/openapi.json
//   GET  /health, /ready; GET /admin/api/v1/metrics (bearer: the admin token)

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

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...JSON_HEADERS, "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: http.IncomingMessage, max: number): Promise<string> {
  const declared = Number(req.headers["content-length"]);
  if (declared > max) return Promise.reject(tooLarge(max));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > max) {
        over = true;
        chunks.length = 0;
        reject(tooLarge(max));
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      if (!over) resolve(Buffer.concat(chunks).toString("utf8"));
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

function score(model: PortableModel, features: Record<string, unknown>, where: string): PredictResult {
  try {
    const s = scorePortable(model, features);
    const result: PredictResult = { prediction: s.prediction, ignored: false };
    if (s.probabilities && model.classes) {
      const probas: Record<string, number> = {};
      model.classes.forEach((c, i) => {
        probas[String(c)] = s.probabilities![i]!;
      });
      result.probas = probas;
    }
    return result;
  } catch (e) {
    if (e instanceof AppError && e.code === "invalid_input")
      throw new HttpError(400, "invalid_input", `${where}${e.message}`);
    throw e;
  }
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
  const metrics = new Metrics({ ...opts.metrics, db: opts.db, onError: (e) => log(`metrics: ${e.message}`) });
  const requestLog = new RequestLog(opts.db, {
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
  const poll = setInterval(() => void registry.reload(), opts.reloadEveryMs);
  poll.unref();

  async function predict(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    endpoint: RoutedEndpoint,
    multi: boolean,
    started: number,
  ): Promise<{ status: number; version?: RoutedVersion; predictions: number }> {
    const body = parseJson(await readBody(req, opts.maxBodyBytes));
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
    const where = (i: number) => (multi ? `item ${i}: ` : "");
    const results =
      loaded.runtime === "portable"
        ? inputs.map((features, i) => score(loaded.model, features, where(i)))
        : await scoreInPython(python, loaded.model, inputs, multi);
    const rows = inputs.map((features, i) => ({ features, result: results[i] }));
    const payload: Record<string, unknown> = multi ? { results } : { result: results[0] };
    const end = performance.now();
    payload.timing = { scoringMs: end - scoringStart, totalMs: end - started };
    payload.version = versionView(version);
    send(res, 200, payload);
    const latencyMs = (performance.now() - started) / rows.length;
    for (const r of rows)
      if (endpoint.logSampleRate > 0 && random() < endpoint.logSampleRate)
        requestLog.push({
          endpointId: endpoint.id,
          savedModelVersionId: version.versionId,
          features: r.features,
          prediction: r.result,
          latencyMs,
          at: new Date(),
        });
    return { status: 200, version, predictions: rows.length };
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
      if (pathname === "/admin/api/v1/metrics") {
        const token = bearer(req.headers.authorization);
        if (!token || !sameSecret(token, opts.adminToken))
          throw new HttpError(401, "unauthenticated", "send the API node's admin token as a bearer token");
        const service = new URLSearchParams(q < 0 ? "" : url.slice(q + 1)).get("service") ?? undefined;
        return send(res, 200, {
          endpoints: metrics.view({ service }),
          requestLog: { written: requestLog.written, dropped: requestLog.dropped },
          reloads: registry.reloads,
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
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await changes.close();
      await requestLog.close();
      await python.close();
      await metrics.close();
    },
  };
}
