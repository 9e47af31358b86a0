import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FlowGraph, Job } from "@sous/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, apiCall, createApiClient, fillPath } from "./api.ts";

// The client against a real HTTP server that answers what each test asks for and records what it
// received, so the request the client builds and the error it throws are both checked.

interface Seen {
  method: string;
  url: string;
  contentType: string | undefined;
  body: string;
}

let server: Server;
let baseUrl: string;
let seen: Seen[] = [];
let answer: (res: ServerResponse) => void = (res) => res.end();

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString("utf8");
    });
    req.on("end", () => {
      seen.push({
        method: req.method ?? "",
        url: req.url ?? "",
        contentType: req.headers["content-type"],
        body,
      });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function json(status: number, value: unknown) {
  return (res: ServerResponse) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(value));
  };
}

function client(onUnauthenticated?: () => void) {
  seen = [];
  return createApiClient({ baseUrl, ...(onUnauthenticated ? { onUnauthenticated } : {}) });
}

describe("apiCall requests", () => {
  it("fills path parameters (encoded), writes the query and sends the body as JSON", async () => {
    const call = client();
    answer = json(200, { ok: true });
    const r = await call("PUT /projects/{projectId}/flow/layout", {
      params: { projectId: "p 1/x" },
      body: { positions: [{ nodeId: "d1", x: 1, y: 2 }] },
    });
    expect(r).toEqual({ ok: true });
    expect(seen).toEqual([
      {
        method: "PUT",
        url: "/api/v1/projects/p%201%2Fx/flow/layout",
        contentType: "application/json",
        body: JSON.stringify({ positions: [{ nodeId: "d1", x: 1, y: 2 }] }),
      },
    ]);
  });

  it("writes query values as text and leaves out undefined ones", async () => {
    const call = client();
    answer = json(200, []);
    await call("GET /projects/{projectId}/jobs", {
      params: { projectId: "p1" },
      query: { dataset: "d1", limit: 5, state: undefined },
    });
    expect(seen[0]?.url).toBe("/api/v1/projects/p1/jobs?dataset=d1&limit=5");
    expect(seen[0]?.body).toBe("");
    expect(seen[0]?.contentType).toBeUndefined();
  });

  it("sends a file as a raw stream", async () => {
    const call = client();
    answer = json(201, { id: "u1" });
    await call("POST /projects/{projectId}/datasets/uploads", {
      params: { projectId: "p1" },
      query: { fileName: "a.csv" },
      body: new Blob(["a,b\n1,2\n"]),
    });
    expect(seen[0]).toMatchObject({
      method: "POST",
      url: "/api/v1/projects/p1/datasets/uploads?fileName=a.csv",
      contentType: "application/octet-stream",
      body: "a,b\n1,2\n",
    });
  });

  it("answers undefined for a 204", async () => {
    const call = client();
    answer = (res) => {
      res.writeHead(204);
      res.end();
    };
    await expect(call("DELETE /me/api-keys/{keyId}", { params: { keyId: "k1" } })).resolves.toBeUndefined();
  });

  it("refuses a missing path parameter before sending anything", () => {
    const call = client();
    expect(() => fillPath("/projects/{projectId}/flow", {})).toThrow('Missing path parameter "projectId"');
    // An untyped caller (e.g. data from a URL) still gets the clear error, not /projects/undefined.
    const untyped = call as (route: string, init?: unknown) => Promise<unknown>;
    return expect(untyped("GET /projects/{projectId}/flow", { params: {} })).rejects.toThrow(ApiError);
  });
});

describe("apiCall errors: the one error model", () => {
  it("throws the API's code, user-safe message, status and details", async () => {
    const call = client();
    answer = json(409, {
      error: { code: "conflict", message: "Someone saved this recipe first.", details: { revision: 3 } },
    });
    const e = await call("GET /projects/{projectId}/recipes/{recipeId}", {
      params: { projectId: "p1", recipeId: "r1" },
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({
      message: "Someone saved this recipe first.",
      code: "conflict",
      status: 409,
      details: { revision: 3 },
    });
  });

  it("names the status when the answer is not the error model (a proxy's HTML page)", async () => {
    const call = client();
    answer = (res) => {
      res.writeHead(502, "Bad Gateway", { "content-type": "text/html" });
      res.end("<html>bad gateway</html>");
    };
    await expect(call("GET /projects")).rejects.toMatchObject({
      code: "http",
      status: 502,
      message: "The server answered 502 Bad Gateway.",
    });
  });

  it("asks to sign in again on a 401 outside /auth/, not on a failed login", async () => {
    let signIns = 0;
    const call = client(() => {
      signIns++;
    });
    answer = json(401, { error: { code: "unauthenticated", message: "Sign in." } });
    await expect(call("GET /me")).rejects.toMatchObject({ code: "unauthenticated", status: 401 });
    expect(signIns).toBe(1);
    await expect(
      call("POST /auth/login", { body: { email: "a@b.c", password: "wrong" } }),
    ).rejects.toMatchObject({ status: 401 });
    expect(signIns).toBe(1);
  });

  it("says the server cannot be reached when nothing listens", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const call = createApiClient({ baseUrl: `http://127.0.0.1:${port}` });
    await expect(call("GET /projects")).rejects.toMatchObject({ code: "network", status: 0 });
  });

  it("lets the caller's abort through as an AbortError", async () => {
    const call = client();
    answer = () => {}; // never answers
    const ac = new AbortController();
    const p = call("GET /projects", { signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toMatchObject({ name: "AbortError" });
  });
});

// Never run: checked by the studio's typecheck (tsc), which fails when an @ts-expect-error line
// compiles, i.e. when the client stops catching these mistakes.
export async function typeChecks() {
  const graph: FlowGraph = await apiCall("GET /projects/{projectId}/flow", { params: { projectId: "p1" } });
  // @ts-expect-error the flow graph is not a list of jobs
  const jobs: Job[] = await apiCall("GET /projects/{projectId}/flow", { params: { projectId: "p1" } });
  // @ts-expect-error a route the API does not have
  await apiCall("GET /projects/{projectId}/flows", { params: { projectId: "p1" } });
  // @ts-expect-error the method is part of the route
  await apiCall("POST /projects/{projectId}/flow", { params: { projectId: "p1" } });
  // @ts-expect-error path parameters are required
  await apiCall("GET /projects/{projectId}/flow");
  // @ts-expect-error a parameter the path does not have
  await apiCall("GET /projects/{projectId}/flow", { params: { projectID: "p1" } });
  await apiCall("PUT /projects/{projectId}/flow/layout", {
    params: { projectId: "p1" },
    // @ts-expect-error positions are {x, y} numbers
    body: { positions: [{ nodeId: "d1", x: "1", y: 2 }] },
  });
  // @ts-expect-error the body is required
  await apiCall("PUT /projects/{projectId}/flow/layout", { params: { projectId: "p1" } });
  await apiCall("POST /projects/{projectId}/jobs", {
    params: { projectId: "p1" },
    // @ts-expect-error an unknown build mode
    body: { targets: ["d1"], mode: "everything" },
  });
  await apiCall("GET /projects/{projectId}/jobs", {
    params: { projectId: "p1" },
    // @ts-expect-error limit is a number (the server coerces the query's text)
    query: { limit: "5" },
  });
  // Coerced path parameters take what they become: the model's index is a number.
  await apiCall("GET /projects/{projectId}/ml/trainings/{trainingId}/models/{modelIndex}/charts", {
    params: { projectId: "p1", trainingId: "t1", modelIndex: 0 },
  });
  return { graph, jobs };
}
