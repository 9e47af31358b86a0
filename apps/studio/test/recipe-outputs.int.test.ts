import { beforeAll, describe, expect, it } from "vitest";
import { adminKey, type Caller, call, createProject, hasStudio, waitForJob } from "./api-client.ts";

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
    key = await adminKey();
    projectId = (await createProject(key, "Outputs", "OUT")).id;
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

    // Without a new `outputs` list the number of outputs stays: dropping the other rows is refused.
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

  describe("changing a split's outputs", () => {
    const valuesSplit = (lists: string[][], otherRows: boolean) => ({
      kind: "split",
      version: 1,
      params: { mode: "values", column: "region", outputs: lists.map((values) => ({ values })), otherRows },
    });
    const update = (recipe: { id: string; revision: number }, json: Record<string, unknown>) =>
      call(`/projects/${projectId}/recipes/${recipe.id}`, {
        method: "PUT",
        json: { revision: recipe.revision, ...json },
        as: key,
      });
    const datasetNames = async () =>
      ((await call(`/projects/${projectId}/datasets`, { as: key })).data as { name: string }[]).map(
        (d) => d.name,
      );
    const build = async (targets: string[]) => {
      const job = await call(`/projects/${projectId}/jobs`, { method: "POST", json: { targets }, as: key });
      const done = await waitForJob(projectId, job.data.id, key);
      expect(done.state).toBe("SUCCEEDED");
    };
    const createSplit = async (name: string, outputs: string[]) => {
      const r = await call(`/projects/${projectId}/recipes`, {
        method: "POST",
        json: {
          name,
          inputs: [sales],
          outputs: outputs.map((o) => ({ name: o })),
          spec: valuesSplit([["north"], ["south"]], true),
        },
        as: key,
      });
      expect(r.status).toBe(201);
      return r.data as { id: string; revision: number; outputs: string[] };
    };

    it("reorders, adds and removes outputs; a dropped dataset keeps its data", async () => {
      let recipe = await createSplit("split_edit", ["e_north", "e_south", "e_rest"]);
      const [north, south, rest] = recipe.outputs as [string, string, string];

      // Swapping the lists and the outputs together keeps every dataset id.
      const swapped = await update(recipe, {
        spec: valuesSplit([["south"], ["north"]], true),
        outputs: [{ datasetId: south }, { datasetId: north }, { datasetId: rest }],
      });
      expect(swapped.status).toBe(200);
      expect(swapped.data.outputs).toEqual([south, north, rest]);
      expect(swapped.data.revision).toBe(recipe.revision + 1);
      recipe = swapped.data;

      // A third list writes a new dataset, before the other rows.
      const added = await update(recipe, {
        spec: valuesSplit([["south"], ["north"], ["east"]], true),
        outputs: [{ datasetId: south }, { datasetId: north }, { name: "e_east" }, { datasetId: rest }],
      });
      expect(added.status).toBe(200);
      expect(added.data.outputs).toHaveLength(4);
      const east = added.data.outputs[2] as string;
      expect([south, north, rest]).not.toContain(east);
      expect(added.data.outputs).toEqual([south, north, east, rest]);
      expect(await datasetNames()).toContain("e_east");
      recipe = added.data;

      await build(recipe.outputs);
      expect(await rowsOf(north)).toEqual([
        ["north", 10],
        ["north", 2.5],
      ]);
      expect(await rowsOf(south)).toEqual([["south", 5]]);
      expect(await rowsOf(east)).toEqual([["east", 1]]);
      expect(await rowsOf(rest)).toEqual([]);

      // Keeping only north: south, east and the other rows are unlinked but stay, with their data.
      const removed = await update(recipe, {
        spec: valuesSplit([["north"]], false),
        outputs: [{ datasetId: north }],
      });
      expect(removed.status).toBe(200);
      expect(removed.data.outputs).toEqual([north]);
      const fetched = await call(`/projects/${projectId}/recipes/${recipe.id}`, { as: key });
      expect(fetched.data.outputs).toEqual([north]);
      expect(await rowsOf(south)).toEqual([["south", 5]]);
      expect(await rowsOf(east)).toEqual([["east", 1]]);
      // No recipe writes south any more: another recipe may take it as its output.
      const adopt = await call(`/projects/${projectId}/recipes`, {
        method: "POST",
        json: {
          name: "adopt_south",
          inputs: [sales],
          output: { datasetId: south },
          spec: { kind: "sync", version: 1, params: {} },
        },
        as: key,
      });
      expect(adopt.status).toBe(201);
    });

    it("refuses a count that does not match, a taken name, a stale revision, a dataset it does not write", async () => {
      const recipe = await createSplit("split_refuse", ["r_north", "r_south", "r_rest"]);
      const [north, south, rest] = recipe.outputs as [string, string, string];

      const mismatch = await update(recipe, {
        spec: valuesSplit([["north"], ["south"], ["east"]], true),
        outputs: [{ datasetId: north }, { datasetId: south }, { datasetId: rest }],
      });
      expect(mismatch.status).toBe(400);
      expect(mismatch.data.error.message).toMatch(/write 4 datasets .*; 3 given/);

      // Changing the count without the new list is refused as before, and says how to do it.
      const noList = await update(recipe, { spec: valuesSplit([["north"]], true) });
      expect(noList.status).toBe(400);
      expect(noList.data.error.message).toMatch(/writes 3 datasets; the new settings would write 2/);

      // "sales" is taken; "r_fresh", created before it in the same request, must not be left behind.
      const taken = await update(recipe, {
        spec: valuesSplit([["north"], ["south"], ["east"], ["west"]], true),
        outputs: [
          { datasetId: north },
          { datasetId: south },
          { name: "r_fresh" },
          { name: "sales" },
          { datasetId: rest },
        ],
      });
      expect(taken.status).toBe(409);
      expect(taken.data.error.message).toMatch(/sales already exists/);
      expect(await datasetNames()).not.toContain("r_fresh");
      const after = await call(`/projects/${projectId}/recipes/${recipe.id}`, { as: key });
      expect(after.data.revision).toBe(recipe.revision);
      expect(after.data.outputs).toEqual([north, south, rest]);

      const foreign = await update(recipe, {
        spec: valuesSplit([["north"], ["south"]], true),
        outputs: [{ datasetId: north }, { datasetId: sales }, { datasetId: rest }],
      });
      expect(foreign.status).toBe(400);
      expect(foreign.data.error.message).toMatch(/not an output of this recipe/);

      const ok = await update(recipe, {
        spec: valuesSplit([["north"], ["south"]], false),
        outputs: [{ datasetId: north }, { datasetId: south }],
      });
      expect(ok.status).toBe(200);
      // The same edit again, on the revision it replaced.
      const stale = await update(recipe, {
        spec: valuesSplit([["north"], ["south"], ["east"]], false),
        outputs: [{ datasetId: north }, { datasetId: south }, { name: "r_stale" }],
      });
      expect(stale.status).toBe(409);
      expect(stale.data.error.message).toMatch(/changed by someone else/);
      expect(await datasetNames()).not.toContain("r_stale");
    });

    it("keeps a one-output recipe at its one output", async () => {
      const sync = await call(`/projects/${projectId}/recipes`, {
        method: "POST",
        json: {
          name: "one_out",
          inputs: [sales],
          output: { name: "one_out_copy" },
          spec: { kind: "sync", version: 1, params: {} },
        },
        as: key,
      });
      expect(sync.status).toBe(201);
      const out = sync.data.outputs[0] as string;
      const two = await update(sync.data, {
        spec: { kind: "sync", version: 1, params: {} },
        outputs: [{ datasetId: out }, { name: "one_out_more" }],
      });
      expect(two.status).toBe(400);
      expect(two.data.error.message).toMatch(/a sync recipe writes one dataset/);
      const other = await update(sync.data, { outputs: [{ name: "one_out_new" }] });
      expect(other.status).toBe(400);
      expect(await datasetNames()).not.toContain("one_out_more");
      const same = await update(sync.data, { outputs: [{ datasetId: out }] });
      expect(same.status).toBe(200);
      expect(same.data.outputs).toEqual([out]);
    });
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
