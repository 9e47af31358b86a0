// Python notebooks (issue #17) through the REST API of a running studio (scripts/test-stack.ts,
// SOUS_TEST_STUDIO_URL) whose .venv has jupyter-server and ipykernel: a real kernel runs a cell
// that reads a dataset with `sous.dataset(...).to_pandas()` and writes a new one with
// `sous.write_dataset`, whose stored version has the rows the cell computed; a second write is
// version 2. Another user of the project cannot use (execute, interrupt, restart, stop) the first
// user's kernel: 404, as a kernel that does not exist; viewers cannot start kernels. The kernel's
// token works only while the kernel lives. The .ipynb is saved with its outputs (a stale save is a 409).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin, type Caller, call, hasStudio, loginAs, uniqueKey, withApiKey } from "./api-client.ts";

const ORDERS = 500;
const password = "a-long-password";

function ordersCsv(): string {
  const lines = ["order_id,customer_id,amount"];
  for (let i = 1; i <= ORDERS; i++) lines.push(`${i},${i % 37},${(i * 7) % 100}`);
  return `${lines.join("\n")}\n`;
}
/** The rows the cell keeps (amount > 50), each with amount doubled, computed here independently. */
function expectedScored(): [number, number, number][] {
  const rows: [number, number, number][] = [];
  for (let i = 1; i <= ORDERS; i++) {
    const amount = (i * 7) % 100;
    if (amount > 50) rows.push([i, amount, amount * 2]);
  }
  return rows;
}

const CELL = [
  "import sous",
  'orders = sous.dataset("orders").to_pandas()',
  "scored = orders[orders.amount > 50][['order_id', 'amount']].copy()",
  "scored['double'] = scored.amount * 2",
  'r = sous.write_dataset("scored", scored)',
  "print(len(orders), len(scored), r['dataset']['name'] if 'dataset' in r else r.get('name'))",
].join("\n");

