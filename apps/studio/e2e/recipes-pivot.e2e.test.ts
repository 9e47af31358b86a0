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

describe.skipIf(!hasStudio)("Pivot recipe editor", () => {
  const studio = useStudio();

  it("turns the values of a column into columns, values loaded from the sample", async () => {
    const s = await projectWith(studio, { sales: SALES });
    await newRecipeFrom(s, "sales", "pivot");
    await s.page.getByTestId("pivot-column").selectOption("product");
    await s.page.getByTestId("pivot-value-apple").waitFor();
    await s.page.getByTestId("pivot-value-pear").waitFor();
    await s.page.getByTestId("pivot-keys-add").selectOption("region");
    await s.page.getByTestId("add-pivot-agg").click();
    expect(await previewRows(s.page)).toHaveLength(3);
    await createAndRun(s, "sales_pivot", "recipes-pivot");
    const out = await datasetRows(s, "sales_pivot");
    expect(out.columns).toEqual([
      "region",
      "apple_count",
      "apple_amount_sum",
      "pear_count",
      "pear_amount_sum",
    ]);
    expect(sortRows(out.rows)).toEqual([
      ["east", 1, 1, 0, null],
      ["north", 1, 10, 1, 2.5],
      ["south", 1, 5, 1, 5],
    ]);
    expect(s.errors).toEqual([]);
  });
});
