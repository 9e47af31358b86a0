import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Caller, call, hasStudio, loginAs, studioUrl, uniqueKey } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// "Import from…" on the Flow: a PostgreSQL connection is added in the dialog (its password is
// write-only; it is granted to the project), a table of a scratch database becomes a dataset
// (typed, or picked from the list of the connection's tables), a table that does not exist gives
// a clear error and creates nothing, and connections are edited and deleted from the dialog. The
// dialog lists only the connections granted to the project, which administrators grant on the
// Connections page.
const adminUrl = "postgresql://postgres@127.0.0.1:5432/postgres";
const suffix = Math.random().toString(36).slice(2, 8);
const scratchDb = `sous_e2e_connimport_${suffix}`;
const table = `orders_${suffix}`;
const otherTable = `refunds_${suffix}`;
const view = `paid_orders_${suffix}`;
const password = `never-shown-${suffix}`;
// The stack stores locally: imports/<folder>/ of its storage folder is what a Blob import reads.
const dataDir = process.env.SOUS_TEST_STACK_DATA_DIR ?? "";
const blobFolder = `imports/e2e_${suffix}/`;
const tblFolder = `imports/tbl_${suffix}/`;

// The scratch database serves both describes below; made once, dropped after the last.
beforeAll(async () => {
  if (!hasStudio) return;
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
  await s.query(`ANALYZE ${pg.escapeIdentifier(table)}`);
  await s.query(`CREATE TABLE ${pg.escapeIdentifier(otherTable)} (id integer)`);
  await s.query(
    `CREATE VIEW ${pg.escapeIdentifier(view)} AS SELECT * FROM ${pg.escapeIdentifier(table)} WHERE paid`,
  );
  await s.end();
});

