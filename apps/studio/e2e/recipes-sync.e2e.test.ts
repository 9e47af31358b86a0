import { describe, expect, it } from "vitest";
import { hasStudio } from "../test/api-client.ts";
import { useStudio } from "./fixture.ts";
import { SALES } from "./recipes-data.ts";
import { createAndRun, datasetRows, newRecipeFrom, previewRows, projectWith } from "./recipes-helpers.ts";

describe.skipIf(!hasStudio)("Sync recipe editor", () => {
  const studio = useStudio();

  it("keeps, drops and renames columns, then builds the copy", async () => {
    const s = await projectWith(studio, { sales: SALES });
    await newRecipeFrom(s, "sales", "sync");
    await s.page.getByTestId("sync-keep-day").uncheck();
    await s.page.getByTestId("sync-as-amount").fill("total");
    expect((await previewRows(s.page))[0]).toEqual(["north", "apple", "10"]);
    await createAndRun(s, "sales_copy", "recipes-sync");
    const out = await datasetRows(s, "sales_copy");
    expect(out.columns).toEqual(["region", "product", "total"]);
    expect(out.rows).toHaveLength(5);
    expect(s.errors).toEqual([]);
  });
});