describe.skipIf(!hasStudio)("Python notebooks API (real Jupyter kernels)", { timeout: 240_000 }, () => {
  let alice: Caller;
  let bob: Caller;
  let viewer: Caller;
  let projectId: string;
  let notebookId: string;
  let kernelId: string;
  const base = () => `/projects/${projectId}/python-notebooks/${notebookId}`;
  const post = (p: string, json: unknown, as: Caller) => call(p, { method: "POST", json, as });
  const exec = (code: string, as: Caller = alice, kernel = kernelId) =>
    post(`${base()}/kernels/${kernel}/execute`, { code }, as);

  beforeAll(async () => {
    alice = await withApiKey(await loginAs(admin.email, admin.password));
    projectId = (await post("/projects", { key: uniqueKey("PY"), name: "Python notebooks" }, alice)).data.id;
    const up = await call(`/projects/${projectId}/datasets?name=orders`, {
      method: "POST",
      body: ordersCsv(),
      headers: { "content-type": "text/csv" },
      as: alice,
    });
    expect(up.status).toBe(201);
    for (const [who, role] of [
      ["bob", "EDITOR"],
      ["viewer", "VIEWER"],
    ] as const) {
      const email = `${uniqueKey(who).toLowerCase()}@example.com`;
      expect((await post("/admin/users", { email, name: who, password, role: "USER" }, alice)).status).toBe(
        201,
      );
      const m = await call(`/projects/${projectId}/members`, {
        method: "PUT",
        json: { email, role },
        as: alice,
      });
      expect(m.status).toBe(200);
      const caller = await withApiKey(await loginAs(email, password));
      if (who === "bob") bob = caller;
      else viewer = caller;
    }
    const nb = await post(`/projects/${projectId}/python-notebooks`, { name: "Scoring" }, alice);
    expect(nb.status).toBe(201);
    expect(nb.data).toMatchObject({ name: "Scoring", kind: "python", version: 1, kernel: null });
    expect(nb.data.ipynb).toMatchObject({ nbformat: 4, cells: [{ cell_type: "code", source: "" }] });
    notebookId = nb.data.id;
  });

  afterAll(async () => {
    if (kernelId) await call(`${base()}/kernels/${kernelId}`, { method: "DELETE", as: alice });
  });

  it("runs a cell that reads a dataset with sous and writes a new one as a version in the Flow", async () => {
    const t0 = Date.now();
    const k = await post(`${base()}/kernel`, {}, alice);
    expect(k.status).toBe(200);
    kernelId = k.data.id;
    console.log(`kernel (with its jupyter-server) started in ${Date.now() - t0} ms`);
    // Starting again gives the same kernel.
    expect((await post(`${base()}/kernel`, {}, alice)).data.id).toBe(kernelId);
    // A trivial cell's round trip through the studio, the server-side websocket and the kernel.
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = Date.now();
      expect((await exec("1 + 1")).data.outputs[0].data["text/plain"]).toBe("2");
      times.push(Date.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(`trivial cell through the API: p50 ${times[4]} ms, max ${times[9]} ms`);

    const r = await exec(CELL);
    expect(r.status).toBe(200);
    expect(r.data.outputs.find((o: { output_type: string }) => o.output_type === "error")).toBeUndefined();
    expect(r.data).toMatchObject({ status: "ok", executionCount: 11 });
    const expected = expectedScored();
    expect(r.data.outputs[0]).toMatchObject({ output_type: "stream", name: "stdout" });
    expect(r.data.outputs[0].text).toContain(`${ORDERS} ${expected.length}`);

    const datasets = (await call(`/projects/${projectId}/datasets`, { as: alice })).data as {
      id: string;
      name: string;
    }[];
    const scored = datasets.find((d) => d.name === "scored");
    expect(scored).toBeDefined();
    const preview = await call(`/projects/${projectId}/datasets/${scored!.id}/preview?limit=1000`, {
      as: alice,
    });
    expect(preview.status).toBe(200);
    expect(preview.data.totalRows).toBe(expected.length);
    expect(preview.data.columns.map((c: { name: string }) => c.name)).toEqual([
      "order_id",
      "amount",
      "double",
    ]);
    expect(preview.data.rows.map((row: unknown[]) => row.map(Number))).toEqual(expected);

    // Writing again is the dataset's next version, not a second dataset.
    const again = await exec('sous.write_dataset("scored", scored.head(10))');
    expect(again.data.status).toBe("ok");
    const versions = await call(`/projects/${projectId}/datasets/${scored!.id}/versions`, { as: alice });
    expect(versions.data).toHaveLength(2);
    const after = await call(`/projects/${projectId}/datasets/${scored!.id}/preview`, { as: alice });
    expect(after.data.totalRows).toBe(10);

    // A missing dataset is a clear error in the cell.
    const missing = await exec('sous.dataset("nope")');
    expect(missing.data.status).toBe("error");
    expect(missing.data.outputs.at(-1)).toMatchObject({ output_type: "error", ename: "SousError" });
    expect(missing.data.outputs.at(-1).evalue).toContain("nope is not a dataset of this project");
  });

  it("does not let another user open, run, interrupt, restart or stop the kernel", async () => {
    expect((await exec("print('hi')", bob)).status).toBe(404);
    expect((await post(`${base()}/kernels/${kernelId}/interrupt`, {}, bob)).status).toBe(404);
    expect((await post(`${base()}/kernels/${kernelId}/restart`, {}, bob)).status).toBe(404);
    expect((await call(`${base()}/kernels/${kernelId}`, { method: "DELETE", as: bob })).status).toBe(404);
    // Bob sees the notebook, not Alice's kernel; his own kernel is another process without her variables.
    expect((await call(base(), { as: bob })).data.kernel).toBeNull();
    const own = await post(`${base()}/kernel`, {}, bob);
    expect(own.status).toBe(200);
    expect(own.data.id).not.toBe(kernelId);
    const r = await exec("'scored' in dir()", bob, own.data.id);
    expect(r.data.outputs[0].data["text/plain"]).toBe("False");
    expect((await call(`${base()}/kernels/${own.data.id}`, { method: "DELETE", as: bob })).status).toBe(200);
    // Alice's kernel still runs and still has her variables.
    expect((await exec("len(scored)")).data.outputs[0].data["text/plain"]).toBe(
      String(expectedScored().length),
    );
    // A viewer cannot start a kernel at all; a made-up kernel id is the same 404.
    expect((await post(`${base()}/kernel`, {}, viewer)).status).toBe(403);
    expect((await exec("1", alice, "00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });

  it("gives the kernel a token of its user that stops working with the kernel", async () => {
    const r = await exec("import os\nos.environ['SOUS_KERNEL_TOKEN']");
    const token = String(r.data.outputs[0].data["text/plain"]).replace(/'/g, "");
    expect(token).toMatch(/^sousk_/);
    const asKernel = { headers: { authorization: `Bearer ${token}` } };
    expect((await call(`/projects/${projectId}/datasets`, { as: asKernel })).status).toBe(200);
    // Jupyter's own token is not left in the kernel.
    const j = await exec("import os\n'JUPYTER_TOKEN' in os.environ");
    expect(j.data.outputs[0].data["text/plain"]).toBe("False");
    expect((await call(`${base()}/kernels/${kernelId}`, { method: "DELETE", as: alice })).status).toBe(200);
    expect((await call(`/projects/${projectId}/datasets`, { as: asKernel })).status).toBe(401);
    expect((await exec("1")).status).toBe(404);
    kernelId = "";
  });

  it("saves the .ipynb with its outputs; a stale save is a 409", async () => {
    const ipynb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
      cells: [
        {
          cell_type: "code",
          id: "cell1",
          source: "print(1)",
          metadata: {},
          execution_count: 1,
          outputs: [{ output_type: "stream", name: "stdout", text: "1\n" }],
        },
        { cell_type: "markdown", id: "note", source: "# Notes", metadata: {} },
      ],
    };
    const saved = await call(base(), { method: "PUT", json: { version: 1, ipynb }, as: alice });
    expect(saved.status).toBe(200);
    expect(saved.data.version).toBe(2);
    expect((await call(base(), { as: viewer })).data.ipynb).toEqual(ipynb);
    const stale = await call(base(), { method: "PUT", json: { version: 1, ipynb }, as: bob });
    expect(stale.status).toBe(409);
    const list = await call(`/projects/${projectId}/notebooks`, { as: viewer });
    expect(list.data).toEqual([expect.objectContaining({ id: notebookId, kind: "python", cellCount: 2 })]);
    const bad = await call(base(), {
      method: "PUT",
      json: { version: 2, ipynb: { ...ipynb, nbformat: 3 } },
      as: alice,
    });
    expect(bad.status).toBe(400);
  });
});
