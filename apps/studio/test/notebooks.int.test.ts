// SQL notebooks (issue #17) through the REST API of the studio + worker that `npm test` starts: a
// cell joining two datasets runs on their FULL data (more rows than the 10,000 returned, the full
// count given), its last result is stored capped with the notebook; viewers read but do not run;
// what a SQL recipe may not do is refused with its position in the cell; another project's
// dataset is not found; a stale save is a 409; "save as dataset" makes a SQL recipe whose build
// gives the rows the cell gave; a long local query reports its progress while it runs.
import { beforeAll, describe, expect, it } from "vitest";
import {
  adminKey,
  type Caller,
  call,
  hasStudio,
  loginAs,
  uniqueKey,
  uploadCsv,
  waitForJob,
  withApiKey,
} from "./api-client.ts";

const ORDERS = 15_000;
const order = (i: number) => ({ id: i, customer: i % 120, amount: (i * 7) % 100 });
const region = (c: number) => ["north", "south", "east", "west"][c % 4]!;

function ordersCsv(): string {
  const lines = ["order_id,customer_id,amount"];
  for (let i = 1; i <= ORDERS; i++) {
    const o = order(i);
    lines.push(`${o.id},${o.customer},${o.amount}`);
  }
  return `${lines.join("\n")}\n`;
}

function customersCsv(): string {
  // Customers 0..99 only: orders of customers 100..119 find no one.
  const lines = ["customer_id,region"];
  for (let c = 0; c < 100; c++) lines.push(`${c},${region(c)}`);
  return `${lines.join("\n")}\n`;
}

/** The join's rows computed here from the same generator. */
function expectedJoin(): [number, string, number][] {
  const rows: [number, string, number][] = [];
  for (let i = 1; i <= ORDERS; i++) {
    const o = order(i);
    if (o.customer < 100 && o.amount > 10) rows.push([o.id, region(o.customer), o.amount]);
  }
  return rows;
}

const JOIN = [
  "SELECT o.order_id, c.region, o.amount",
  "FROM orders o JOIN customers c ON o.customer_id = c.customer_id",
  "WHERE o.amount > 10",
  "ORDER BY o.order_id",
].join("\n");

const password = "a-long-password";

