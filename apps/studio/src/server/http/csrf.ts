import { AppError } from "@sous/contracts";

// Cross-site request forgery: a browser attaches the session cookie to a request another site
// makes (a form, or fetch with a "simple" content type such as text/plain). SameSite=Lax stops
// some of it, not a same-site subdomain or an old browser. So every state-changing request that
// does not carry an API key must come from the studio's own origin, and a JSON body must be sent
// as application/json, which a foreign page cannot send without a CORS preflight the studio never
// answers. API keys travel in the Authorization header, which a browser never adds by itself.

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** True when the request is authenticated by an API key, not by a cookie a browser sends by itself. */
function usesApiKey(headers: Headers): boolean {
  return headers.get("authorization")?.startsWith("Bearer ") === true;
}

/** The hosts ("name:port") this request was addressed to: Host, and X-Forwarded-Host behind a proxy. */
function requestHosts(headers: Headers): Set<string> {
  const hosts = new Set<string>();
  for (const h of [headers.get("host"), ...(headers.get("x-forwarded-host")?.split(",") ?? [])]) {
    const v = h?.trim().toLowerCase();
    if (v) hosts.add(v);
  }
  return hosts;
}

/** "host:port" of an origin or URL, with the scheme's default port left out (as Host does); null if unparsable. */
function hostOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.host.toLowerCase() : null;
  } catch {
    return null;
  }
}

/**
 * Refuses (403) a cookie request that changes state when its Origin, or its Referer when there is
 * no Origin, names another site. A request with neither (curl, scripts) is let through: browsers
 * always send Origin on cross-origin POST, PUT, PATCH and DELETE.
 */
export function checkSameOrigin(req: { method: string; headers: Headers }): void {
  if (SAFE_METHODS.has(req.method.toUpperCase()) || usesApiKey(req.headers)) return;
  const origin = req.headers.get("origin");
  const referer = req.headers.get("referer");
  const source = origin ?? referer;
  if (source === null) return;
  const host = hostOf(source);
  if (host && requestHosts(req.headers).has(host)) return;
  const from = origin ?? (host ? new URL(source).origin : source);
  throw new AppError(
    "forbidden",
    `Cross-site request refused: it came from ${from === "null" ? "an opaque origin (Origin: null)" : from}, not from this studio. Use the studio's own pages, or call the API with an API key (Authorization: Bearer <key>).`,
  );
}

function isJsonType(contentType: string | null): boolean {
  const type = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

/**
 * Refuses (415) a JSON body that a cookie request does not label `application/json`. An empty
 * body without a content type is fine (it reads as `{}`).
 */
export function checkJsonContentType(headers: Headers, bodyText: string): void {
  if (usesApiKey(headers)) return;
  const contentType = headers.get("content-type");
  if (isJsonType(contentType)) return;
  if (contentType === null && bodyText === "") return;
  throw new AppError(
    "unsupported_media_type",
    `Send the request body as JSON with the header Content-Type: application/json${contentType ? ` (this one is ${contentType.split(";")[0]})` : ""}.`,
  );
}
