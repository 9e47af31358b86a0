import { beforeAll, describe, expect, it } from "vitest";
import {
  adminKey,
  type Caller,
  call,
  createProject,
  hasStudio,
  uploadCsv,
  waitForJob,
} from "./api-client.ts";

// Schemas propagate through the Flow before anything is built: a recipe on a dataset that was
// never built is designed, compiled and validated on the schema its recipe infers, and a dry run
// says what a build would fail on instead of planning fine and failing when it runs.
const ORDERS = "order_id,customer,amount\n1,ann,10\n2,bob,20\n3,ann,5\n";
const CUSTOMERS = "customer,city\nann,Paris\nbob,Lyon\n";

describe.skipIf(!hasStudio)("recipes on unbuilt datasets", () => {
  let key: Caller;
  let projectId: string;
  let orders: string;
  let customers: string;
  /** Written by a sync of orders, never built. */
  let copy: string;

  const upload = (name: string, csv: string) => uploadCsv(key, projectId, name, csv);
  const createRecipe = (json: unknown) =>
    call(`/projects/${projectId}/recipes`, { method: "POST", json, as: key });
  const group = {
    kind: "group",
    version: 1,
    params: { keys: ["customer"], aggregations: [{ column: "amount", fn: "sum", as: "total" }] },
  };

  beforeAll(async () => {
    key = await adminKey();
    projectId = (await createProject(key, "Unbuilt", "UNB")).id;
    orders = await upload("orders", ORDERS);
    customers = await upload("customers", CUSTOMERS);
    const sync = await createRecipe({
      name: "copy_orders",
      inputs: [orders],
      output: { name: "orders_copy" },
      spec: { kind: "sync", version: 1, params: {} },
    });
    expect(sync.status).toBe(201);
    copy = sync.data.outputs[0];
  });

  it("previews a recipe on an unbuilt input: its columns from the inferred schema, no rows, and why", async () => {
    const r = await call(`/projects/${projectId}/recipes/preview`, {
      method: "POST",
      json: { inputs: [copy], spec: group, limit: 50 },
      as: key,
    });
    expect(r.status).toBe(200);
    expect(r.data.outputSchema.map((c: { name: string }) => c.name)).toEqual(["customer", "count", "total"]);
    expect(r.data.rows).toEqual([]);
    expect(r.data.runError).toMatch(/orders_copy has no data yet/);
    expect(r.data.engines.duckdb.sql).toMatch(/sum/i);
  });

  it("saves and compiles a recipe on an unbuilt input", async () => {
    const r = await createRecipe({
      name: "totals",
      inputs: [copy],
      output: { name: "totals_out" },
      spec: group,
    });
    expect(r.status).toBe(201);
    const c = await call(`/projects/${projectId}/recipes/${r.data.id}/compile?engine=spark`, { as: key });
    expect(c.status).toBe(200);
    expect(c.data.outputSchemas[0].map((x: { name: string }) => x.name)).toEqual([
      "customer",
      "count",
      "total",
    ]);
  });

  it("refuses, when saved, a join on an unbuilt input whose output would hold a name twice", async () => {
    const r = await createRecipe({
      name: "dup_join",
      inputs: [copy, customers],
      output: { name: "dup_join_out" },
      spec: {
        kind: "join",
        params: {
          type: "inner",
          on: [{ left: "customer", right: "customer" }],
          leftColumns: [{ column: "amount", as: "city" }],
        },
      },
    });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.data.error.message).toMatch(
      /"city" would come from both orders_copy\.amount and customers\.city/,
    );
    expect(r.data.error.details).toMatchObject({ code: "duplicate_output_name" });
  });

  it("a refused unknown column names it, on an unbuilt input too", async () => {
    const r = await createRecipe({
      name: "bad_group",
      inputs: [copy],
      output: { name: "bad_group_out" },
      spec: { ...group, params: { keys: ["nope"], aggregations: [] } },
    });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.data.error.message).toMatch(/nope/);
  });

  it("the dry run of build-only-this says the build would fail on the unbuilt input; smart builds it", async () => {
    const recipes = await call(`/projects/${projectId}/recipes`, { as: key });
    const totals = recipes.data.find((x: { name: string }) => x.name === "totals");
    const target = totals.outputs[0];
    const only = await call(`/projects/${projectId}/jobs`, {
      method: "POST",
      json: { targets: [target], mode: "build-only-this", dryRun: true },
      as: key,
    });
    expect(only.status).toBe(200);
    expect(only.data.plan.problems).toEqual([
      {
        recipeId: totals.id,
        recipeName: "totals",
        message: expect.stringMatching(/orders_copy has no data yet/),
      },
    ]);
    // The real build is refused up front with the same problem, and nothing is queued (it used
    // to be enqueued and fail in the worker with "Input dataset orders_copy has no data yet").
    const jobsBefore = (await call(`/projects/${projectId}/jobs`, { as: key })).data.length;
    const refused = await call(`/projects/${projectId}/jobs`, {
      method: "POST",
      json: { targets: [target], mode: "build-only-this" },
      as: key,
    });
    expect(refused.status).toBe(409);
    expect(refused.data.error.code).toBe("conflict");
    expect(refused.data.error.message).toMatch(/^The build was not started: a recipe would fail\. totals: /);
    expect(refused.data.error.message).toMatch(/orders_copy has no data yet/);
    expect(refused.data.error.details.problems).toEqual(only.data.plan.problems);
    expect((await call(`/projects/${projectId}/jobs`, { as: key })).data.length).toBe(jobsBefore);
    const smart = await call(`/projects/${projectId}/jobs`, {
      method: "POST",
      json: { targets: [target], mode: "smart", dryRun: true },
      as: key,
    });
    expect(smart.status).toBe(200);
    expect(smart.data.plan.problems).toEqual([]);
    const job = await call(`/projects/${projectId}/jobs`, {
      method: "POST",
      json: { targets: [target], mode: "smart" },
      as: key,
    });
    expect(job.status).toBe(201);
    expect((await waitForJob(projectId, job.data.id, key)).state).toBe("SUCCEEDED");
  });

  it("a build whose recipe would output a duplicate column is refused before anything is queued", async () => {
    // per_customer (group) feeds with_city (join with customers); renaming its total to "city"
    // afterwards is saved (nothing checks downstream recipes then), but with_city would then
    // output "city" twice: a smart build rebuilds per_customer and would fail on with_city.
    const per = await createRecipe({
      name: "per_customer",
      inputs: [orders],
      output: { name: "per_customer_out" },
      spec: group,
    });
    expect(per.status).toBe(201);
    const join = await createRecipe({
      name: "with_city",
      inputs: [per.data.outputs[0], customers],
      output: { name: "with_city_out" },
      spec: {
        version: 1,
        kind: "join",
        params: { type: "inner", on: [{ left: "customer", right: "customer" }] },
      },
    });
    expect(join.status).toBe(201);
    const renamed = await call(`/projects/${projectId}/recipes/${per.data.id}`, {
      method: "PUT",
      json: {
        revision: per.data.revision,
        spec: {
          ...group,
          params: { ...group.params, aggregations: [{ column: "amount", fn: "sum", as: "city" }] },
        },
      },
      as: key,
    });
    expect(renamed.status).toBe(200);
    const jobsBefore = (await call(`/projects/${projectId}/jobs`, { as: key })).data.length;
    const r = await call(`/projects/${projectId}/jobs`, {
      method: "POST",
      json: { targets: [join.data.outputs[0]], mode: "smart" },
      as: key,
    });
    expect(r.status).toBe(409);
    expect(r.data.error.message).toMatch(/^The build was not started: a recipe would fail\. with_city: /);
    expect(r.data.error.message).toMatch(/"city"/);
    expect(r.data.error.details.problems).toEqual([
      { recipeId: join.data.id, recipeName: "with_city", message: expect.stringMatching(/"city"/) },
    ]);
    expect((await call(`/projects/${projectId}/jobs`, { as: key })).data.length).toBe(jobsBefore);
  });

  it("a pivot saved without values computes them when it is built", async () => {
    const r = await createRecipe({
      name: "by_customer",
      inputs: [orders],
      output: { name: "by_customer_out" },
      spec: {
        kind: "pivot",
        version: 1,
        params: { keys: [], pivotColumn: "customer", aggregations: [{ column: "amount", fn: "sum" }] },
      },
    });
    expect(r.status).toBe(201);
    const job = await call(`/projects/${projectId}/jobs`, {
      method: "POST",
      json: { targets: [r.data.outputs[0]], mode: "build-only-this" },
      as: key,
    });
    expect(job.status).toBe(201);
    const done = await waitForJob(projectId, job.data.id, key);
    expect(done.error ?? null).toBeNull();
    expect(done.state).toBe("SUCCEEDED");
    const ds = await call(`/projects/${projectId}/datasets/${r.data.outputs[0]}`, { as: key });
    expect(ds.data.schema.map((c: { name: string }) => c.name)).toHaveLength(2);
  });
});
