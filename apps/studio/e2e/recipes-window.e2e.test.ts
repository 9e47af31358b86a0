import { describe, expect, it } from "vitest";
import { hasStudio } from "../test/api-client.ts";
import { useStudio } from "./fixture.ts";
import { SALES } from "./recipes-data.ts";
import {
  createAndRun,
  datasetRows,
  newRecipeFrom,
  previewRows,
  projectWith,
  sortRows,
} from "./recipes-helpers.ts";

describe.skipIf(!hasStudio)("Window recipe editor", () => {
  const studio = useStudio();

  it("numbers rows per partition in an order", async () => {
    const s = await projectWith(studio, { sales: SALES });
    await newRecipeFrom(s, "sales", "window");
    await s.page.getByTestId("window-partition-add").selectOption("region");
    await s.page.getByTestId("window-order-column-0").selectOption("amount");
    await s.page.getByTestId("window-order-direction-0").selectOption("desc");
    await s.page.getByTestId("win-as-0").fill("rn");
    await s.page.getByTestId("add-window-fn").click();
    await s.page.getByTestId("win-fn-1").selectOption("sum");
    await s.page.getByTestId("win-column-1").selectOption("amount");
    await s.page.getByTestId("win-frame-1").selectOption("whole");
    await s.page.getByTestId("win-as-1").fill("region_total");
    expect(await previewRows(s.page)).toHaveLength(5);
    await createAndRun(s, "sales_ranked", "recipes-window");
    const out = await datasetRows(s, "sales_ranked");
    expect(out.columns).toEqual(["region", "product", "amount", "day", "rn", "region_total"]);
    const top = sortRows(out.rows.filter((r) => r[4] === 1).map((r) => [r[0], r[5]]));
    expect(top).toEqual([
      ["east", 1],
      ["north", 12.5],
      ["south", 10],
    ]);
    expect(out.rows.find((r) => r[0] === "north" && r[2] === 10)?.[4]).toBe(1);
    expect(s.errors).toEqual([]);
  });
});
