// Browser-side client for /api/v1. Every error the API returns carries a message written for
// the user ("what to fix"), so callers show `error.message` next to the action that failed.

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

type ApiInit = Omit<RequestInit, "body"> & { json?: unknown; body?: BodyInit };

function isErrorBody(
  x: unknown,
): x is { error: { code: string; message: string; details?: Record<string, unknown> } } {
  if (typeof x !== "object" || x === null || !("error" in x)) return false;
  const e = (x as { error: unknown }).error;
  return typeof e === "object" && e !== null && "message" in e && "code" in e;
}

export async function api<T>(path: string, init: ApiInit = {}): Promise<T> {
  const { json, headers, ...rest } = init;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      ...rest,
      headers: json === undefined ? headers : { "content-type": "application/json", ...headers },
      body: json === undefined ? rest.body : JSON.stringify(json),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    throw new ApiError("Cannot reach the Sous server. Check your connection and try again.", "network", 0);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    // A session that expired mid-work: go sign in again rather than failing every action.
    if (res.status === 401 && !path.startsWith("/auth/") && typeof window !== "undefined") {
      window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}`);
    }
    if (isErrorBody(data))
      throw new ApiError(data.error.message, data.error.code, res.status, data.error.details);
    throw new ApiError(`The server answered ${res.status} ${res.statusText}.`, "http", res.status);
  }
  return data as T;
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
