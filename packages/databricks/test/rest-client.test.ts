import { describe, expect, it } from "vitest";
import { DatabricksApiError } from "../src/errors.ts";
import { createDatabricksRestClient } from "../src/rest-client.ts";

const TOKEN = "dapi-unit-secret-abcdef123456";

type Call = { url: string; method: string; headers: Record<string, string>; body?: string };

function fakeFetch(status: number, body: unknown, calls: Call[] = []): typeof fetch {
  return async (input, init) => {
    calls.push({
      url: String(input),
      method: init?.method ?? "GET",
      headers: (init?.headers ?? {}) as Record<string, string>,
      ...(typeof init?.body === "string" ? { body: init.body } : {}),
    });
    return new Response(typeof body === "string" ? body : JSON.stringify(body), { status });
  };
}

const clientWith = (f: typeof fetch) =>
  createDatabricksRestClient({
    baseUrl: "https://adb-1.2.azuredatabricks.net/",
    token: TOKEN,
    fetch: f,
    retry: { initialDelayMs: 1, maxDelayMs: 2 },
  });

async function failure(p: Promise<unknown>): Promise<DatabricksApiError> {
  const e = await p.catch((err: unknown) => err);
  expect(e).toBeInstanceOf(DatabricksApiError);
  return e as DatabricksApiError;
}

function expectNoToken(e: DatabricksApiError) {
  const everything = `${JSON.stringify(e)} ${String(e)} ${e.stack ?? ""}`;
  expect(everything).not.toContain(TOKEN);
}

describe("requests", () => {
  it("sends the bearer token and JSON to /api/2.0", async () => {
    const calls: Call[] = [];
    const client = clientWith(fakeFetch(200, { cluster_id: "1125-123456-abcdefgh" }, calls));
    await expect(
      client.createCluster({ spark_version: "15.4.x-scala2.12", num_workers: 1 }),
    ).resolves.toEqual({
      cluster_id: "1125-123456-abcdefgh",
    });
    expect(calls).toEqual([
      {
        url: "https://adb-1.2.azuredatabricks.net/api/2.0/clusters/create",
        method: "POST",
        headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
        body: JSON.stringify({ spark_version: "15.4.x-scala2.12", num_workers: 1 }),
      },
    ]);
  });

  it("reads an empty cluster list, which Databricks sends as {}", async () => {
    await expect(clientWith(fakeFetch(200, {})).listClusters()).resolves.toEqual([]);
  });

  it("keeps unknown fields and maps unknown states to UNKNOWN", async () => {
    const cluster = await clientWith(
      fakeFetch(200, { cluster_id: "c1", state: "HIBERNATING", future_field: 1 }),
    ).getCluster("c1");
    expect(cluster).toMatchObject({ cluster_id: "c1", state: "UNKNOWN", future_field: 1 });
  });
});

