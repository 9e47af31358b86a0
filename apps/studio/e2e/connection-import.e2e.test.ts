import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  admin,
  type Caller,
  call,
  hasStudio,
  loginAs,
  studioUrl,
  uniqueKey,
  withApiKey,
} from "../test/api-client.ts";
import { launchBrowser, screenshot } from "./browser.ts";

// "Import from…" on the Flow: a PostgreSQL connection is added in the dialog (its password is
// write-only), a table of a scratch database becomes a dataset, and a table that does not exist
// gives a clear error and creates nothing.
const adminUrl = "postgresql://postgres@127.0.0.1:5432/postgres";
const suffix = Math.random().toString(36).slice(2, 8);
const scratchDb = `sous_e2e_connimport_${suffix}`;
const table = `orders_${suffix}`;
const password = `never-shown-${suffix}`;
// The stack stores locally: imports/<folder>/ of its storage folder is what a Blob import reads.
const dataDir = process.env.SOUS_TEST_STACK_DATA_DIR ?? "";
const blobFolder = `imports/e2e_${suffix}/`;

describe.skipIf(!hasStudio)("import from a PostgreSQL connection", () => {
  let browser: Browser;
  let key: Caller;
  let session: Caller;
  const connectionIds: string[] = [];

  beforeAll(async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`CREATE DATABASE ${pg.escapeIdentifier(scratchDb)}`);
    await c.end();
    const s = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:5432/${scratchDb}` });
    await s.connect();
    await s.query(
      `CREATE TABLE ${pg.escapeIdentifier(table)} (id integer, customer text, amount double precision, paid boolean)`,
    );
    await s.query(
      `INSERT INTO ${pg.escapeIdentifier(table)} VALUES (1, 'Ann', 10.5, true), (2, 'Bob', 3, false), (3, 'Cy', 7.25, true)`,
    );
    await s.end();
    browser = await launchBrowser();
    session = await loginAs(admin.email, admin.password);
    key = await withApiKey(session);
  });

  afterAll(async () => {
    await browser?.close();
    if (dataDir) rmSync(path.join(dataDir, "storage", blobFolder), { recursive: true, force: true });
    for (const id of connectionIds) await call(`/connections/${id}`, { method: "DELETE", as: key });
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(scratchDb)} WITH (FORCE)`);
    await c.end();
  });

  async function openProject(name: string): Promise<{ page: Page; projectId: string; errors: string[] }> {
    const projectId = (
      await call("/projects", { method: "POST", json: { key: uniqueKey("CI"), name }, as: key })
    ).data.id as string;
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const [cookieName, value] = session.headers.cookie?.split("=") ?? [];
    await context.addCookies([{ name: cookieName ?? "", value: value ?? "", url: studioUrl }]);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${studioUrl}/projects/${projectId}`);
    await page.getByTestId("connection-import-button").waitFor();
    return { page, projectId, errors };
  }

  /** Opens the dialog and makes sure a connection to the scratch database is selected. */
  async function pickConnection(page: Page) {
    await page.getByTestId("connection-import-button").click();
    const dialog = page.getByTestId("connection-import-dialog");
    await dialog.waitFor();
    const select = page.getByTestId("connection-select");
    const form = page.getByTestId("new-connection");
    // With no connection yet the dialog opens on the "new connection" form; otherwise on the list.
    await page
      .locator(
        "[data-testid=connection-select], [data-testid=new-connection], [data-testid=connection-list-error]",
      )
      .first()
      .waitFor();
    const listError = page.getByTestId("connection-list-error");
    if (await listError.isVisible())
      throw new Error(`listing connections failed: ${await listError.textContent()}`);
    const connName = `Scratch ${suffix}`;
    if (!(await form.isVisible())) {
      const option = select.locator("option", { hasText: connName });
      if ((await option.count()) > 0)
        await select.selectOption({ label: (await option.textContent()) ?? "" });
      else await select.selectOption("__new__");
    }
    if (await form.isVisible()) {
      await screenshot(page, "connection-import-new-connection");
      await page.getByTestId("new-connection-name").fill(connName);
      await page.getByTestId("new-connection-host").fill("127.0.0.1");
      await page.getByTestId("new-connection-port").fill("5432");
      await page.getByTestId("new-connection-database").fill(scratchDb);
      await page.getByTestId("new-connection-user").fill("postgres");
      await page.getByTestId("new-connection-password").fill(password);
      await page.getByTestId("new-connection-save").click();
    }
    await page.getByTestId("connection-table").waitFor();
    await expect.poll(() => select.locator("option:checked").textContent()).toContain(connName);
    return dialog;
  }

  it("adds a connection in the dialog (password write-only) and imports a table as a dataset", async () => {
    const { page, projectId, errors } = await openProject("Connection import");
    await pickConnection(page);

    // The connection is stored; its password never comes back.
    const list = await call("/connections", { as: key });
    expect(list.status).toBe(200);
    const conn = list.data.find((c: { name: string }) => c.name === `Scratch ${suffix}`);
    expect(conn).toBeTruthy();
    connectionIds.push(conn.id);
    expect(conn.hasSecret).toBe(true);
    expect(JSON.stringify(list.data)).not.toContain(password);

    await page.getByTestId("connection-table").fill(`public.${table}`);
    // The name follows the table until it is edited.
    await expect.poll(() => page.getByTestId("connection-import-name").inputValue()).toBe(table);
    await screenshot(page, "connection-import-table");
    await page.getByTestId("connection-import-submit").click();
    await page.getByTestId("connection-import-dialog").waitFor({ state: "detached" });
    // The Flow shows the new dataset.
    await page.locator(".react-flow__node", { hasText: table }).first().waitFor();
    await screenshot(page, "connection-import-flow");

    const datasets = await call(`/projects/${projectId}/datasets`, { as: key });
    expect(datasets.data.map((d: { name: string }) => d.name)).toEqual([table]);
    const ds = datasets.data[0];
    expect(ds.currentVersion.rowCount).toBe(3);
    const preview = await call(`/projects/${projectId}/datasets/${ds.id}/preview?limit=10`, { as: key });
    expect(preview.status).toBe(200);
    expect(preview.data.columns.map((c: { name: string }) => c.name)).toEqual([
      "id",
      "customer",
      "amount",
      "paid",
    ]);
    const rows = [...preview.data.rows].sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(rows.map((r) => r[1])).toEqual(["Ann", "Bob", "Cy"]);
    expect(rows.map((r) => Number(r[2]))).toEqual([10.5, 3, 7.25]);
    expect(errors).toEqual([]);
  });

  it("a table that does not exist gives a clear error in the dialog and creates nothing", async () => {
    const { page, projectId, errors } = await openProject("Connection import errors");
    await pickConnection(page);
    await page.getByTestId("connection-table").fill(`public.no_such_table_${suffix}`);
    await page.getByTestId("connection-import-name").fill("should_not_exist");
    await page.getByTestId("connection-import-submit").click();
    const error = page.getByTestId("connection-import-error");
    await error.waitFor();
    await expect.poll(() => error.textContent()).toMatch(new RegExp(`no_such_table_${suffix}`));
    await screenshot(page, "connection-import-bad-table");
    // The dialog stays open to fix the name; nothing was created.
    expect(await page.getByTestId("connection-import-dialog").isVisible()).toBe(true);
    const datasets = await call(`/projects/${projectId}/datasets`, { as: key });
    expect(datasets.data).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("imports the result of a SQL query", async () => {
    const { page, projectId, errors } = await openProject("Connection query import");
    await pickConnection(page);
    await page.getByTestId("connection-mode-query").check();
    await page
      .getByTestId("connection-query")
      .fill(`select customer, amount * 2 as doubled from ${table} where paid order by id`);
    await page.getByTestId("connection-import-name").fill("paid_orders");
    await screenshot(page, "connection-import-query");
    await page.getByTestId("connection-import-submit").click();
    await page.getByTestId("connection-import-dialog").waitFor({ state: "detached" });
    const datasets = await call(`/projects/${projectId}/datasets`, { as: key });
    expect(datasets.data.map((d: { name: string }) => d.name)).toEqual(["paid_orders"]);
    const preview = await call(`/projects/${projectId}/datasets/${datasets.data[0].id}/preview?limit=10`, {
      as: key,
    });
    expect(preview.data.columns.map((c: { name: string }) => c.name)).toEqual(["customer", "doubled"]);
    expect(preview.data.rows.map((r: unknown[]) => [r[0], Number(r[1])]).sort()).toEqual([
      ["Ann", 21],
      ["Cy", 14.5],
    ]);
    expect(errors).toEqual([]);
  });

  it.skipIf(!dataDir)(
    "imports a folder of CSV files from the storage (Blob tab); an empty folder says so",
    async () => {
      const dir = path.join(dataDir, "storage", blobFolder);
      mkdirSync(path.join(dir, "q2"), { recursive: true });
      writeFileSync(path.join(dir, "2024-01.csv"), "region,amount\nnorth,10.5\nsouth,3\n");
      writeFileSync(path.join(dir, "q2", "2024-04.csv"), "region,amount\neast,7\n");
      const { page, projectId, errors } = await openProject("Blob import");
      await page.getByTestId("connection-import-button").click();
      await page.getByTestId("connection-import-tab-blob").click();
      // A folder with no Parquet file: the API's message, inline; nothing created.
      await page.getByTestId("blob-folder").fill(blobFolder);
      await page.getByTestId("blob-format").selectOption("parquet");
      await page.getByTestId("connection-import-submit").click();
      const error = page.getByTestId("connection-import-error");
      await expect.poll(() => error.textContent()).toMatch(/holds no \.parquet file/);
      expect((await call(`/projects/${projectId}/datasets`, { as: key })).data).toEqual([]);

      await page.getByTestId("blob-format").selectOption("csv");
      await expect.poll(() => page.getByTestId("connection-import-name").inputValue()).toBe(`e2e_${suffix}`);
      await screenshot(page, "connection-import-blob");
      await page.getByTestId("connection-import-submit").click();
      await page.getByTestId("connection-import-dialog").waitFor({ state: "detached" });
      const datasets = await call(`/projects/${projectId}/datasets`, { as: key });
      expect(datasets.data.map((d: { name: string }) => d.name)).toEqual([`e2e_${suffix}`]);
      expect(datasets.data[0].currentVersion.rowCount).toBe(3);
      expect(datasets.data[0].schema.map((c: { name: string }) => c.name)).toEqual(["region", "amount"]);
      expect(errors).toEqual([]);
    },
  );
});
