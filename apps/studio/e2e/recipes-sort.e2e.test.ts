import { describe, expect, it } from "vitest";
import { hasStudio } from "../test/api-client.ts";
import { useStudio } from "./fixture.ts";
import { SALES } from "./recipes-data.ts";
import { createAndRun, datasetRows, newRecipeFrom, previewRows, projectWith } from "./recipes-helpers.ts";

describe.skipIf(!hasStudio)("Sort recipe editor", () => {
  const studio = useStudio();

  it("orders rows by a column, descending", async () => {
    const s = await projectWith(studio, { sales: SALES });
    await newRecipeFrom(s, "sales", "sort");
    await s.page.getByTestId("sort-keys-column-0").selectOption("amount");
    await s.page.getByTestId("sort-keys-direction-0").selectOption("desc");
    expect((await previewRows(s.page)).map((r) => r[2])).toEqual(["10", "5", "5", "2.5", "1"]);
    await createAndRun(s, "sales_sorted", "recipes-sort");
    const out = await datasetRows(s, "sales_sorted");
    expect(out.rows.map((r) => r[2])).toEqual([10, 5, 5, 2.5, 1]);
    expect(s.errors).toEqual([]);
  });
});