describe("errors", () => {
  it.each([
    [401, "UNAUTHENTICATED", /token was rejected/],
    [403, "PERMISSION_DENIED", /not allowed/],
    [429, "REQUEST_LIMIT_EXCEEDED", /rate limiting/],
    [503, "TEMPORARILY_UNAVAILABLE", /temporarily unavailable/],
  ])("maps HTTP %i to a user-safe message", async (status, errorCode, message) => {
    const e = await failure(
      clientWith(fakeFetch(status, { error_code: errorCode, message: `echo of ${TOKEN}` })).listClusters(),
    );
    expect(e).toMatchObject({ status, errorCode });
    expect(e.message).toMatch(message);
    expectNoToken(e);
  });

  it("passes Databricks' own message through for other errors, redacting the token", async () => {
    const e = await failure(
      clientWith(
        fakeFetch(400, {
          error_code: "INVALID_PARAMETER_VALUE",
          message: `Cluster x does not exist ${TOKEN}`,
        }),
      ).getCluster("x"),
    );
    expect(e).toMatchObject({ status: 400, errorCode: "INVALID_PARAMETER_VALUE" });
    expect(e.message).toContain("Cluster x does not exist");
    expectNoToken(e);
  });

  it("copes with a non-JSON error body", async () => {
    const e = await failure(clientWith(fakeFetch(502, "<html>Bad gateway</html>")).listNodeTypes());
    expect(e).toMatchObject({ status: 502, errorCode: "HTTP_502" });
  });

  it("rejects a response that does not match the schema", async () => {
    const e = await failure(clientWith(fakeFetch(200, { versions: [{ key: 1 }] })).listSparkVersions());
    expect(e).toMatchObject({ errorCode: "INVALID_RESPONSE" });
  });

  it("reports an unreachable workspace as status 0 without the token", async () => {
    const e = await failure(
      clientWith(async () => {
        throw new TypeError(`fetch failed for Bearer ${TOKEN}`);
      }).startCluster("c1"),
    );
    expect(e).toMatchObject({ status: 0, errorCode: "NETWORK_ERROR" });
    expectNoToken(e);
  });

  it("names a refused connection 'unreachable' and does not retry it", async () => {
    let n = 0;
    const e = await failure(
      clientWith(async () => {
        n++;
        throw new TypeError("fetch failed", {
          cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }),
        });
      }).listClusters(),
    );
    expect(e).toMatchObject({ status: 0, errorCode: "WORKSPACE_UNREACHABLE" });
    expect(e.message).toMatch(
      /^The Databricks workspace at https:\/\/adb-1\.2\.azuredatabricks\.net is unreachable \(connection refused\)\./,
    );
    expect(n).toBe(1);
  });
});

describe("waitForClusterRunning", () => {
  it("polls until RUNNING", async () => {
    const states = ["PENDING", "PENDING", "RUNNING"];
    const client = clientWith(
      async () => new Response(JSON.stringify({ cluster_id: "c", state: states.shift() })),
    );
    await expect(client.waitForClusterRunning("c", { pollMs: 1 })).resolves.toMatchObject({
      state: "RUNNING",
    });
    expect(states).toEqual([]);
  });

  it("fails fast when the cluster terminates", async () => {
    const client = clientWith(
      fakeFetch(200, { cluster_id: "c", state: "TERMINATED", state_message: "Spot instances lost" }),
    );
    const e = await failure(client.waitForClusterRunning("c", { pollMs: 1 }));
    expect(e.message).toMatch(/TERMINATED: Spot instances lost/);
  });

  it("stops when the signal aborts", async () => {
    const client = clientWith(fakeFetch(200, { cluster_id: "c", state: "PENDING" }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(
      client.waitForClusterRunning("c", { pollMs: 5, signal: controller.signal }),
    ).rejects.toMatchObject({
      name: "AbortError",
    });
  });
});

describe("transient failures", () => {
  it("retries 429/503 with backoff and succeeds when the workspace answers", async () => {
    let n = 0;
    const f: typeof fetch = async () => {
      n++;
      if (n === 1)
        return new Response(JSON.stringify({ error_code: "REQUEST_LIMIT_EXCEEDED" }), { status: 429 });
      if (n === 2)
        return new Response(JSON.stringify({ error_code: "TEMPORARILY_UNAVAILABLE" }), { status: 503 });
      return new Response(JSON.stringify({ versions: [{ key: "15.4.x-scala2.12", name: "15.4 LTS" }] }));
    };
    await expect(clientWith(f).listSparkVersions()).resolves.toHaveLength(1);
    expect(n).toBe(3);
  });

  it("does not retry a 401 or a 400", async () => {
    let n = 0;
    const f: typeof fetch = async () => {
      n++;
      return new Response(JSON.stringify({ error_code: "INVALID_PARAMETER_VALUE", message: "bad node" }), {
        status: 400,
      });
    };
    const e = await failure(clientWith(f).createCluster({ spark_version: "x" }));
    expect(e.message).toMatch(/bad node/);
    expect(n).toBe(1);
  });
});
