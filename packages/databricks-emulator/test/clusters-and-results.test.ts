import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { ClusterRegistry, sqlHttpPath } from "../src/clusters.ts";
import { createMountStore } from "../src/mount-store.ts";
import { handleRest } from "../src/rest-api.ts";
import type { QueryResult } from "../src/thrift-results.ts";
import { nullBitmap, toRowSet, toTableSchema } from "../src/thrift-results.ts";

describe("ClusterRegistry", () => {
  it("creates Databricks-shaped ids and moves PENDING -> RUNNING after the start delay", () => {
    let now = Date.UTC(2026, 10, 25, 12, 34, 56);
    const clusters = new ClusterRegistry(1_000, () => now);
    const id = clusters.create({ spark_version: "15.4.x-scala2.12" });
    expect(id).toMatch(/^1125-123456-[a-z0-9]{8}$/);
    expect(clusters.state(id)).toBe("PENDING");
    now += 999;
    expect(clusters.state(id)).toBe("PENDING");
    now += 1;
    expect(clusters.state(id)).toBe("RUNNING");
    expect(sqlHttpPath(id)).toBe(`sql/protocolv1/o/0/${id}`);
  });

  it("terminates, and starts again only from TERMINATED", () => {
    let now = 0;
    const clusters = new ClusterRegistry(10, () => now);
    const id = clusters.create({ spark_version: "v", cluster_name: "sous" });
    now = 10;
    clusters.start(id); // no-op while RUNNING
    expect(clusters.state(id)).toBe("RUNNING");
    clusters.terminate(id);
    expect(clusters.describe(id)).toMatchObject({
      state: "TERMINATED",
      cluster_name: "sous",
      termination_reason: { code: "USER_REQUEST" },
    });
    clusters.start(id);
    expect(clusters.state(id)).toBe("PENDING");
    now = 20;
    expect(clusters.state(id)).toBe("RUNNING");
  });
});

describe("REST routes", () => {
  const url = (p: string) => new URL(`http://x${p}`);
  const depsWith = (clusters: ClusterRegistry) => ({ clusters, mounts: createMountStore({}, tmpdir()) });

  it("validates clusters/create minimally", async () => {
    const deps = depsWith(new ClusterRegistry(0));
    expect(await handleRest(deps, "POST", url("/api/2.0/clusters/create"), { num_workers: 1 })).toEqual({
      status: 400,
      body: { error_code: "INVALID_PARAMETER_VALUE", message: "Missing required field: spark_version" },
    });
    const post = (body: unknown) => handleRest(deps, "POST", url("/api/2.0/clusters/create"), body);
    expect((await post({ spark_version: "v", autoscale: { min_workers: 3, max_workers: 1 } })).status).toBe(
      400,
    );
    expect((await post({ spark_version: "v", node_type_id: "Standard_NOPE" })).body).toMatchObject({
      message: expect.stringMatching(/Node type Standard_NOPE is not supported/),
    });
    expect((await post({ spark_version: "v" })).status).toBe(200);
  });

  it("answers unknown clusters and endpoints with Databricks error codes", async () => {
    const deps = depsWith(new ClusterRegistry(0));
    expect(
      await handleRest(deps, "GET", url("/api/2.0/clusters/get?cluster_id=nope"), undefined),
    ).toMatchObject({
      status: 400,
      body: { error_code: "INVALID_PARAMETER_VALUE" },
    });
    expect(await handleRest(deps, "GET", url("/api/2.0/jobs/list"), undefined)).toMatchObject({
      status: 404,
      body: { error_code: "ENDPOINT_NOT_FOUND" },
    });
  });

  it("edits only RUNNING (restarting it) or TERMINATED clusters", async () => {
    let now = 0;
    const clusters = new ClusterRegistry({ startDelayMs: 100 }, () => now);
    const deps = depsWith(clusters);
    const id = clusters.create({ spark_version: "v" });
    const edit = () =>
      handleRest(deps, "POST", url("/api/2.0/clusters/edit"), { cluster_id: id, spark_version: "w" });
    expect(await edit()).toMatchObject({ status: 400, body: { error_code: "INVALID_STATE" } });
    now = 100;
    expect((await edit()).status).toBe(200);
    expect(clusters.state(id)).toBe("RESTARTING");
    now = 200;
    expect(clusters.state(id)).toBe("RUNNING");
    expect(clusters.describe(id)).toMatchObject({ spark_version: "w" });
  });
});

