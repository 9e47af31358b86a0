import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasStudio, studioUrl } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";
import { SALES } from "./recipes-data.ts";
import {
  apiCall,
  createAndRun,
  datasetRows,
  newRecipeFrom,
  previewReady,
  previewRows,
  projectWith,
  sortRows,
} from "./recipes-helpers.ts";

/** Replaces the SQL editor's text (one input event, so completion does not get in the way). */
async function setSql(page: Page, sql: string): Promise<void> {
  const input = page.getByTestId("sql-editor-input");
  await input.click();
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(sql);
}

// innerText keeps CodeMirror's line breaks (textContent runs the lines together).
// biome-ignore lint/performance/useDomNodeTextContent: the lines matter
const sqlText = (page: Page) => page.getByTestId("sql-editor-input").innerText();

describe.skipIf(!hasStudio)("SQL recipe editor", () => {
  const studio = useStudio();

  it("completes inputs, underlines the compiler's errors, previews and builds the query", async () => {
    const s = await projectWith(studio, { sales: SALES });
    const { page } = s;
    await newRecipeFrom(s, "sales", "sql");
    // Starts from the first input; the inputs and their columns are listed.
    expect(await sqlText(page)).toContain("FROM `sales`");
    await page.getByTestId("sql-col-sales-amount").waitFor();
    expect(await previewRows(page)).toHaveLength(5);

    // Completion offers the input tables and their columns.
    await setSql(page, "SELECT * FROM sa");
    await page.locator(".cm-tooltip-autocomplete").getByText("sales", { exact: true }).first().waitFor();
    await page.keyboard.press("Escape");

    // A syntax error: underlined where it is and listed with its line.
    // The previous text's problem ("Table sa ...") stays listed until this text's check answers.
    await setSql(page, "SELECT region,\nFROM sales WHERE");
    await expect
      .poll(() => page.getByTestId("sql-problem").first().textContent(), { timeout: 30_000 })
      .toMatch(/Line \d+, column \d+: Syntax error/);
    await page.locator("[data-testid=sql-editor] .cm-lintRange-error").first().waitFor();
    await screenshot(page, "recipes-sql-error");
    // A forbidden statement is named.
    await setSql(page, "DROP TABLE sales");
    await expect
      .poll(async () => (await page.getByTestId("sql-status").textContent())?.toLowerCase(), {
        timeout: 30_000,
      })
      .toMatch(/drop|one query|select/);

    await setSql(page, "SELECT region, SUM(amount) AS total\nFROM sales\nWHERE amount > 1\nGROUP BY region");
    await expect.poll(async () => (await previewRows(page)).length, { timeout: 30_000 }).toBe(2);
    expect(await page.getByTestId("sql-status").getAttribute("data-state")).toBe("ok");
    await createAndRun(s, "sales_by_region", "recipes-sql");
    const out = await datasetRows(s, "sales_by_region");
    expect(out.columns).toEqual(["region", "total"]);
    expect(sortRows(out.rows)).toEqual([
      ["north", 12.5],
      ["south", 10],
    ]);
    expect(s.errors).toEqual([]);
  });

  it("converts a visual recipe to SQL after a one-way confirmation, then edits and runs it", async () => {
    const s = await projectWith(studio, { sales: SALES });
    const { page } = s;
    const recipe = await apiCall(page, "POST", `/projects/${s.projectId}/recipes`, {
      name: "keep_north",
      inputs: [s.datasets.sales],
      output: { name: "north_only" },
      spec: {
        kind: "filter",
        version: 1,
        params: {
          filter: { combine: "and", rules: [{ column: "region", op: "equals", value: "north" }] },
          sampling: { method: "all" },
        },
      },
    });
    await page.goto(`${studioUrl}/projects/${s.projectId}/recipes/${recipe.id}`);
    await page.getByTestId("recipe-editor").waitFor();
    await previewReady(page);
    await page.getByTestId("tab-sql").click();
    await page.getByTestId("convert-sql-button").click();
    const confirm = page.getByTestId("convert-confirm");
    expect(await confirm.textContent()).toMatch(/one-way/i);
    // Cancel leaves the recipe as it is.
    await page.getByTestId("convert-cancel").click();
    expect(await page.getByTestId("recipe-editor").getAttribute("data-kind")).toBe("filter");
    await page.getByTestId("convert-sql-button").click();
    await screenshot(page, "recipes-sql-convert-confirm");
    await page.getByTestId("convert-confirm-button").click();

    // The SQL editor opens on the converted query.
    await expect
      .poll(() => page.getByTestId("recipe-editor").getAttribute("data-kind"), { timeout: 30_000 })
      .toBe("sql");
    await page.getByTestId("sql-editor").waitFor();
    expect(await sqlText(page)).toMatch(/SELECT/i);
    const saved = await apiCall(page, "GET", `/projects/${s.projectId}/recipes/${recipe.id}`);
    expect(saved.kind).toBe("sql");
    expect(saved.outputs).toEqual(recipe.outputs);
    expect(await previewRows(page)).toHaveLength(2);
    await screenshot(page, "recipes-sql-converted");

    // Edit the SQL by hand, save and run: the output follows the new query.
    await setSql(page, "SELECT product, amount FROM sales WHERE region = 'north'");
    await expect.poll(async () => (await previewRows(page)).length, { timeout: 30_000 }).toBe(2);
    await page.getByTestId("run-recipe").click();
    await expect
      .poll(() => page.getByTestId("job-status").getAttribute("data-state"), { timeout: 90_000 })
      .toBe("SUCCEEDED");
    const out = await datasetRows(s, "north_only");
    expect(out.columns).toEqual(["product", "amount"]);
    expect(sortRows(out.rows)).toEqual([
      ["apple", 10],
      ["pear", 2.5],
    ]);
    expect(s.errors).toEqual([]);
  });
});
