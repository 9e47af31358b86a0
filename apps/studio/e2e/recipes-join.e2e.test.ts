import { describe, expect, it } from "vitest";
import { hasStudio } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";
import { REGIONS, SALES } from "./recipes-data.ts";
import {
  createAndRun,
  datasetRows,
  newRecipeFrom,
  previewRows,
  projectWith,
  sortRows,
} from "./recipes-helpers.ts";

describe.skipIf(!hasStudio)("Join recipe editor", () => {
  const studio = useStudio();

  it("picks the second input, pairs the keys visually, and builds an inner join", async () => {
    const s = await projectWith(studio, { sales: SALES, regions: REGIONS });
    await newRecipeFrom(s, "sales", "join");
    await s.page.getByTestId("preview-waiting").waitFor();
    await s.page.getByTestId("input-1").selectOption({ label: "regions" });
    // The shared name is suggested as the condition; redo it by clicking the two columns.
    await expect.poll(() => s.page.getByTestId("join-left-0").inputValue()).toBe("region");
    await s.page.getByTestId("join-remove-0").click();
    await s.page.getByTestId("join-pick-left-region").click();
    await s.page.getByTestId("join-pick-right-region").click();
    expect(await s.page.getByTestId("join-right-0").inputValue()).toBe("region");
    await s.page.getByTestId("join-type-inner").click();
    expect(await previewRows(s.page)).toHaveLength(4);
    await s.page.getByTestId("tab-sql").click();
    expect(await s.page.getByTestId("sql-code-spark").textContent()).toMatch(/JOIN/);
    expect(await s.page.getByTestId("sql-code-duckdb").textContent()).toMatch(/JOIN/);
    await screenshot(s.page, "recipes-join-sql");
    await s.page.getByTestId("tab-schema").click();
    await s.page.getByTestId("output-col-manager").waitFor();
    await createAndRun(s, "sales_managed", "recipes-join");
    const out = await datasetRows(s, "sales_managed");
    expect(out.columns).toEqual(["region", "product", "amount", "day", "manager"]);
    expect(sortRows(out.rows).map((r) => [r[0], r[2], r[4]])).toEqual([
      ["north", 10, "Ann"],
      ["north", 2.5, "Ann"],
      ["south", 5, "Bob"],
      ["south", 5, "Bob"],
    ]);
    expect(s.errors).toEqual([]);
  });
});
