import { beforeAll, describe, expect, it } from "vitest";
import {
  admin,
  type Caller,
  call,
  hasStudio,
  loginAs,
  uniqueKey,
  waitForJob,
  withApiKey,
} from "./api-client.ts";

// Recipes with several outputs (split) and SQL code recipes, through the API and the worker:
// a split is created with one dataset per output and builds each; a SQL recipe builds on its own.
const SALES = "region,amount\nnorth,10\nsouth,5\nnorth,2.5\neast,1\n";

describe.skipIf(!hasStudio)("split and SQL recipes through the API", () => {
  let key: Caller;
  let projectId: string;
  let sales: string;

  const rowsOf = async (datasetId: string) =>
    (await call(`/projects/${projectId}/datasets/${datasetId}/preview?limit=100`, { as: key })).data.rows;

  beforeAll(async () => {
    key = await withApiKey(await loginAs(admin.email, admin.password));
    const p = await call("/projects", {
      method: "POST",
      json: { key: uniqueKey("OUT"), name: "Outputs" },
      as: key,
    });
    projectId = p.data.id;
    sales = (
      await call(`/projects/${projectId}/datasets?name=sales`, {
        method: "POST",
        body: SALES,
        headers: { "content-type": "text/csv" },
        as: key,
      })
    ).data.id;
  });

  const splitSpec = (otherRows: boolean) => ({
    kind: "split",
    version: 1,
    params: {
      mode: "values",
      column: "region",
      outputs: [{ values: ["north"] }, { values: ["south"] }],
      otherRows,
    },
  });

  it("creates a split with one dataset per output, previews any output, builds every one", async () => {
    const created = await call(`/projects/${projectId}/recipes`, {
      method: "POST",
      json: {
        name: "split_regions",
        inputs: [sales],
        outputs: [{ name: "north" }, { name: "south" }, { name: "elsewhere" }],
        spec: splitSpec(true),
      },
      as: key,
    });
    expect(created.status).toBe(201);
    expect(created.data.outputs).toHaveLength(3);

    const preview = await call(`/projects/${projectId}/recipes/preview`, {
      method: "POST",
      json: { inputs: [sales], spec: splitSpec(true), output: 2, limit: 10 },
      as: key,
    });
    expect(preview.status).toBe(200);
    expect(preview.data.rows).toEqual([["east", 1]]);
    expect(preview.data.engines.duckdb.sql).not.toBe("");

    // The number of outputs is fixed once the datasets exist: dropping the other rows is refused.
    const shrink = await call(`/projects/${projectId}/recipes/${created.data.id}`, {
      method: "PUT",
      json: { revision: created.data.revision, spec: splitSpec(false) },
      as: key,
    });
    expect(shrink.status).toBe(400);
    expect(shrink.data.error.message).toMatch(/writes 3 datasets; the new settings would write 2/);

    const job = await call(`/projects/${projectId}/jobs`, {
      method: "POST",
      json: { targets: created.data.outputs },
      as: key,
    });
    const done = await waitForJob(projectId, job.data.id, key);
    expect(done.state).toBe("SUCCEEDED");
    const [north, south, elsewhere] = created.data.outputs as string[];
    expect(await rowsOf(north!)).toEqual([
      ["north", 10],
      ["north", 2.5],
    ]);
    expect(await rowsOf(south!)).toEqual([["south", 5]]);
    expect(await rowsOf(elsewhere!)).toEqual([["east", 1]]);
  });

  it("refuses `output` and `outputs` together, and a one-output recipe given two", async () => {
    const both = await call(`/projects/${projectId}/recipes`, {
      method: "POST",
      json: {
        name: "both",
        inputs: [sales],
        output: { name: "x1" },
        outputs: [{ name: "x2" }],
        spec: { kind: "sync", version: 1, params: {} },
      },
      as: key,
    });
    expect(both.status).toBe(400);
    const two = await call(`/projects/${projectId}/recipes`, {
      method: "POST",
      json: {
        name: "two",
        inputs: [sales],
        outputs: [{ name: "y1" }, { name: "y2" }],
        spec: { kind: "sync", version: 1, params: {} },
      },
      as: key,
    });
    expect(two.status).toBe(400);
    expect(two.data.error.message).toMatch(/a sync recipe writes one dataset; 2 given/);
  });

  it("builds a SQL recipe on the worker, alone and after a visual recipe", async () => {
    // sales -> (sync) sales_copy -> (sql) totals: the planner must not merge the SQL recipe into a pipeline.
    const copy = await call(`/projects/${projectId}/recipes`, {
      method: "POST",
      json: {
        name: "copy",
        inputs: [sales],
        output: { name: "sales_copy" },
        spec: { kind: "sync", version: 1, params: {} },
      },
      as: key,
    });
    const totals = await call(`/projects/${projectId}/recipes`, {
      method: "POST",
      json: {
        name: "totals",
        inputs: [copy.data.outputs[0]],
        output: { name: "totals" },
        spec: {
          kind: "sql",
          version: 1,
          params: { sql: "SELECT region, SUM(amount) AS total FROM sales_copy GROUP BY region" },
        },
      },
      as: key,
    });
    expect(totals.status).toBe(201);
    const job = await call(`/projects/${projectId}/jobs`, {
      method: "POST",
      json: { targets: totals.data.outputs, mode: "smart" },
      as: key,
    });
    const done = await waitForJob(projectId, job.data.id, key);
    expect(done.error ?? done.activities.find((a: { error: string | null }) => a.error)?.error ?? null).toBe(
      null,
    );
    expect(done.state).toBe("SUCCEEDED");
    expect(done.activities).toHaveLength(2);
    const rows = (await rowsOf(totals.data.outputs[0])) as [string, number][];
    expect(rows.sort((a, b) => a[0].localeCompare(b[0]))).toEqual([
      ["east", 1],
      ["north", 12.5],
      ["south", 5],
    ]);
  });
});
