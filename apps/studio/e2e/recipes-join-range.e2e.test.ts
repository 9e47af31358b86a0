import { describe, expect, it } from "vitest";
import { hasStudio } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";
import {
  createAndRun,
  datasetRows,
  newRecipeFrom,
  previewRows,
  projectWith,
  sortRows,
} from "./recipes-helpers.ts";

// DSS's non-equi join in the visual editor: "orders joined to the campaign they fall in, where
// the order date is between the campaign's start and start + 90 days", as ONE condition, with a
// renamed output column and a column computed after the join.
const ORDERS = [
  "order_id,order_date,amount",
  "1,2024-01-01,10", // Winter's first day
  "2,2024-03-31,20", // Winter + 90 days exactly, and Spring + 16
  "3,2024-04-01,30", // Winter + 91: Spring only
  "4,2023-12-31,40", // before every campaign
  "5,2024-06-13,70", // Spring + 90 exactly
  "",
].join("\n");
const CAMPAIGNS = "name,start\nWinter,2024-01-01\nSpring,2024-03-15\n";

describe.skipIf(!hasStudio)("Join recipe editor: conditions with operators", () => {
  const studio = useStudio();

  it("joins orders to campaigns on a 90-day window after the start, renames and computes, and builds", async () => {
    const s = await projectWith(studio, { orders: ORDERS, campaigns: CAMPAIGNS });
    const { page } = s;
    await newRecipeFrom(s, "orders", "join");
    await page.getByTestId("preview-waiting").waitFor();
    await page.getByTestId("input-1").selectOption({ label: "campaigns" });
    await page.getByTestId("join-type-inner").click();

    // No shared column name: add a condition and make it "order_date within 90 days after start".
    await page.getByTestId("add-join-key").click();
    await page.getByTestId("join-left-0").selectOption("order_date");
    await page.getByTestId("join-right-0").selectOption("start");
    await page.getByTestId("join-op-0").selectOption("withinDays");
    await page.getByTestId("join-days-0").fill("90");
    await page.getByTestId("join-direction-0").selectOption("after");

    // The campaign's name comes out as "campaign"; a rename to an existing name is flagged.
    await page.getByTestId("join-out-right-as-name").fill("amount");
    await expect
      .poll(() => page.getByTestId("join-out-right-as-name").getAttribute("aria-invalid"))
      .toBe("true");
    await page.getByTestId("join-out-right-as-name").fill("campaign");
    expect(await page.getByTestId("join-out-right-as-name").getAttribute("aria-invalid")).toBeNull();

    // A column computed after the join, over the output names.
    await page.getByTestId("join-post-add").click();
    await page.getByTestId("join-post-name-0").fill("days_in");
    await page.getByTestId("join-post-formula-0-input").click();
    await page.keyboard.type("dateDiff(order_date, start)");
    await page.keyboard.press("Escape");
    await expect
      .poll(() => page.getByTestId("join-post-formula-0-input").textContent())
      .toBe("dateDiff(order_date, start)");

    const preview = sortRows(await previewRows(page));
    expect(preview.map((r) => [r[0], r[3], r[5]])).toEqual([
      ["1", "Winter", "0"],
      ["2", "Spring", "16"],
      ["2", "Winter", "90"],
      ["3", "Spring", "17"],
      ["5", "Spring", "90"],
    ]);
    await page.getByTestId("step-engines-params.on.0").waitFor();
    // The settings panel scrolls on its own: show each part at the top of it.
    const showTop = (testId: string) =>
      page.getByTestId(testId).evaluate((el) => el.scrollIntoView({ block: "start" }));
    await showTop("join-conditions");
    await screenshot(page, "recipes-join-range-conditions");
    await showTop("join-out-left");
    await screenshot(page, "recipes-join-range-columns");
    await page.getByTestId("tab-sql").click();
    expect(await page.getByTestId("sql-code-spark").textContent()).toMatch(/date_add\(`_r`\.`start`, 90\)/);
    expect(await page.getByTestId("sql-code-duckdb").textContent()).toMatch(/date_add\("_r"\."start", 90\)/);
    await screenshot(page, "recipes-join-range-sql");

    await createAndRun(s, "orders_by_campaign", "recipes-join-range");
    const out = await datasetRows(s, "orders_by_campaign");
    expect(out.columns).toEqual(["order_id", "order_date", "amount", "campaign", "start", "days_in"]);
    expect(sortRows(out.rows).map((r) => [r[0], r[1], r[3], r[5]])).toEqual([
      [1, "2024-01-01", "Winter", 0],
      [2, "2024-03-31", "Spring", 16],
      [2, "2024-03-31", "Winter", 90],
      [3, "2024-04-01", "Spring", 17],
      [5, "2024-06-13", "Spring", 90],
    ]);
    expect(s.errors).toEqual([]);
  });
});
