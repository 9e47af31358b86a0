import { beforeAll, describe, expect, it } from "vitest";
import { adminKey, type Caller, call, createProject, hasStudio, uploadCsv } from "./api-client.ts";

// The recipe editor's live preview: a draft recipe compiled for both engines and run by DuckDB on
// a sample of its inputs, without saving anything.
const ORDERS =
  "customer,amount,day\nann,10.5,2024-01-01\nbob,3,2024-01-02\nann,4.5,2024-01-03\ncid,,2024-01-04\n";
const CUSTOMERS = "customer,city\nann,Lyon\nbob,Paris\n";

describe.skipIf(!hasStudio)("POST /projects/:id/recipes/preview", () => {
  let key: Caller;
  let projectId: string;
  let orders: string;
  let customers: string;

  const preview = (json: unknown, as: Caller = key) =>
    call(`/projects/${projectId}/recipes/preview`, { method: "POST", json, as });

  beforeAll(async () => {
    key = await adminKey();
    projectId = (await createProject(key, "Preview", "PV")).id;
    const up = (name: string, csv: string) => uploadCsv(key, projectId, name, csv);
    orders = await up("orders", ORDERS);
    customers = await up("customers", CUSTOMERS);
  });

  it("returns the output schema, both SQLs, per-step engines and the rows on the sample", async () => {
    const r = await preview({
      inputs: [orders],
      spec: {
        kind: "group",
        version: 1,
        params: {
          keys: ["customer"],
          aggregations: [{ column: "amount", fn: "sum", as: "total" }],
          globalCount: true,
        },
      },
    });
    expect(r.status).toBe(200);
    expect(r.data.outputSchema).toEqual([
      { name: "customer", type: "string" },
      { name: "count", type: "bigint" },
      { name: "total", type: "double" },
    ]);
    expect(r.data.engines.spark.sql).toMatch(/GROUP BY/);
    expect(r.data.engines.duckdb.sql).toMatch(/GROUP BY/);
    expect(r.data.engines.duckdb.blocking).toBeNull();
    expect(r.data.steps.some((s: { id: string }) => s.id === "params.aggregations.0")).toBe(true);
    const byCustomer = Object.fromEntries(r.data.rows.map((row: unknown[]) => [row[0], row.slice(1)]));
    expect(byCustomer).toEqual({ ann: [2, 15], bob: [1, 3], cid: [1, null] });
    expect(r.data.inputs).toEqual([{ datasetId: orders, name: "orders", sampleRows: 4, totalRows: 4 }]);
    expect(r.data.runError).toBeNull();
  });

  it("previews a join of two inputs and cuts the rows at the limit", async () => {
    const r = await preview({
      inputs: [orders, customers],
      spec: {
        kind: "join",
        version: 1,
        params: { type: "left", on: [{ left: "customer", right: "customer" }] },
      },
      limit: 2,
    });
    expect(r.status).toBe(200);
    expect(r.data.outputSchema.map((c: { name: string }) => c.name)).toEqual([
      "customer",
      "amount",
      "day",
      "city",
    ]);
    expect(r.data.rows).toHaveLength(2);
    expect(r.data.truncated).toBe(true);
  });

  it("reads pivot values from the sample when the spec lists none, and says so", async () => {
    const r = await preview({
      inputs: [orders],
      spec: {
        kind: "pivot",
        version: 1,
        params: { pivotColumn: "customer", aggregations: [{ fn: "count" }] },
      },
    });
    expect(r.status).toBe(200);
    expect(r.data.outputSchema.map((c: { name: string }) => c.name)).toEqual([
      "ann_count",
      "bob_count",
      "cid_count",
    ]);
    expect(r.data.rows).toEqual([[2, 1, 1]]);
    expect(r.data.engines.duckdb.warnings.join(" ")).toMatch(/from the sample/);
  });

  it("reads each input through its saved sampling settings (last N gives the last rows)", async () => {
    const csv = ["n,half"];
    for (let i = 0; i < 30; i++) csv.push(`${i},${i < 15 ? "low" : "high"}`);
    const r0 = await call(`/projects/${projectId}/datasets?name=numbers`, {
      method: "POST",
      body: `${csv.join("\n")}\n`,
      headers: { "content-type": "text/csv" },
      as: key,
    });
    const numbers = r0.data.id as string;
    const sort = { kind: "sort", version: 1, params: { keys: [{ column: "n", direction: "asc" }] } };
    const before = await preview({ inputs: [numbers], spec: sort });
    expect(before.data.rows.map((r: unknown[]) => r[0])).toEqual([...Array(30).keys()]);

    const set = await call(`/projects/${projectId}/datasets/${numbers}/sampling`, {
      method: "PUT",
      json: { method: "last", n: 5 },
      as: key,
    });
    expect(set.status).toBe(200);
    const last = await preview({ inputs: [numbers], spec: sort });
    expect(last.status).toBe(200);
    expect(last.data.rows).toEqual([
      [25, "high"],
      [26, "high"],
      [27, "high"],
      [28, "high"],
      [29, "high"],
    ]);
    expect(last.data.inputs).toEqual([{ datasetId: numbers, name: "numbers", sampleRows: 5, totalRows: 30 }]);
    // The explore page reads the same sample.
    const page = await call(`/projects/${projectId}/datasets/${numbers}/sample`, {
      method: "POST",
      json: {},
      as: key,
    });
    expect(page.data.rows.map((r: unknown[]) => r[0])).toEqual([25, 26, 27, 28, 29]);

    // Aggregations see only the sampled rows too.
    const group = await preview({
      inputs: [numbers],
      spec: {
        kind: "group",
        version: 1,
        params: {
          keys: ["half"],
          aggregations: [{ column: "n", fn: "min", as: "lowest" }],
          globalCount: true,
        },
      },
    });
    expect(group.data.rows).toEqual([["high", 5, 25]]);
  });

  it("answers a compile error with its path, and an unknown input with 400", async () => {
    const bad = await preview({
      inputs: [orders],
      spec: { kind: "sort", version: 1, params: { keys: [{ column: "nope", direction: "asc" }] } },
    });
    expect(bad.status).toBe(422);
    expect(bad.data.error.code).toBe("compile_error");
    expect(bad.data.error.message).toMatch(/nope/);
    expect(bad.data.error.details.path).toEqual(["params", "keys", 0, "column"]);
    const unknown = await preview({ inputs: ["nope"], spec: { kind: "distinct", version: 1, params: {} } });
    expect(unknown.status).toBe(400);
  });

  it("refuses callers outside the project", async () => {
    const r = await call(`/projects/${projectId}/recipes/preview`, {
      method: "POST",
      json: { inputs: [orders], spec: { kind: "distinct", version: 1, params: {} } },
    });
    expect(r.status).toBe(401);
  });

  it("sends decimals and integers past 2^53 as exact text, as the sample does", async () => {
    const options = {
      format: "csv",
      csv: {
        delimiter: ",",
        quote: '"',
        escape: '"',
        encoding: "utf-8",
        header: true,
        skipLines: 0,
        trailingDelimiter: false,
        decimalSeparator: ".",
        skipBadLines: false,
        columns: [{ type: "decimal" }, { type: "bigint" }],
      },
    };
    const d = await call(
      `/projects/${projectId}/datasets?name=exact&options=${encodeURIComponent(JSON.stringify(options))}`,
      {
        method: "POST",
        body: "amount,big\n12345678901234567890.123456789,9007199254740993\n12.5,1\n",
        headers: { "content-type": "text/csv" },
        as: key,
      },
    );
    expect(d.status).toBe(201);
    const r = await preview({
      inputs: [d.data.id],
      spec: {
        kind: "prepare",
        version: 1,
        params: {
          steps: [{ id: "s1", type: "CreateColumnWithGREL", params: { output: "n", formula: "1" } }],
        },
      },
    });
    expect(r.status).toBe(200);
    // A JS number would have given 12345678901234567000 and 9007199254740992.
    expect(r.data.rows).toEqual([
      ["12345678901234567890.123456789", "9007199254740993", 1],
      ["12.5", 1, 1],
    ]);
  });
});