afterAll(async () => {
  if (!hasStudio) return;
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(scratchDb)} WITH (FORCE)`);
  await c.end();
});

describe.skipIf(!hasStudio)("import from a PostgreSQL connection", () => {
  const studio = useStudio();
  const connectionIds: string[] = [];

  afterAll(async () => {
    if (dataDir)
      for (const f of [blobFolder, tblFolder])
        rmSync(path.join(dataDir, "storage", f), { recursive: true, force: true });
    for (const id of connectionIds) await call(`/connections/${id}`, { method: "DELETE", as: studio.key });
  });

  async function openProject(name: string): Promise<{ page: Page; projectId: string; errors: string[] }> {
    const { projectId } = await studio.project(name, {}, "CI");
    // The connection an earlier test added in its dialog was granted to that project only.
    for (const id of connectionIds)
      await call(`/connections/${id}/projects/${projectId}`, { method: "PUT", as: studio.key });
    const { page, errors } = await studio.page();
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
    const list = await call("/connections", { as: studio.key });
    expect(list.status).toBe(200);
    const conn = list.data.find((c: { name: string }) => c.name === `Scratch ${suffix}`);
    expect(conn).toBeTruthy();
    connectionIds.push(conn.id);
    expect(conn.hasSecret).toBe(true);
    // Added from this project's dialog: granted to this project, and only to it.
    expect(conn.projectIds).toEqual([projectId]);
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

    const datasets = await call(`/projects/${projectId}/datasets`, { as: studio.key });
    expect(datasets.data.map((d: { name: string }) => d.name)).toEqual([table]);
    const ds = datasets.data[0];
    expect(ds.currentVersion.rowCount).toBe(3);
    const preview = await call(`/projects/${projectId}/datasets/${ds.id}/preview?limit=10`, {
      as: studio.key,
    });
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
    const datasets = await call(`/projects/${projectId}/datasets`, { as: studio.key });
    expect(datasets.data).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("imports the result of a SQL query", async () => {
    const { page, projectId, errors } = await openProject("Connection query import");
    await pickConnection(page);
    // "Test": the connection's user is postgres, a superuser, so the dialog warns it can write.
    await page.getByTestId("connection-test").click();
    const warning = page.getByTestId("connection-test-warning");
    await warning.waitFor();
    await expect.poll(() => warning.textContent()).toMatch(/can write to the database.*superuser/);
    await screenshot(page, "connection-import-test-warning");
    await page.getByTestId("connection-mode-query").check();
    // A second statement is refused, inline, and runs nowhere.
    await page.getByTestId("connection-query").fill(`select 1; commit; create table pwned_${suffix}(x int)`);
    await page.getByTestId("connection-import-name").fill("paid_orders");
    await page.getByTestId("connection-import-submit").click();
    const refused = page.getByTestId("connection-import-error");
    await expect.poll(() => refused.textContent()).toMatch(/must be one statement/);
    expect((await call(`/projects/${projectId}/datasets`, { as: studio.key })).data).toEqual([]);
    await page
      .getByTestId("connection-query")
      .fill(`select customer, amount * 2 as doubled from ${table} where paid order by id`);
    await page.getByTestId("connection-import-name").fill("paid_orders");
    await screenshot(page, "connection-import-query");
    await page.getByTestId("connection-import-submit").click();
    await page.getByTestId("connection-import-dialog").waitFor({ state: "detached" });
    const datasets = await call(`/projects/${projectId}/datasets`, { as: studio.key });
    expect(datasets.data.map((d: { name: string }) => d.name)).toEqual(["paid_orders"]);
    const preview = await call(`/projects/${projectId}/datasets/${datasets.data[0].id}/preview?limit=10`, {
      as: studio.key,
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
      expect((await call(`/projects/${projectId}/datasets`, { as: studio.key })).data).toEqual([]);

      await page.getByTestId("blob-format").selectOption("csv");
      await expect.poll(() => page.getByTestId("connection-import-name").inputValue()).toBe(`e2e_${suffix}`);
      await screenshot(page, "connection-import-blob");
      await page.getByTestId("connection-import-submit").click();
      await page.getByTestId("connection-import-dialog").waitFor({ state: "detached" });
      const datasets = await call(`/projects/${projectId}/datasets`, { as: studio.key });
      expect(datasets.data.map((d: { name: string }) => d.name)).toEqual([`e2e_${suffix}`]);
      expect(datasets.data[0].currentVersion.rowCount).toBe(3);
      expect(datasets.data[0].schema.map((c: { name: string }) => c.name)).toEqual(["region", "amount"]);
      expect(errors).toEqual([]);
    },
  );

  it.skipIf(!dataDir)(
    "imports a folder of headerless .tbl files with a trailing | through the Blob tab's CSV options",
    async () => {
      // A missing first id (n/a) makes the first line look like a header: detected alone, each
      // file's first line becomes names (n/a, Ann, paid) and 1 row of 3 is left. Only the tab's
      // header "no" gives col_1..col_3 and every row; the delimiter is left to detection.
      const dir = path.join(dataDir, "storage", tblFolder);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, "part-1.tbl"), "n/a|Ann|paid|\n1|Bob|open|\n");
      writeFileSync(path.join(dir, "part-2.tbl"), "2|Cy|paid|\n");
      const { page, projectId, errors } = await openProject("Blob import options");
      await page.getByTestId("connection-import-button").click();
      await page.getByTestId("connection-import-tab-blob").click();
      await page.getByTestId("blob-folder").fill(tblFolder);
      await page.getByTestId("blob-header").selectOption("no");
      await page.getByTestId("blob-skip-bad").check();
      expect(await page.getByTestId("blob-delimiter").inputValue()).toBe("auto");
      await screenshot(page, "connection-import-blob-options");
      const sent = page.waitForRequest((r) => r.url().endsWith("/datasets/import") && r.method() === "POST");
      await page.getByTestId("connection-import-submit").click();
      // Only what the user chose is sent: the delimiter stays detected on the first file.
      expect((await sent).postDataJSON().source).toEqual({
        kind: "blob",
        folder: tblFolder,
        format: "csv",
        options: { format: "csv", csv: { header: false, skipBadLines: true } },
      });
      await page.getByTestId("connection-import-dialog").waitFor({ state: "detached" });
      const datasets = await call(`/projects/${projectId}/datasets`, { as: studio.key });
      expect(datasets.data.map((d: { name: string }) => d.name)).toEqual([`tbl_${suffix}`]);
      expect(datasets.data[0].schema.map((c: { name: string }) => c.name)).toEqual([
        "col_1",
        "col_2",
        "col_3",
      ]);
      expect(datasets.data[0].currentVersion.rowCount).toBe(3);
      expect(errors).toEqual([]);
    },
  );
});

describe.skipIf(!hasStudio)("PostgreSQL connections in the import dialog: table picker, edit, delete", () => {
  // A separate describe keeps the first one's flow (the connection added in the dialog) intact.
  const studio = useStudio();
  const connectionIds: string[] = [];

  afterAll(async () => {
    for (const id of connectionIds) await call(`/connections/${id}`, { method: "DELETE", as: studio.key });
  });

  async function addConnection(name: string, fields: Record<string, unknown> = {}) {
    const r = await call("/connections", {
      method: "POST",
      json: {
        kind: "postgres",
        name,
        host: "127.0.0.1",
        port: 5432,
        database: scratchDb,
        user: "postgres",
        password,
        ...fields,
      },
      as: studio.key,
    });
    expect(r.status).toBe(201);
    connectionIds.push(r.data.id);
    return r.data as { id: string; name: string };
  }

  /** A new project, no connection granted to it; `editor` joins it. */
  async function newProject(projectName: string, editor?: string) {
    const project = await studio.project(projectName, {}, "CP");
    if (editor)
      await call(`/projects/${project.projectId}/members`, {
        method: "PUT",
        json: { email: editor, role: "EDITOR" },
        as: studio.key,
      });
    return project;
  }

  /** A new project's Flow, its "Import from…" dialog open on the connection (granted to it); `editor` joins the project. */
  async function openDialog(caller: Caller, projectName: string, connectionName: string, editor?: string) {
    const { projectId } = await newProject(projectName, editor);
    for (const id of connectionIds)
      await call(`/connections/${id}/projects/${projectId}`, { method: "PUT", as: studio.key });
    const { page, errors } = await studio.page({ as: caller });
    await page.goto(`${studioUrl}/projects/${projectId}`);
    await page.getByTestId("connection-import-button").click();
    const select = page.getByTestId("connection-select");
    await select.waitFor();
    const option = select.locator("option", { hasText: connectionName });
    await select.selectOption({ label: (await option.textContent()) ?? "" });
    return { page, projectId, errors, select };
  }

  async function newAnalyst(): Promise<{ email: string; session: Caller }> {
    const email = `${uniqueKey("u").toLowerCase()}@example.com`;
    await call("/admin/users", {
      method: "POST",
      json: { email, name: "Analyst", password: "a-long-password" },
      as: studio.key,
    });
    return { email, session: await loginAs(email, "a-long-password") };
  }

  const option = (page: Page, name: string) =>
    page.locator(`[data-testid=connection-table-option][data-table="${name}"]`);

  it("lists the connection's tables to pick from, filters them as one types, and imports the pick", async () => {
    const conn = await addConnection(`Picker ${suffix}`);
    const { page, projectId, errors } = await openDialog(studio.session, "Table picker", conn.name);
    await option(page, `public.${table}`).waitFor();
    // Tables and views, with their kind and Postgres' row estimate.
    await expect.poll(() => option(page, `public.${view}`).textContent()).toContain("view");
    await expect.poll(() => option(page, `public.${table}`).textContent()).toMatch(/table.*~3/);
    await screenshot(page, "connection-import-picker");

    // Typing filters the list.
    await page.getByTestId("connection-table").fill("refund");
    await expect.poll(() => page.getByTestId("connection-table-option").count()).toBe(1);
    await expect.poll(() => option(page, `public.${otherTable}`).count()).toBe(1);
    // The arrow keys and Enter pick from the list too (Enter does not submit the import then).
    await page.getByTestId("connection-table").press("ArrowDown");
    await page.getByTestId("connection-table").press("Enter");
    await expect.poll(() => page.getByTestId("connection-table").inputValue()).toBe(`public.${otherTable}`);
    expect(await page.getByTestId("connection-import-dialog").isVisible()).toBe(true);
    await page.getByTestId("connection-table").fill("no_such_thing");
    await page.getByTestId("connection-tables-empty").waitFor();

    await page.getByTestId("connection-table").fill(suffix);
    await option(page, `public.${table}`).click();
    expect(await page.getByTestId("connection-table").inputValue()).toBe(`public.${table}`);
    await expect.poll(() => option(page, `public.${table}`).getAttribute("aria-selected")).toBe("true");
    await expect.poll(() => page.getByTestId("connection-import-name").inputValue()).toBe(table);
    await screenshot(page, "connection-import-picked");
    await page.getByTestId("connection-import-submit").click();
    await page.getByTestId("connection-import-dialog").waitFor({ state: "detached" });

    const datasets = await call(`/projects/${projectId}/datasets`, { as: studio.key });
    expect(datasets.data.map((d: { name: string }) => d.name)).toEqual([table]);
    expect(datasets.data[0].currentVersion.rowCount).toBe(3);
    expect(errors).toEqual([]);
  });

  it("shows why the tables cannot be listed, inline, and typing a name still works", async () => {
    const conn = await addConnection(`Unreachable ${suffix}`, { host: "127.0.0.2" });
    const { page, errors } = await openDialog(studio.session, "Table picker errors", conn.name);
    const error = page.getByTestId("connection-tables-error");
    await error.waitFor();
    expect(await error.textContent()).toMatch(/127\.0\.0\.2:5432.*check the host and port/);
    expect(await error.textContent()).not.toContain(password);
    await screenshot(page, "connection-import-picker-error");
    await page.getByTestId("connection-table").fill(`public.${table}`);
    await expect.poll(() => page.getByTestId("connection-import-submit").isEnabled()).toBe(true);
    expect(errors).toEqual([]);
  });

  it("edits a connection: the name changes, an empty password keeps the stored one", async () => {
    const conn = await addConnection(`Editable ${suffix}`);
    const { page, select, errors } = await openDialog(studio.session, "Edit connection", conn.name);
    await page.getByTestId("connection-edit").click();
    const form = page.getByTestId("edit-connection");
    await form.waitFor();
    expect(await page.getByTestId("edit-connection-name").inputValue()).toBe(conn.name);
    expect(await page.getByTestId("edit-connection-database").inputValue()).toBe(scratchDb);
    expect(await page.getByTestId("edit-connection-password").inputValue()).toBe("");
    const renamed = `Edited ${suffix}`;
    await page.getByTestId("edit-connection-name").fill(renamed);
    await screenshot(page, "connection-import-edit");
    await page.getByTestId("edit-connection-save").click();
    await form.waitFor({ state: "detached" });
    await expect.poll(() => select.locator("option:checked").textContent()).toContain(renamed);
    // The picker lists again with the saved connection.
    await option(page, `public.${table}`).waitFor();

    const listed = (await call("/connections", { as: studio.key })).data.find(
      (c: { id: string }) => c.id === conn.id,
    );
    expect(listed).toMatchObject({ name: renamed, hasSecret: true });
    expect(errors).toEqual([]);
  });

  it("deletes a connection after a confirmation; a refusal from the API is shown as is", async () => {
    const conn = await addConnection(`Doomed ${suffix}`);
    // A user who is no administrator may use connections but not delete them.
    const { email, session: analyst } = await newAnalyst();
    const asAnalyst = await openDialog(analyst, "Delete refused", conn.name, email);
    await asAnalyst.page.getByTestId("connection-delete").click();
    await asAnalyst.page.getByTestId("connection-delete-yes").click();
    const refused = asAnalyst.page.getByTestId("connection-delete-error");
    await refused.waitFor();
    expect(await refused.textContent()).toBe("Only administrators can do this.");
    expect(
      (await call("/connections", { as: studio.key })).data.some((c: { id: string }) => c.id === conn.id),
    ).toBe(true);

    const { page, select, errors } = await openDialog(studio.session, "Delete connection", conn.name);
    await page.getByTestId("connection-delete").click();
    await page.getByTestId("connection-delete-confirm").waitFor();
    await screenshot(page, "connection-import-delete-confirm");
    // "Keep it" deletes nothing.
    await page.getByTestId("connection-delete-cancel").click();
    await page.getByTestId("connection-delete-confirm").waitFor({ state: "detached" });
    await page.getByTestId("connection-delete").click();
    await page.getByTestId("connection-delete-yes").click();
    await page.getByTestId("connection-delete-confirm").waitFor({ state: "detached" });
    await expect.poll(() => select.locator("option", { hasText: conn.name }).count()).toBe(0);
    expect(
      (await call("/connections", { as: studio.key })).data.some((c: { id: string }) => c.id === conn.id),
    ).toBe(false);
    expect(errors).toEqual([]);
  });

  it("lists only the connections granted to the project; an administrator grants and revokes on the Connections page", async () => {
    const conn = await addConnection(`Granted ${suffix}`);
    const { email, session: analyst } = await newAnalyst();
    // None of the connections is granted to this project yet.
    const project = await newProject("Granted connections", email);

    const asAnalyst = await studio.page({ as: analyst });
    const openAsAnalyst = async () => {
      await asAnalyst.page.goto(`${studioUrl}/projects/${project.projectId}`);
      await asAnalyst.page.getByTestId("connection-import-button").click();
      await asAnalyst.page
        .locator("[data-testid=connection-select], [data-testid=connection-none]")
        .first()
        .waitFor();
    };
    await openAsAnalyst();
    await asAnalyst.page.getByTestId("connection-none").waitFor();
    expect(await asAnalyst.page.getByTestId("connection-none").textContent()).toMatch(
      /No PostgreSQL connection is granted to this project/,
    );
    expect(await asAnalyst.page.getByTestId("connection-select").count()).toBe(0);
    await screenshot(asAnalyst.page, "connection-import-none-granted");

    // The administrator's Connections page: a checkbox per project.
    const asAdmin = await studio.page();
    await asAdmin.page.goto(`${studioUrl}/`);
    await asAdmin.page.getByTestId("admin-connections-link").click();
    const card = asAdmin.page.getByTestId(`connection-${conn.name}`);
    await card.waitFor();
    const box = card.getByTestId(`connection-grant-${project.key}`);
    expect(await box.isChecked()).toBe(false);
    expect(await card.getByTestId("connection-grant-count").textContent()).toBe("no project");
    await box.check();
    await expect.poll(() => card.getByTestId("connection-grant-count").textContent()).toBe("1 project");
    await expect.poll(() => box.isEnabled()).toBe(true);
    await card.getByTestId("connection-admin-test").click();
    await card.getByTestId("connection-admin-test-result").waitFor();
    await screenshot(asAdmin.page, "admin-connections-granted");
    const listed = (await call("/connections", { as: studio.key })).data.find(
      (c: { id: string }) => c.id === conn.id,
    );
    expect(listed.projectIds).toEqual([project.projectId]);

    // Now the project's editor picks it and sees its tables.
    await openAsAnalyst();
    const select = asAnalyst.page.getByTestId("connection-select");
    await expect.poll(() => select.locator("option:checked").textContent()).toContain(conn.name);
    await option(asAnalyst.page, `public.${table}`).waitFor();
    await screenshot(asAnalyst.page, "connection-import-granted");

    // Revoked: gone again.
    await box.uncheck();
    await expect.poll(() => card.getByTestId("connection-grant-count").textContent()).toBe("no project");
    await openAsAnalyst();
    await asAnalyst.page.getByTestId("connection-none").waitFor();
    expect(asAnalyst.errors).toEqual([]);
    expect(asAdmin.errors).toEqual([]);
  });
});