describe.skipIf(!hasStudio)("SQL notebooks API", { timeout: 180_000 }, () => {
  let key: Caller;
  let viewer: Caller;
  let projectId: string;
  let notebookId: string;
  const cellId = "cell1";

  const post = (p: string, json?: unknown, as = key) => call(p, { method: "POST", json: json ?? {}, as });
  const get = (p: string, as = key) => call(p, { as });
  const put = (p: string, json: unknown) => call(p, { method: "PUT", json, as: key });
  const upload = (project: string, name: string, csv: string) => uploadCsv(key, project, name, csv);
  const run = (sql: string, as = key, cell = cellId) =>
    post(`/projects/${projectId}/notebooks/${notebookId}/cells/${cell}/run`, { sql }, as);

  beforeAll(async () => {
    key = await adminKey();
    projectId = (await post("/projects", { key: uniqueKey("NB"), name: "Notebooks" })).data.id;
    await upload(projectId, "orders", ordersCsv());
    await upload(projectId, "customers", customersCsv());
    const email = `${uniqueKey("nbv").toLowerCase()}@example.com`;
    const u = await post("/admin/users", { email, name: "Viewer", password, role: "USER" });
    expect(u.status).toBe(201);
    expect((await put(`/projects/${projectId}/members`, { email, role: "VIEWER" })).status).toBe(200);
    viewer = await withApiKey(await loginAs(email, password));
    const nb = await post(`/projects/${projectId}/notebooks`, {
      name: "Exploration",
      cells: [{ id: cellId, sql: JOIN }],
    });
    expect(nb.status).toBe(201);
    expect(nb.data).toMatchObject({ name: "Exploration", kind: "sql", version: 1, cellCount: 1 });
    notebookId = nb.data.id;
  });

  it("runs a cell joining two datasets on the full data: 10,000 rows returned, the full count given", async () => {
    const expected = expectedJoin();
    expect(expected.length).toBeGreaterThan(10_000);
    const r = await run(JOIN);
    expect(r.status).toBe(200);
    expect(r.data.status).toBe("ok");
    expect(r.data.rowCount).toBe(expected.length);
    expect(r.data.truncated).toBe(true);
    expect(r.data.rows).toHaveLength(10_000);
    expect(r.data.rows).toEqual(expected.slice(0, 10_000));
    const types = r.data.columns.map((c: { name: string; type: string }) => [c.name, c.type]);
    expect(types.map((t: string[]) => t[0])).toEqual(["order_id", "region", "amount"]);
    expect(types[1][1]).toBe("string");
    for (const i of [0, 2]) expect(["integer", "bigint"]).toContain(types[i][1]);

    // The last result is kept with the notebook, capped at 200 rows, and viewers see it.
    const shown = await get(`/projects/${projectId}/notebooks/${notebookId}`, viewer);
    expect(shown.status).toBe(200);
    const stored = shown.data.results[cellId];
    expect(stored.rowCount).toBe(expected.length);
    expect(stored.rows).toEqual(expected.slice(0, 200));
    expect(stored.sql).toBe(JOIN);
    expect(shown.data.datasets.map((d: { name: string }) => d.name)).toEqual(["customers", "orders"]);
  });

  it("lets viewers read notebooks but not run, save or create them", async () => {
    expect((await get(`/projects/${projectId}/notebooks`, viewer)).data).toHaveLength(1);
    const refused = await run("SELECT 1 AS one", viewer);
    expect(refused.status).toBe(403);
    expect(
      (
        await call(`/projects/${projectId}/notebooks/${notebookId}`, {
          method: "PUT",
          json: { version: 1, cells: [] },
          as: viewer,
        })
      ).status,
    ).toBe(403);
    expect((await post(`/projects/${projectId}/notebooks`, { name: "Mine" }, viewer)).status).toBe(403);
    // The refused run did not replace the stored result.
    const shown = await get(`/projects/${projectId}/notebooks/${notebookId}`);
    expect(shown.data.results[cellId].status).toBe("ok");
  });

  it("refuses what a SQL recipe may not do, pointing at its line and column in the cell", async () => {
    const cases: [string, RegExp, number, number][] = [
      [
        "SELECT *\nFROM read_parquet('/etc/passwd')",
        /read_parquet\(\.\.\.\) is not allowed in a notebook cell/,
        2,
        6,
      ],
      ["SELECT * FROM parquet.`/work`", /parquet\.`\.\.\.` reads files by path/, 1, 15],
      ["DROP TABLE orders", /DROP is not allowed in a notebook cell/, 1, 1],
      ["SELECT 1 AS a;\nSELECT 2 AS b", /A cell is ONE query/, 1, 14],
    ];
    for (const [sql, message, line, column] of cases) {
      const r = await run(sql);
      expect(r.status, sql).toBe(422);
      expect(r.data.error.code).toBe("compile_error");
      const first = r.data.error.details.problems[0];
      expect(first.message, sql).toMatch(message);
      expect([first.line, first.column], sql).toEqual([line, column]);
    }
    // The refusal is the cell's last result, with its position, for whoever opens the notebook.
    const stored = (await get(`/projects/${projectId}/notebooks/${notebookId}`)).data.results[cellId];
    expect(stored).toMatchObject({ status: "error", problems: [{ line: 1, column: 14 }] });
  });

  it("does not find another project's dataset, and says where the cell names it", async () => {
    const other = (await post("/projects", { key: uniqueKey("NB2"), name: "Other" })).data.id;
    await upload(other, "secret_sales", "id,amount\n1,10\n");
    const r = await run("SELECT *\n  FROM secret_sales");
    expect(r.status).toBe(422);
    const p = r.data.error.details.problems[0];
    expect(p.message).toMatch(/Table secret_sales is not a dataset of this project/);
    expect([p.line, p.column]).toEqual([2, 8]);
    // A column DuckDB does not find is placed where the cell names it.
    const missing = await run("SELECT region, nope\nFROM customers");
    expect(missing.status).toBe(400);
    expect(missing.data.error.message).toMatch(/nope/);
    expect(missing.data.error.details.problems[0]).toMatchObject({ line: 1, column: 16 });
  });

  it("refuses a stale save with a 409, and a taken name", async () => {
    const path = `/projects/${projectId}/notebooks/${notebookId}`;
    const first = await get(path);
    const cells = [...first.data.cells, { id: "cell2", sql: "SELECT count(*) AS n FROM orders" }];
    const saved = await put(path, { version: first.data.version, cells });
    expect(saved.status).toBe(200);
    expect(saved.data.version).toBe(first.data.version + 1);
    expect(saved.data.cells).toEqual(cells);
    const stale = await put(path, { version: first.data.version, cells: [] });
    expect(stale.status).toBe(409);
    expect(stale.data.error.message).toMatch(/Someone else saved this notebook/);
    expect((await get(path)).data.cells).toEqual(cells);
    // Running a cell does not move the version: a run never conflicts with an edit.
    expect((await run("SELECT 1 AS one", key, "cell2")).status).toBe(200);
    expect((await get(path)).data.version).toBe(first.data.version + 1);
    expect((await post(`/projects/${projectId}/notebooks`, { name: "Exploration" })).status).toBe(409);
  });

  it("saves a cell as a SQL recipe whose build gives the cell's rows", async () => {
    const saved = await post(
      `/projects/${projectId}/notebooks/${notebookId}/cells/${cellId}/save-as-dataset`,
      {
        sql: JOIN,
        datasetName: "orders_by_region",
      },
    );
    expect(saved.status).toBe(201);
    expect(saved.data.recipeName).toBe("compute_orders_by_region");
    expect(saved.data.inputs.map((d: { name: string }) => d.name).sort()).toEqual(["customers", "orders"]);
    const recipe = await get(`/projects/${projectId}/recipes/${saved.data.recipeId}`);
    expect(recipe.data).toMatchObject({ kind: "sql", outputs: [saved.data.datasetId] });
    expect(recipe.data.spec.params.sql).toBe(JOIN);

    const job = await post(`/projects/${projectId}/jobs`, { targets: [saved.data.datasetId] });
    expect((await waitForJob(projectId, job.data.id, key)).state).toBe("SUCCEEDED");
    // The built dataset against the cell's own query, in the notebook: the same rows, both ways.
    const diff = await run(
      [
        "SELECT",
        "  (SELECT count(*) FROM orders_by_region) AS built,",
        "  (SELECT count(*) FROM (SELECT * FROM orders_by_region EXCEPT ALL",
        `    SELECT * FROM (${JOIN}) q)) AS only_built,`,
        "  (SELECT count(*) FROM (SELECT o.order_id, c.region, o.amount",
        "    FROM orders o JOIN customers c ON o.customer_id = c.customer_id WHERE o.amount > 10",
        "    EXCEPT ALL SELECT * FROM orders_by_region)) AS only_cell",
      ].join("\n"),
      key,
      "check",
    );
    expect(diff.status, JSON.stringify(diff.data)).toBe(200);
    expect(diff.data.rows).toEqual([[expectedJoin().length, 0, 0]]);

    // A dataset's name used as an alias is not an input: only the tables the query reads are.
    const aliased = await post(
      `/projects/${projectId}/notebooks/${notebookId}/cells/${cellId}/save-as-dataset`,
      {
        sql: "SELECT region, count(*) AS orders FROM customers GROUP BY region",
        datasetName: "customers_by_region",
      },
    );
    expect(aliased.status, JSON.stringify(aliased.data)).toBe(201);
    expect(aliased.data.inputs.map((d: { name: string }) => d.name)).toEqual(["customers"]);

    // Its name is taken now.
    const again = await post(
      `/projects/${projectId}/notebooks/${notebookId}/cells/${cellId}/save-as-dataset`,
      {
        sql: JOIN,
        datasetName: "orders_by_region",
      },
    );
    expect(again.status).toBe(409);
  });

  it("interrupts a cell's query when the client goes away", async () => {
    const sql = "SELECT count(*) AS n FROM orders a, orders b, orders c";
    const nb = await get(`/projects/${projectId}/notebooks/${notebookId}`);
    const cells = [...nb.data.cells, { id: "slow", sql }];
    expect(
      (await put(`/projects/${projectId}/notebooks/${notebookId}`, { version: nb.data.version, cells }))
        .status,
    ).toBe(200);
    const ac = new AbortController();
    const started = fetch(
      `${process.env.SOUS_TEST_STUDIO_URL}/api/v1/projects/${projectId}/notebooks/${notebookId}/cells/slow/run`,
      {
        method: "POST",
        headers: { ...key.headers, "content-type": "application/json" },
        body: JSON.stringify({ sql }),
        signal: ac.signal,
      },
    ).catch(() => null);
    await new Promise((r) => setTimeout(r, 1_000));
    ac.abort();
    await started;
    // 15,000^3 rows take hours: the stored result says the run was cancelled, within seconds.
    const deadline = Date.now() + 30_000;
    let stored: { status: string; message?: string } | undefined;
    while (Date.now() < deadline) {
      stored = (await get(`/projects/${projectId}/notebooks/${notebookId}`)).data.results.slow;
      if (stored) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(stored).toMatchObject({ status: "error", message: "The run was cancelled." });
  });

  it("reports a long local query's progress while it runs (DuckDB's percentage, elapsed) and not after", async () => {
    // 2.25 * 10^8 pairs of orders, each written out as text: seconds on the local engine (a cell
    // reads datasets only, no generated rows). DuckDB estimates a two-way product's progress; a
    // three-way one's it sometimes cannot.
    const sql =
      "SELECT count(*) AS n FROM orders a, orders b WHERE length(concat(a.order_id, '-', b.order_id)) = 9";
    const progress = async () =>
      (await get(`/projects/${projectId}/notebooks/${notebookId}/cells/long/progress`)).data as {
        running: boolean;
        percent: number | null;
        elapsedMs: number | null;
      };
    expect(await progress()).toEqual({ running: false, lines: [], percent: null, elapsedMs: null });
    // DuckDB's estimate is best effort: a run may get none (see LocalEngine.withConnection), so
    // up to three runs; none of three with a percentage is a failure.
    let seen: Awaited<ReturnType<typeof progress>> | undefined;
    let ran: ReturnType<typeof run> | undefined;
    for (let attempt = 0; attempt < 3 && !seen; attempt++) {
      if (ran) await ran;
      let answered = false;
      ran = run(sql, key, "long").finally(() => {
        answered = true;
      });
      // Polled with a deadline: the first reading with a percentage, while the run has not answered.
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && !answered) {
        const p = await progress();
        if (p.running && p.percent !== null && !answered) {
          seen = p;
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(seen, "a reading with a percentage while the query ran").toBeDefined();
    expect(seen!.percent).toBeGreaterThanOrEqual(0);
    expect(seen!.percent).toBeLessThanOrEqual(100);
    expect(seen!.elapsedMs).toBeGreaterThan(0);
    const later = await progress();
    if (later.running) expect(later.elapsedMs).toBeGreaterThanOrEqual(seen!.elapsedMs!);

    const result = await ran!;
    expect(result.status).toBe(200);
    // Pairs whose ids have 8 digits between them: by the count of ids of each length.
    const ofLength = new Map<number, number>();
    for (let i = 1; i <= ORDERS; i++)
      ofLength.set(String(i).length, (ofLength.get(String(i).length) ?? 0) + 1);
    let count = 0;
    for (const [la, na] of ofLength) count += na * (ofLength.get(8 - la) ?? 0);
    expect(result.data.rows).toEqual([[count]]);
    const after = await progress();
    expect(after.running).toBe(false);
    expect(after.percent).toBeNull();
    expect(after.elapsedMs).toBeGreaterThanOrEqual(seen!.elapsedMs!);
  });

  it("deletes a notebook with its results", async () => {
    const nb = await post(`/projects/${projectId}/notebooks`, { name: "Scratch" });
    expect(nb.data.cells).toHaveLength(1);
    const del = await call(`/projects/${projectId}/notebooks/${nb.data.id}`, { method: "DELETE", as: key });
    expect(del.status).toBe(200);
    expect((await get(`/projects/${projectId}/notebooks/${nb.data.id}`)).status).toBe(404);
  });
});
