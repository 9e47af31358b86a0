import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { call, hasStudio, studioUrl } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// A SQL notebook as a coder uses it (issue #17): from the Flow's toolbar to Notebooks, create
// one, write a cell joining two datasets, run it with Ctrl+Enter (the full count above the grid),
// see a refused query's error at its position, chart the result, and save the cell as a dataset
// that appears in the Flow.

const JOIN = [
  "SELECT c.region, count(*) AS orders, sum(o.amount) AS total",
  "FROM orders o JOIN customers c ON o.customer_id = c.customer_id",
  "GROUP BY c.region",
  "ORDER BY c.region",
].join("\n");

async function setSql(page: Page, index: number, sql: string): Promise<void> {
  await page.getByTestId(`cell-sql-${index}-input`).click();
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(sql);
  await page.keyboard.press("Escape"); // close the completion list
}

describe.skipIf(!hasStudio)("SQL notebooks in the browser", () => {
  const studio = useStudio();

  it("writes and runs a cell over two datasets, shows an error at its place, and saves the cell as a dataset", {
    timeout: 180_000,
  }, async () => {
    const orders = ["order_id,customer_id,amount"];
    for (let i = 1; i <= 12_000; i++) orders.push(`${i},${i % 40},${(i * 13) % 200}`);
    const customers = ["customer_id,region"];
    for (let c = 0; c < 40; c++) customers.push(`${c},${["north", "south", "east", "west"][c % 4]}`);
    const { projectId } = await studio.project(
      "Notebook demo",
      { orders: `${orders.join("\n")}\n`, customers: `${customers.join("\n")}\n` },
      "NBE",
    );

    const { page, errors } = await studio.page({ viewport: { width: 1440, height: 1000 } });

    await page.goto(`${studioUrl}/projects/${projectId}`);
    await page.getByTestId("project-notebooks-link").click();
    await page.waitForURL(/\/notebooks$/);
    await page.getByTestId("notebook-name").fill("Orders by region");
    await page.getByTestId("notebook-create").click();
    await page.waitForURL(/\/notebooks\/[A-Za-z0-9_-]+$/);
    await expect(page.getByTestId("notebook-title").textContent()).resolves.toBe("Orders by region");

    // A refused query: the error sits under the cell, at its line and column.
    await setSql(page, 0, "SELECT *\nFROM read_parquet('/etc/passwd')");
    await page.keyboard.press("Control+Enter");
    const error = page.getByTestId("cell-error");
    await error.waitFor();
    await expect(error.textContent()).resolves.toMatch(
      /Line 2, column 6: read_parquet\(\.\.\.\) is not allowed/,
    );
    await screenshot(page, "notebooks-error");

    // The join, run with Ctrl+Enter on the full data.
    await setSql(page, 0, JOIN);
    await page.keyboard.press("Control+Enter");
    await page.getByTestId("cell-grid").waitFor();
    await expect(page.getByTestId("cell-row-count").textContent()).resolves.toBe("4 rows");
    const cells = await page.getByTestId("cell-grid").locator("tbody tr").allInnerTexts();
    expect(cells.map((r) => r.split("\t").slice(1, 3))).toEqual([
      ["east", "3000"],
      ["north", "3000"],
      ["south", "3000"],
      ["west", "3000"],
    ]);

    // A second cell over more rows than the grid shows: the full count is given.
    await page.getByTestId("cell-add").click();
    await setSql(page, 1, "SELECT * FROM orders ORDER BY order_id");
    await page.getByTestId("cell-run").nth(1).click();
    await expect
      .poll(() => page.getByTestId("cell-row-count").nth(1).textContent(), { timeout: 30_000 })
      .toBe("12,000 rows");
    await page.getByTestId("notebook-save").click();
    await expect.poll(() => page.getByTestId("notebook-state").textContent()).toBe("Saved · version 2");

    // A quick bar chart of the first cell's result.
    await page.getByTestId("cell-chart-toggle").first().click();
    await page.getByTestId("cell-chart").waitFor();
    await screenshot(page, "notebooks-cells");

    // Save the first cell as a dataset: a SQL recipe appears in the Flow.
    await page.getByTestId("cell-save-as-dataset").first().click();
    await page.getByTestId("cell-dataset-name").fill("orders_by_region");
    await page.getByTestId("cell-save-as-dataset-submit").click();
    await page.getByTestId("cell-saved").waitFor();
    await expect(page.getByTestId("cell-saved").textContent()).resolves.toMatch(
      /Recipe compute_orders_by_region writes the new dataset orders_by_region/,
    );
    const recipes = await call(`/projects/${projectId}/recipes`, { as: studio.key });
    const recipe = recipes.data.find((r: { name: string }) => r.name === "compute_orders_by_region");
    expect(recipe).toMatchObject({ kind: "sql", spec: { params: { sql: JOIN } } });
    expect(recipe.inputs).toHaveLength(2);
    await page.goto(`${studioUrl}/projects/${projectId}`);
    await page.getByText("orders_by_region", { exact: true }).first().waitFor();
    await screenshot(page, "notebooks-saved-in-flow");
    expect(errors).toEqual([]);
  });
});
