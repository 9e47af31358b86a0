import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { call, hasStudio, studioUrl } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// A SQL notebook as a coder uses it (issue #17): from the Flow's toolbar to Notebooks, create
// one, write a cell joining two datasets, run it with Ctrl+Enter (the full count above the grid),
// see a refused query's error at its position, watch a long query's progress, chart results as
// bars, a line, a scatter and a histogram, and save the cell as a dataset that appears in the Flow.

const JOIN = [
  "SELECT c.region, count(*) AS orders, sum(o.amount) AS total",
  "FROM orders o JOIN customers c ON o.customer_id = c.customer_id",
  "GROUP BY c.region",
  "ORDER BY c.region",
].join("\n");

// Customers 0..19 only, last first: a line must sort them, a scatter keeps them as they come.
const PER_CUSTOMER = [
  "SELECT customer_id, sum(amount) AS total, count(*) AS orders",
  "FROM orders WHERE customer_id < 20",
  "GROUP BY customer_id ORDER BY customer_id DESC",
].join("\n");

// 1.44 * 10^8 pairs of orders written out as text: seconds on the local engine, cancelled once its
// progress shows.
const SLOW =
  "SELECT count(*) AS n FROM orders a, orders b WHERE length(concat(a.order_id, '-', b.order_id)) = 9";

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
    const cell = (i: number) => page.getByTestId("notebook-cell").nth(i);

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

    // A third cell: twenty customers' totals, in descending order of customer.
    await page.getByTestId("cell-add").click();
    await setSql(page, 2, PER_CUSTOMER);
    await page.getByTestId("cell-run").nth(2).click();
    await expect
      .poll(() => page.getByTestId("cell-row-count").nth(2).textContent(), { timeout: 30_000 })
      .toBe("20 rows");

    // A long query on the local engine shows DuckDB's progress and its time while it runs.
    await page.getByTestId("cell-add").click();
    await setSql(page, 3, SLOW);
    await page.getByTestId("cell-run").nth(3).click();
    const progress = cell(3).getByTestId("cell-progress");
    // The time ticks; DuckDB's percentage shows once it has an estimate (best effort: some runs
    // get none, the integration test asserts it), with its bar.
    await expect
      .poll(() => progress.textContent(), { timeout: 30_000 })
      .toMatch(/^Running( · \d{1,3}%)? · [1-9]\d*\.\d s$/);
    // Read at once: the next poll may change both.
    const [text, bar] = await progress.evaluate((el) => [
      el.textContent ?? "",
      el.querySelector('[role="progressbar"]')?.getAttribute("aria-valuenow") ?? null,
    ]);
    expect(bar).toBe(/ (\d{1,3})% /.exec(text!)?.[1] ?? null);
    await screenshot(page, "notebooks-progress");
    await cell(3).getByTestId("cell-cancel").click();
    await expect(cell(3).getByTestId("cell-error").textContent()).resolves.toBe("Cancelled.");
    await expect(progress.count()).resolves.toBe(0);

    await page.getByTestId("notebook-save").click();
    await expect.poll(() => page.getByTestId("notebook-state").textContent()).toBe("Saved · version 2");

    // Quick charts. The first cell's result: a bar per region, sized by its orders.
    const chart = (i: number) => cell(i).getByTestId("cell-chart");
    const marks = (i: number, mark: string) => chart(i).locator(`svg [data-mark="${mark}"]`);
    const caption = (i: number) => cell(i).getByTestId("cell-chart-caption").textContent();
    await cell(0).getByTestId("cell-chart-toggle").click();
    await expect(chart(0).getAttribute("data-kind")).resolves.toBe("bar");
    await expect(marks(0, "bar").locator("title").allTextContents()).resolves.toEqual([
      "east: 3,000",
      "north: 3,000",
      "south: 3,000",
      "west: 3,000",
    ]);
    await expect(caption(0)).resolves.toBe("Sum of orders by region, from 4 rows");
    await screenshot(page, "notebooks-chart-bar");

    // The per-customer cell as a line (sorted by customer whatever the rows' order) and a scatter.
    await cell(2).getByTestId("cell-chart-toggle").click();
    await cell(2).getByTestId("cell-chart-kind-line").click();
    await expect(chart(2).getAttribute("data-kind")).resolves.toBe("line");
    await expect(marks(2, "point").count()).resolves.toBe(20);
    const xs = (await marks(2, "point").evaluateAll((cs) =>
      cs.map((c) => Number(c.getAttribute("cx"))),
    )) as number[];
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(new Set(xs).size).toBe(20);
    await expect(caption(2)).resolves.toBe("total by customer_id, 20 points from 20 rows");
    await chart(2).scrollIntoViewIfNeeded();
    await screenshot(page, "notebooks-chart-line");
    await cell(2).getByTestId("cell-chart-kind-scatter").click();
    await expect(marks(2, "point").count()).resolves.toBe(20);
    // Scatter keeps the rows' order: customers 19 down to 0, from right to left.
    const sx = (await marks(2, "point").evaluateAll((cs) =>
      cs.map((c) => Number(c.getAttribute("cx"))),
    )) as number[];
    expect(sx).toEqual([...sx].sort((a, b) => b - a));
    await screenshot(page, "notebooks-chart-scatter");

    // A histogram of the orders' amounts, over the 10,000 rows the grid holds of 12,000.
    await cell(1).getByTestId("cell-chart-toggle").click();
    await cell(1).getByTestId("cell-chart-kind-histogram").click();
    await cell(1).getByTestId("cell-chart-x").selectOption({ label: "amount" });
    const amounts = Array.from({ length: 10_000 }, (_, i) => ((i + 1) * 13) % 200);
    const expectedBins = Array.from({ length: 10 }, (_, b) => {
      const n = amounts.filter((a) => a >= b * 20 && a < (b + 1) * 20).length;
      return `${b * 20} to ${(b + 1) * 20}: ${n.toLocaleString("en-US")} rows`;
    });
    await expect(marks(1, "bin").locator("title").allTextContents()).resolves.toEqual(expectedBins);
    await expect(caption(1)).resolves.toBe(
      "Distribution of amount in 10 bins, from the first 10,000 rows of 12,000",
    );
    await chart(1).scrollIntoViewIfNeeded();
    await screenshot(page, "notebooks-chart-histogram");

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
