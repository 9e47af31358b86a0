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

// The join recipe through the REST API: the JSON the editor saves (operators, date windows,
// column choices) is validated when saved, and a range join builds with Spark's answer.
const ORDERS =
  "order_id,order_date,amount\n1,2024-01-01,10\n2,2024-03-31,20\n3,2024-04-01,30\n4,2023-12-31,40\n";
const CAMPAIGNS = "name,start\nWinter,2024-01-01\nSpring,2024-03-15\n";

describe.skipIf(!hasStudio)("join recipes through the API", () => {
  let key: Caller;
  let projectId: string;
  let orders: string;
  let campaigns: string;

  const upload = (name: string, csv: string) => uploadCsv(key, projectId, name, csv);

  beforeAll(async () => {
    key = await adminKey();
    projectId = (await createProject(key, "Joins", "JOIN")).id;
    orders = await upload("orders", ORDERS);
    campaigns = await upload("campaigns", CAMPAIGNS);
  });

  it("refuses, when saved, a join whose output would hold a name twice, naming both columns", async () => {
    const r = await call(`/projects/${projectId}/recipes`, {
      method: "POST",
      json: {
        name: "dup_join",
        inputs: [orders, campaigns],
        output: { name: "dup_out" },
        spec: {
          kind: "join",
          params: {
            type: "inner",
            on: [{ left: "order_date", op: "gte", right: "start" }],
            // amount renamed to "name" clashes with the campaigns' own "name".
            leftColumns: [{ column: "amount", as: "name" }],
          },
        },
      },
      as: key,
    });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.data.error.message).toMatch(/"name" would come from both orders\.amount and campaigns\.name/);
    expect(r.data.error.details).toMatchObject({
      code: "duplicate_output_name",
      path: ["params", "rightPrefix"],
    });
    // Nothing was created: the output name is still free.
    const datasets = await call(`/projects/${projectId}/datasets`, { as: key });
    expect(datasets.data.map((d: { name: string }) => d.name)).not.toContain("dup_out");
  });

  it("saves a date-window join, compiles it for both engines and builds Spark's rows", async () => {
    const spec = {
      kind: "join",
      params: {
        type: "inner",
        on: [{ left: "order_date", op: "withinDays", right: "start", days: 90, direction: "after" }],
        rightColumns: [{ column: "name", as: "campaign" }],
      },
    };
    const created = await call(`/projects/${projectId}/recipes`, {
      method: "POST",
      json: {
        name: "orders_in_campaigns",
        inputs: [orders, campaigns],
        output: { name: "attributed" },
        spec,
      },
      as: key,
    });
    expect(created.status).toBe(201);
    expect(created.data.spec.params.on).toEqual(spec.params.on);

    const spark = await call(`/projects/${projectId}/recipes/${created.data.id}/compile?engine=spark`, {
      as: key,
    });
    expect(spark.status).toBe(200);
    expect(spark.data.sql).toMatch(
      /ON \(\(`_l`\.`order_date` >= `_r`\.`start`\) AND \(`_l`\.`order_date` <= date_add\(`_r`\.`start`, 90\)\)\)/,
    );

    const job = await call(`/projects/${projectId}/jobs`, {
      method: "POST",
      json: { targets: created.data.outputs },
      as: key,
    });
    const done = await waitForJob(projectId, job.data.id, key);
    expect(done.state).toBe("SUCCEEDED");
    const out = await call(`/projects/${projectId}/datasets/${created.data.outputs[0]}/preview?limit=100`, {
      as: key,
    });
    expect(out.data.columns.map((c: { name: string }) => c.name)).toEqual([
      "order_id",
      "order_date",
      "amount",
      "campaign",
      "start",
    ]);
    const rows = (out.data.rows as unknown[][])
      .map((r) => [r[0], r[3]])
      .sort((a, b) => String(a).localeCompare(String(b)));
    // Order 2 (Mar 31) is exactly 90 days after Winter's start and 16 after Spring's: both.
    expect(rows).toEqual([
      [1, "Winter"],
      [2, "Spring"],
      [2, "Winter"],
      [3, "Spring"],
    ]);
  });
});
