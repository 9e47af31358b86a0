// Browser-side client for /api/v1, typed by the route table in shared/api/endpoints.ts: a route is
// named the way that table (and the OpenAPI document) writes it, "METHOD /path/{param}", and its
// path parameters, query, body and answer get the types of the endpoint's zod schemas, so a call
// cannot drift from the server. Only types are imported from the table: the schemas stay out of
// the browser's bundles. Every error the API returns carries a message written for the user
// ("what to fix"), so callers show `error.message` next to the action that failed.
// Relative imports only (no `@/`), so vitest can load this module as it is.
import type { z } from "zod";
import type { Endpoint, HttpMethod, StreamBody } from "../shared/api/endpoint.ts";
import type { api as endpoints } from "../shared/api/endpoints.ts";

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    /** The error's `details` when the API gave some (e.g. a SQL recipe's problems with positions). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type Endpoints = typeof endpoints;
type ByRoute = {
  [K in keyof Endpoints as `${Endpoints[K]["method"]} ${Endpoints[K]["path"]}`]: Endpoints[K];
};

/** Every route of the API, as "METHOD /path/{param}". */
export type Route = keyof ByRoute;

// A value the server coerces (z.coerce: its input type is `unknown`) is typed as what it becomes;
// path parameters and query values travel as text, so numbers are written with String().
type Loose<S extends z.ZodType> = {
  [K in keyof z.input<S>]: unknown extends z.input<S>[K]
    ? K extends keyof z.output<S>
      ? z.output<S>[K]
      : never
    : z.input<S>[K];
};

type ParamsPart<P> = P extends z.ZodType ? { params: Loose<P> } : { params?: undefined };
type QueryPart<Q> = Q extends z.ZodType
  ? Record<string, never> extends Loose<Q>
    ? { query?: Loose<Q> }
    : { query: Loose<Q> }
  : { query?: undefined };
type BodyPart<B> = B extends StreamBody
  ? { body: Blob }
  : B extends z.ZodType
    ? Record<string, never> extends z.input<B>
      ? { body?: z.input<B> }
      : { body: z.input<B> }
    : { body?: undefined };

type InitOf<E> =
  E extends Endpoint<infer P, infer Q, infer B, infer _O, infer _A, infer _M, infer _Path>
    ? ParamsPart<P> & QueryPart<Q> & BodyPart<B> & { signal?: AbortSignal }
    : never;

/** What a route takes: `params` (path), `query` and `body` as its endpoint's schemas say, and a `signal`. */
export type ApiInit<R extends Route> = InitOf<ByRoute[R]>;

/** What a route answers (the output schema's type; `unknown` for a route without one, e.g. 204). */
export type ApiResponse<R extends Route> =
  ByRoute[R] extends Endpoint<infer _P, infer _Q, infer _B, infer O, infer _A, infer _M, infer _Path>
    ? O extends z.ZodType
      ? z.output<O>
      : unknown
    : never;

/** The JSON body a route takes. */
export type ApiBody<R extends Route> = ApiInit<R> extends { body?: infer B } ? Exclude<B, undefined> : never;

// The init may be left out when nothing in it is required.
type InitArgs<R extends Route> =
  Record<string, never> extends ApiInit<R> ? [init?: ApiInit<R>] : [init: ApiInit<R>];

/** Untyped view of an init, for the code that builds the request. */
interface RawInit {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
  signal?: AbortSignal;
}

export interface ApiClientOptions {
  /** Prefix of every request's URL: "" in the browser (same origin), a server's origin in tests. */
  baseUrl: string;
  /** Called on a 401 outside /auth/ (a session that expired mid-work), before the error is thrown. */
  onUnauthenticated?: () => void;
}

function isErrorBody(
  x: unknown,
): x is { error: { code: string; message: string; details?: Record<string, unknown> } } {
  if (typeof x !== "object" || x === null || !("error" in x)) return false;
  const e = (x as { error: unknown }).error;
  return typeof e === "object" && e !== null && "message" in e && "code" in e;
}

const text = (v: unknown): string => (typeof v === "object" && v !== null ? JSON.stringify(v) : String(v));

/** "/projects/{projectId}/flow" with { projectId: "p1" } -> "/projects/p1/flow". */
export function fillPath(path: string, params: Record<string, unknown> = {}): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = params[name];
    // The types make this impossible; a call built from untyped data still gets a clear error.
    if (v === undefined || v === null || v === "")
      throw new ApiError(`Missing path parameter "${name}" for ${path}.`, "invalid_input", 0);
    return encodeURIComponent(text(v));
  });
}

function search(query: Record<string, unknown> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) q.set(k, text(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** A client bound to a base URL; the studio's pages use `apiCall` below (same origin). */
export function createApiClient(options: ApiClientOptions) {
  return async function call<R extends Route>(route: R, ...[init]: InitArgs<R>): Promise<ApiResponse<R>> {
    const raw = (init ?? {}) as RawInit;
    const space = route.indexOf(" ");
    const method = route.slice(0, space) as HttpMethod;
    const path = fillPath(route.slice(space + 1), raw.params) + search(raw.query);
    const isBlob = typeof Blob !== "undefined" && raw.body instanceof Blob;
    const headers: Record<string, string> = {};
    if (raw.body !== undefined)
      headers["content-type"] = isBlob ? "application/octet-stream" : "application/json";
    let res: Response;
    try {
      res = await fetch(`${options.baseUrl}/api/v1${path}`, {
        method,
        headers,
        body: raw.body === undefined ? undefined : isBlob ? (raw.body as Blob) : JSON.stringify(raw.body),
        credentials: "same-origin",
        cache: "no-store",
        ...(raw.signal ? { signal: raw.signal } : {}),
      });
    } catch (e) {
      // An abort is the caller's own doing: let it through as the AbortError it is.
      if (raw.signal?.aborted) throw e;
      throw new ApiError("Cannot reach the Sous server. Check your connection and try again.", "network", 0);
    }
    if (res.status === 204) return undefined as ApiResponse<R>;
    const body = await res.text();
    let data: unknown = null;
    try {
      data = body ? JSON.parse(body) : null;
    } catch {
      data = null;
    }
    if (!res.ok) {
      if (res.status === 401 && !path.startsWith("/auth/")) options.onUnauthenticated?.();
      if (isErrorBody(data))
        throw new ApiError(data.error.message, data.error.code, res.status, data.error.details);
      throw new ApiError(`The server answered ${res.status} ${res.statusText}.`, "http", res.status);
    }
    // The server validated this answer with the endpoint's output schema before sending it.
    return data as ApiResponse<R>;
  };
}

/**
 * Calls a route of the studio's own API, e.g.
 * `apiCall("PUT /projects/{projectId}/flow/layout", { params: { projectId }, body: { positions } })`.
 * A 401 outside /auth/ sends the browser to sign in again rather than failing every action.
 */
export const apiCall = createApiClient({
  baseUrl: "",
  onUnauthenticated: () => {
    if (typeof window !== "undefined")
      window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}`);
  },
});

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
