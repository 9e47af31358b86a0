import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { call, hasStudio, studioUrl } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// The import dialog on the Flow: a file chosen with "Upload dataset" is staged, its detected
// options are shown with a preview, every edit re-previews, and "Import" creates the dataset.
const dataDir = process.env.SOUS_TEST_STACK_DATA_DIR ?? "";

// A semicolon-separated export with two lines of junk above the header.
const CSV = [
  "Export from ShopSystem v2",
  "generated 2024-01-01 by admin",
  "order_id;customer;amount;paid",
  "1;Ann;10.5;true",
  "2;Bob;3;false",
  "3;Cy;7.25;true",
  "4;Dee;0;false",
  "",
].join("\n");

/** The part of ExcelJS used here (the studio does not depend on it, so no types are at hand). */
interface ExcelJs {
  Workbook: new () => {
    addWorksheet(name: string): { addRows(rows: unknown[][]): unknown };
    xlsx: { writeFile(file: string): Promise<void> };
  };
}

const headers = (page: Page) => page.locator("[data-testid=import-preview] thead .th-name").allTextContents();
const previewSettled = (page: Page) =>
  expect.poll(() => page.getByTestId("import-preview-status").textContent()).toMatch(/^First /);

describe.skipIf(!hasStudio)("dataset import dialog", () => {
  const studio = useStudio();

  async function openProject(name: string): Promise<{ page: Page; projectId: string; errors: string[] }> {
    const { projectId } = await studio.project(name, {}, "IM");
    const { page, errors } = await studio.page();
    await page.goto(`${studioUrl}/projects/${projectId}`);
    await page.getByTestId("upload-button").waitFor();
    return { page, projectId, errors };
  }

  function chooseFile(page: Page, fileName: string, content: string) {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "sous-import-")), fileName);
    writeFileSync(file, content);
    return page.getByTestId("upload-input").setInputFiles(file);
  }

  /** Files of the project's staged uploads (the dialog must not leave any behind). */
  function stagedUploads(projectId: string): string[] {
    const dir = path.join(dataDir, "storage", "projects", projectId, "uploads");
    return dataDir && existsSync(dir) ? readdirSync(dir) : [];
  }

  it("shows detected options with a preview, re-previews each edit, and imports with the edited options", async () => {
    const { page, projectId, errors } = await openProject("Import dialog");
    await chooseFile(page, "shop export.csv", CSV);
    await page.getByTestId("import-dialog").waitFor();
    await page.getByTestId("import-preview").waitFor({ timeout: 30_000 });
    await previewSettled(page);
    // Detected: semicolons, the two junk lines skipped, a header row.
    expect(await page.getByTestId("import-delimiter").inputValue()).toBe(";");
    expect(await page.getByTestId("import-skip").inputValue()).toBe("2");
    expect(await page.getByTestId("import-header").isChecked()).toBe(true);
    expect(await page.getByTestId("import-name").inputValue()).toBe("shop export");
    expect(await headers(page)).toEqual(["order_id", "customer", "amount", "paid"]);
    await screenshot(page, "import-dialog-detected");

    // Wrong delimiter: one column per line; the preview follows.
    await page.getByTestId("import-delimiter").selectOption(",");
    await expect.poll(() => headers(page)).toHaveLength(1);
    // No lines skipped: the junk lines make the file ragged; the preview says so and Import waits.
    await page.getByTestId("import-delimiter").selectOption(";");
    await page.getByTestId("import-skip").fill("0");
    await page.getByTestId("import-preview-error").waitFor();
    expect(await page.getByTestId("import-submit").isDisabled()).toBe(true);
    await screenshot(page, "import-dialog-error");
    // Lines skipped again but no header: the header line is read as data, columns get generated names.
    await page.getByTestId("import-skip").fill("2");
    await page.getByTestId("import-header").uncheck();
    await expect
      .poll(() => page.locator("[data-testid=import-preview] tbody tr").first().textContent())
      .toContain("order_id");
    await previewSettled(page);
    expect(await page.getByTestId("import-preview-error").count()).toBe(0);
    expect(await headers(page)).not.toContain("order_id");
    await screenshot(page, "import-dialog-edited");
    // Back to the right settings, chosen by hand this time, and another name.
    await page.getByTestId("import-header").check();
    await expect.poll(() => headers(page)).toEqual(["order_id", "customer", "amount", "paid"]);
    await previewSettled(page);
    await page.getByTestId("import-name").fill("orders");
    await page.getByTestId("import-submit").click();

    await page.getByTestId("import-dialog").waitFor({ state: "detached", timeout: 30_000 });
    await page.getByTestId("node-orders").waitFor({ timeout: 30_000 });
    await screenshot(page, "import-dialog-imported");

    const list = await call(`/projects/${projectId}/datasets`, { as: studio.key });
    const ds = (list.data.items ?? list.data).find((d: { name: string }) => d.name === "orders");
    expect(ds).toBeDefined();
    expect(ds.currentVersion.rowCount).toBe(4);
    expect(ds.schema.map((c: { name: string; type: string }) => [c.name, c.type])).toEqual([
      ["order_id", "bigint"],
      ["customer", "string"],
      ["amount", "double"],
      ["paid", "boolean"],
    ]);
    const rows = await call(`/projects/${projectId}/datasets/${ds.id}/preview?limit=10`, { as: studio.key });
    expect(rows.status).toBe(200);
    expect(rows.data.rows[0]).toEqual([1, "Ann", 10.5, true]);
    expect(rows.data.rows).toHaveLength(4);
    expect(stagedUploads(projectId)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("refuses a taken name before importing, and Cancel discards the staged file", async () => {
    const { page, projectId, errors } = await openProject("Import cancel");
    await chooseFile(page, "first.csv", "a,b\n1,2\n");
    await page.getByTestId("import-submit").click();
    await page.getByTestId("node-first").waitFor({ timeout: 30_000 });

    await chooseFile(page, "second.csv", "a;b\n1;2\n3;4\n");
    await page.getByTestId("import-preview").waitFor({ timeout: 30_000 });
    expect(stagedUploads(projectId)).toHaveLength(dataDir ? 1 : 0);
    await page.getByTestId("import-name").fill("first");
    expect(await page.getByText("A dataset named first already exists").count()).toBe(1);
    expect(await page.getByTestId("import-submit").isDisabled()).toBe(true);
    await screenshot(page, "import-dialog-name-taken");
    await page.getByTestId("import-cancel").click();
    await page.getByTestId("import-dialog").waitFor({ state: "detached" });
    await expect.poll(() => stagedUploads(projectId)).toEqual([]);
    expect(await page.getByTestId("node-second").count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it("re-imports a dataset through the same dialog: a new version, the same id", async () => {
    const { page, projectId, errors } = await openProject("Re-import");
    const first = await call(`/projects/${projectId}/datasets?name=prices`, {
      method: "POST",
      body: "sku,price\na,1\n",
      headers: { "content-type": "text/csv" },
      as: studio.key,
    });
    expect(first.status).toBe(201);
    await page.goto(`${studioUrl}/projects/${projectId}/datasets/${first.data.id}`);
    await page.getByTestId("reimport").waitFor();
    await page.waitForLoadState("networkidle");
    // The new file has a junk line on top and tabs between fields.
    const file = path.join(mkdtempSync(path.join(tmpdir(), "sous-import-")), "prices-v2.tsv");
    writeFileSync(file, "price list, March\nsku\tprice\na\t1.5\nb\t2\nc\t4\n");
    await page.getByTestId("reimport-input").setInputFiles(file);
    await page.getByTestId("import-preview").waitFor({ timeout: 30_000 });
    await previewSettled(page);
    expect(await page.getByTestId("import-name").count()).toBe(0);
    expect(await page.getByTestId("import-replace-note").textContent()).toContain("prices");
    // Whatever was detected, set it by hand: tab, one line skipped, a header.
    await page.getByTestId("import-delimiter").selectOption("\t");
    await page.getByTestId("import-skip").fill("1");
    await page.getByTestId("import-header").check();
    await expect.poll(() => headers(page)).toEqual(["sku", "price"]);
    await previewSettled(page);
    await screenshot(page, "import-dialog-reimport");
    await page.getByTestId("import-submit").click();
    await page.getByTestId("import-dialog").waitFor({ state: "detached", timeout: 30_000 });

    const after = await call(`/projects/${projectId}/datasets/${first.data.id}`, { as: studio.key });
    expect(after.data.currentVersion.number).toBe(2);
    expect(after.data.currentVersion.rowCount).toBe(3);
    expect(after.data.schema.map((c: { name: string; type: string }) => [c.name, c.type])).toEqual([
      ["sku", "string"],
      ["price", "double"],
    ]);
    expect(stagedUploads(projectId)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("offers the sheets of a workbook and imports the one chosen", async () => {
    // ExcelJS is engine-local's dependency (the xlsx reader); borrowed here to write a workbook.
    const ExcelJS = createRequire(
      path.resolve(import.meta.dirname, "../../../packages/engine-local/package.json"),
    )("exceljs") as ExcelJs;
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("Notes").addRows([["Read me first"], ["Figures are in the second sheet"]]);
    wb.addWorksheet("Figures").addRows([
      ["city", "visits"],
      ["Lyon", 12],
      ["Nantes", 7],
    ]);
    const file = path.join(mkdtempSync(path.join(tmpdir(), "sous-import-")), "report.xlsx");
    await wb.xlsx.writeFile(file);

    const { page, projectId, errors } = await openProject("Workbook");
    await page.getByTestId("upload-input").setInputFiles(file);
    await page.getByTestId("import-preview").waitFor({ timeout: 30_000 });
    await previewSettled(page);
    expect(await page.locator("[data-testid=import-sheet] option").allTextContents()).toEqual([
      "Notes",
      "Figures",
    ]);
    expect(await page.getByTestId("import-sheet").inputValue()).toBe("Notes");
    await page.getByTestId("import-sheet").selectOption("Figures");
    await expect.poll(() => headers(page)).toEqual(["city", "visits"]);
    await previewSettled(page);
    await screenshot(page, "import-dialog-xlsx");
    await page.getByTestId("import-submit").click();
    await page.getByTestId("node-report").waitFor({ timeout: 30_000 });

    const list = await call(`/projects/${projectId}/datasets`, { as: studio.key });
    const ds = (list.data.items ?? list.data).find((d: { name: string }) => d.name === "report");
    expect(ds.currentVersion.rowCount).toBe(2);
    expect(ds.schema.map((c: { name: string }) => c.name)).toEqual(["city", "visits"]);
    expect(errors).toEqual([]);
  });
});
