// What the bench scripts share: percentiles and durations as they print them, a database of their
// own on DATABASE_URL's server, and the studio's API signed in as a user with an API key.
import { prepareDatabase } from "../../scripts/lib/stack.ts";

/** The p-th percentile (0-100, nearest rank below) of xs; NaN when empty. */
export const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

/** A duration in milliseconds, as the benches print it. */
export const ms = (n: number): string => `${n.toFixed(1)} ms`;

/**
 * The URL of database `name` on DATABASE_URL's server (default the local one), created and migrated
 * by prepareDatabase; the bench drops it when done.
 */
export async function benchDatabase(name: string): Promise<string> {
  const url = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/sous");
  url.pathname = `/${name}`;
  await prepareDatabase(url.toString());
  return url.toString();
}

/** A JSON call to the studio's API: `json` is sent as the body; an answer >= 300 throws with its text. */
// biome-ignore lint/suspicious/noExplicitAny: the benches read loosely typed JSON
export type StudioApi = ((path: string, init?: RequestInit & { json?: unknown }) => Promise<any>) & {
  /** The API key's authorization header, for calls the JSON caller does not fit (streams). */
  headers: Record<string, string>;
};

/** Signs in to the studio's API at `base` (…/api/v1), makes an API key and returns a caller using it. */
export async function studioApi(base: string, email: string, password: string): Promise<StudioApi> {
  const login = await fetch(`${base}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
  const cookie = login.headers.get("set-cookie")?.split(";")[0] ?? "";
  const keyRes = await fetch(`${base}/me/api-keys`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify({ name: "bench" }),
  });
  const auth = { authorization: `Bearer ${((await keyRes.json()) as { key: string }).key}` };
  const api = async (p: string, init: RequestInit & { json?: unknown } = {}) => {
    const headers: Record<string, string> = { ...auth, ...(init.headers as Record<string, string>) };
    if (init.json !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${base}${p}`, {
      ...init,
      headers,
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${init.method ?? "GET"} ${p}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return Object.assign(api, { headers: auth });
}
