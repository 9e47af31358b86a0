// The emulator's HTTP surface as seen without the Sous client: status codes, headers, bodies.
import { sparkLocalAvailability } from "@sous/spark-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabricksEmulator, startDatabricksEmulator } from "../src/index.ts";

// A cluster start starts real Spark: without it, clusters never reach RUNNING.
const available = sparkLocalAvailability();
const title = (name: string) => (available.ok ? name : `${name}: SKIPPED, ${available.reason}`);

const TOKEN = "dapi-emulator-int-secret";
let emu: DatabricksEmulator;

const api = (path: string, init: RequestInit = {}, token = TOKEN) =>
  fetch(`${emu.url}${path}`, {
    ...init,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(init.body ? { "Content-Type": "application/json" } : {}),
    },
  });

beforeAll(async () => {
  emu = await startDatabricksEmulator({ token: TOKEN, mounts: {}, clusterStartDelayMs: 1_500 });
});
afterAll(async () => {
  await emu?.stop();
});

describe("REST", () => {
  it("answers a bad token with 401 and Databricks' error shape, without echoing it", async () => {
    const res = await api("/api/2.0/clusters/list", {}, "wrong-token");
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(body).toEqual({ error_code: "UNAUTHENTICATED", message: expect.any(String) });
    expect(JSON.stringify(body)).not.toContain("wrong-token");
  });

  it.skipIf(!available.ok)(
    title("runs a cluster through PENDING, RUNNING and TERMINATED"),
    async () => {
      expect(await (await api("/api/2.0/clusters/list")).json()).toEqual({});

      const created = await api("/api/2.0/clusters/create", {
        method: "POST",
        body: JSON.stringify({ cluster_name: "sous", spark_version: "15.4.x-scala2.12", num_workers: 2 }),
      });
      expect(created.status).toBe(200);
      const { cluster_id } = (await created.json()) as { cluster_id: string };
      expect(cluster_id).toMatch(/^\d{4}-\d{6}-[a-z0-9]{8}$/);

      const get = async () =>
        (await (await api(`/api/2.0/clusters/get?cluster_id=${cluster_id}`)).json()) as Record<
          string,
          unknown
        >;
      expect(await get()).toMatchObject({
        cluster_id,
        cluster_name: "sous",
        state: "PENDING",
        num_workers: 2,
      });
      // PENDING for the start delay and until its Spark session is up, whichever is later.
      await expect.poll(async () => (await get()).state, { timeout: 120_000, interval: 250 }).toBe("RUNNING");

      const list = (await (await api("/api/2.0/clusters/list")).json()) as { clusters: unknown[] };
      expect(list.clusters).toHaveLength(1);

      const del = await api("/api/2.0/clusters/delete", {
        method: "POST",
        body: JSON.stringify({ cluster_id }),
      });
      expect(del.status).toBe(200);
      expect(await get()).toMatchObject({ state: "TERMINATED" });

      await api("/api/2.0/clusters/start", { method: "POST", body: JSON.stringify({ cluster_id }) });
      expect(await get()).toMatchObject({ state: "PENDING" });
    },
    150_000,
  );

  it("lists spark versions and node types", async () => {
    const versions = (await (await api("/api/2.0/clusters/spark-versions")).json()) as {
      versions: unknown[];
    };
    expect(versions.versions[0]).toMatchObject({ key: "15.4.x-scala2.12" });
    const nodes = (await (await api("/api/2.0/clusters/list-node-types")).json()) as {
      node_types: unknown[];
    };
    expect(nodes.node_types[0]).toMatchObject({ node_type_id: "Standard_DS3_v2", num_cores: 4 });
  });

  it("rejects malformed JSON", async () => {
    const res = await api("/api/2.0/clusters/create", { method: "POST", body: "{nope" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error_code: "MALFORMED_REQUEST" });
  });
});

describe("Thrift endpoint", () => {
  it("answers 503 with Retry-After while the cluster starts, and 404 for unknown clusters", async () => {
    const created = await api("/api/2.0/clusters/create", {
      method: "POST",
      body: JSON.stringify({ spark_version: "15.4.x-scala2.12" }),
    });
    const { cluster_id } = (await created.json()) as { cluster_id: string };
    const res = await api(`/sql/protocolv1/o/0/${cluster_id}`, { method: "POST", body: "x" });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(res.headers.get("x-thriftserver-error-message")).toMatch(/TEMPORARILY_UNAVAILABLE/);

    expect(
      (await api("/sql/protocolv1/o/0/0000-000000-unknown0", { method: "POST", body: "x" })).status,
    ).toBe(404);
  });
});