describe("cluster lifecycle", () => {
  it("terminates through TERMINATING, autoterminates when idle, and records events", () => {
    let now = 0;
    const clusters = new ClusterRegistry({ startDelayMs: 10, terminateDelayMs: 5, minuteMs: 1 }, () => now);
    const id = clusters.create({ spark_version: "v", autotermination_minutes: 10 });
    now = 10;
    expect(clusters.state(id)).toBe("RUNNING");
    clusters.statementStarted(id);
    now = 100; // busy: never idle
    expect(clusters.state(id)).toBe("RUNNING");
    clusters.statementEnded(id);
    now = 109;
    expect(clusters.state(id)).toBe("RUNNING");
    now = 112;
    expect(clusters.state(id)).toBe("TERMINATING");
    now = 115;
    expect(clusters.state(id)).toBe("TERMINATED");
    expect(clusters.describe(id)).toMatchObject({ termination_reason: { code: "INACTIVITY" } });
    expect(clusters.events(id).map((e) => [e.type, e.timestamp])).toEqual([
      ["CREATING", 0],
      ["RUNNING", 10],
      ["TERMINATING", 110],
      ["TERMINATED", 115],
    ]);
  });
});

describe("Thrift result encoding", () => {
  const result: QueryResult = {
    rowCount: 10,
    columns: [
      { name: "i", kind: "int", values: [1, null, 3, null, 5, 6, 7, 8, 9, null] },
      { name: "b", kind: "bigint", values: [1n, 2n, null, 4n, 5n, 6n, 7n, 8n, 9n, 10n] },
      { name: "s", kind: "string", values: ["a", "b", "c", "d", "e", "f", "g", "h", "i", null] },
      { name: "dec", kind: "decimal", decimal: { precision: 10, scale: 2 }, values: Array(10).fill("1.00") },
    ],
  };

  it("builds an LSB-first null bitmap", () => {
    expect([...nullBitmap([null, 1, null, 1, 1, 1, 1, 1, 1, null])]).toEqual([0b0000_0101, 0b0000_0010]);
    expect(nullBitmap([])).toHaveLength(0);
  });

  it("describes columns with 1-based positions and decimal qualifiers", () => {
    const schema = toTableSchema(result);
    expect(schema.columns.map((c) => [c.columnName, c.position])).toEqual([
      ["i", 1],
      ["b", 2],
      ["s", 3],
      ["dec", 4],
    ]);
    expect(
      schema.columns[3]?.typeDesc.types[0]?.primitiveEntry?.typeQualifiers?.qualifiers.scale?.i32Value,
    ).toBe(2);
  });

  it("pages rows with placeholders for NULLs and the bitmap marking them", () => {
    const page = toRowSet(result, 8, 5);
    expect(page.startRowOffset.toNumber()).toBe(8);
    const [i, b, s] = page.columns ?? [];
    expect(i?.i32Val?.values).toEqual([9, 0]);
    expect([...(i?.i32Val?.nulls ?? [])]).toEqual([0b10]);
    expect(b?.i64Val?.values.map((v) => v.toNumber())).toEqual([9, 10]);
    expect(s?.stringVal?.values).toEqual(["i", ""]);
    expect(toRowSet(result, 10, 5).columns?.[0]?.i32Val?.values).toEqual([]);
  });

  it("refuses a bigint that does not fit in i64 instead of wrapping it", () => {
    const huge: QueryResult = { rowCount: 1, columns: [{ name: "h", kind: "bigint", values: [2n ** 64n] }] };
    expect(() => toRowSet(huge, 0, 1)).toThrow(RangeError);
  });
});
