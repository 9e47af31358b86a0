// A small client for tests that talk to the real studio started by `npm test`.
export const studioUrl = process.env.SOUS_TEST_STUDIO_URL ?? "";
export const hasStudio = studioUrl !== "";
export const admin = {
  email: process.env.SOUS_TEST_ADMIN_EMAIL ?? "",
  password: process.env.SOUS_TEST_ADMIN_PASSWORD ?? "",
};

export interface Caller {
  /** "Bearer sous_..." or a session cookie header. */
  headers: Record<string, string>;
}

export async function call(
  path: string,
  opts: {
    method?: string;
    json?: unknown;
    body?: BodyInit;
    headers?: Record<string, string>;
    as?: Caller;
  } = {},
) {
  const headers: Record<string, string> = { ...opts.as?.headers, ...opts.headers };
  let body = opts.body;
  if (opts.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.json);
  }
  const method = opts.method ?? "GET";
  const url = `${studioUrl}/api/v1${path}`;
  // A GET on a pooled connection the studio just closed (its keep-alive timeout passed while this
  // process was busy, e.g. running Spark or Python) fails with "other side closed": it is sent again
  // once, on a new connection. Other methods are never repeated.
  const res = await fetch(url, { method, headers, body }).catch((e: unknown) => {
    const code = (e as { cause?: { code?: string } }).cause?.code;
    if (method !== "GET" || code !== "UND_ERR_SOCKET") throw e;
    return fetch(url, { method, headers });
  });
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  // biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed JSON and assert on it
  return { status: res.status, data: data as any, headers: res.headers };
}

export async function loginAs(email: string, password: string): Promise<Caller> {
  const r = await fetch(`${studioUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${await r.text()}`);
  const cookie = r.headers.get("set-cookie")?.split(";")[0] ?? "";
  return { headers: { cookie } };
}

export async function withApiKey(session: Caller): Promise<Caller> {
  const r = await call("/me/api-keys", { method: "POST", json: { name: "tests" }, as: session });
  return { headers: { authorization: `Bearer ${r.data.key}` } };
}

/** An API key of the stack's admin: what most tests call the API with. */
export async function adminKey(): Promise<Caller> {
  return withApiKey(await loginAs(admin.email, admin.password));
}

/** A new project of the caller's (its key made unique from `keyPrefix`); throws with the API's answer otherwise. */
export async function createProject(
  as: Caller,
  name: string,
  keyPrefix = "T",
): Promise<{ id: string; key: string }> {
  const r = await call("/projects", { method: "POST", json: { key: uniqueKey(keyPrefix), name }, as });
  if (r.status !== 201) throw new Error(`creating project ${name}: ${r.status} ${JSON.stringify(r.data)}`);
  return { id: r.data.id as string, key: r.data.key as string };
}

/** Uploads a CSV as a new dataset of the project; its id. Throws with the API's answer otherwise. */
export async function uploadCsv(as: Caller, projectId: string, name: string, csv: string): Promise<string> {
  const r = await call(`/projects/${projectId}/datasets?name=${encodeURIComponent(name)}`, {
    method: "POST",
    body: csv,
    headers: { "content-type": "text/csv" },
    as,
  });
  if (r.status !== 201) throw new Error(`uploading ${name}: ${r.status} ${JSON.stringify(r.data)}`);
  return r.data.id as string;
}

export async function waitForJob(projectId: string, jobId: string, as: Caller, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await call(`/projects/${projectId}/jobs/${jobId}`, { as });
    if (["SUCCEEDED", "FAILED", "CANCELLED"].includes(r.data?.state)) return r.data;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${r.data?.state} after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 150));
  }
}

export const uniqueKey = (prefix: string) =>
  `${prefix}_${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
