import { beforeAll, describe, expect, it } from "vitest";
import { adminKey, type Caller, call, createProject, hasStudio, uploadCsv } from "./api-client.ts";

// "Convert to code": a visual recipe replaced in place by the SQL recipe of its SparkSQL (same id,
// inputs and outputs, revision bumped, one-way), refused on a stale revision; the converted
// recipe returns the same rows on DuckDB as the original (both run by the preview endpoint).
const ORDERS =
  "customer,amount,day\nann,10.5,2024-01-01\nbob,3,2024-01-02\nann,4.5,2024-01-03\ncid,,2024-01-04\nbob,7,2024-01-05\n";
const CUSTOMERS = "customer,city\nann,Lyon\nbob,Paris\n";

type Rows = unknown[][];
const sorted = (rows: Rows) => [...rows].map((r) => JSON.stringify(r)).sort();

describe.skipIf(!hasStudio)("POST /projects/:id/recipes/:id/convert-to-sql", () => {
  let key: Caller;
  let projectId: string;
  let orders: string;
  let customers: string;

  const preview = async (spec: unknown, inputs: string[]) => {
    const r = await call(`/projects/${projectId}/recipes/preview`, {
      method: "POST",
      json: { inputs, spec },
      as: key,
    });
    expect(r.status).toBe(200);
    expect(r.data.runError).toBeNull();
    return r.data as { rows: Rows; outputSchema: unknown[] };
  };
  const convert = (recipeId: string, revision: number) =>
    call(`/projects/${projectId}/recipes/${recipeId}/convert-to-sql`, {
      method: "POST",
      json: { revision },
      as: key,
    });

  beforeAll(async () => {
    key = await adminKey();
    projectId = (await createProject(key, "Convert", "CV")).id;
    const up = (name: string, csv: string) => uploadCsv(key, projectId, name, csv);
    orders = await up("orders", ORDERS);
    customers = await up("customers", CUSTOMERS);
  });

  it("replaces a join recipe in place with SQL that gives the same rows", async () => {
    const join = {
      kind: "join",
      version: 1,
      params: { type: "left", on: [{ left: "customer", right: "customer" }], dropRightKeys: true },
    };
    const created = await call(`/projects/${projectId}/recipes`, {
      method: "POST",
      json: { name: "with_city", inputs: [orders, customers], output: { name: "orders_city" }, spec: join },
      as: key,
    });
    expect(created.status).toBe(201);
    const before = created.data;
    const original = await preview(join, [orders, customers]);
    expect(original.rows.length).toBe(5);

    const stale = await convert(before.id, before.revision + 1);
    expect(stale.status).toBe(409);

    const r = await convert(before.id, before.revision);
    expect(r.status).toBe(200);
    expect(r.data).toMatchObject({
      id: before.id,
      kind: "sql",
      inputs: before.inputs,
      outputs: before.outputs,
      revision: before.revision + 1,
    });
    expect(r.data.spec.params.sql).toContain("`orders`");
    expect(r.data.spec.params.sql).toContain("`customers`");
    expect(r.data.spec.params.sql).not.toContain("parquet.");

    const got = await call(`/projects/${projectId}/recipes/${before.id}`, { as: key });
    expect(got.data.spec).toEqual(r.data.spec);
    const converted = await preview(got.data.spec, [orders, customers]);
    expect(sorted(converted.rows)).toEqual(sorted(original.rows));

    // One-way: the old revision is gone, and a SQL recipe cannot be converted again.
    expect((await convert(before.id, before.revision)).status).toBe(409);
    const again = await convert(before.id, r.data.revision);
    expect(again.status).toBe(422);
    expect(again.data.error.message).toMatch(/already a SQL recipe/);
  });

  it("converts a group recipe whose SQL runs on DuckDB with the same values", async () => {
    const group = {
      kind: "group",
      version: 1,
      params: {
        keys: ["customer"],
        aggregations: [{ column: "amount", fn: "max", as: "top" }],
        globalCount: true,
      },
    };
    const created = await call(`/projects/${projectId}/recipes`, {
      method: "POST",
      json: { name: "by_customer", inputs: [orders], output: { name: "orders_by_customer" }, spec: group },
      as: key,
    });
    expect(created.status).toBe(201);
    const original = await preview(group, [orders]);
    const r = await convert(created.data.id, created.data.revision);
    expect(r.status).toBe(200);
    const converted = await preview(r.data.spec, [orders]);
    expect(sorted(converted.rows)).toEqual(sorted(original.rows));
  });

  it("saves SQL recipes through the ordinary recipe API and refuses sandbox escapes", async () => {
    const bad = await call(`/projects/${projectId}/recipes`, {
      method: "POST",
      json: {
        name: "escape",
        inputs: [orders],
        output: { name: "escape_out" },
        spec: { kind: "sql", version: 1, params: { sql: "SELECT * FROM read_csv('/etc/passwd')" } },
      },
      as: key,
    });
    expect(bad.status).toBe(422);
    expect(bad.data.error.message).toMatch(/read_csv/);
  });
});
