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

describe.skipIf(!hasStudio)("Distinct recipe editor", () => {
  const studio = useStudio();

  it("deduplicates on a subset of columns with a duplicate count", async () => {
    const s = await projectWith(studio, { sales: SALES });
    await newRecipeFrom(s, "sales", "distinct");
    await s.page.getByTestId("distinct-mode-subset").check();
    await s.page.getByTestId("distinct-count").check();
    expect(await previewRows(s.page)).toHaveLength(3);
    await createAndRun(s, "regions_seen", "recipes-distinct");
    const out = await datasetRows(s, "regions_seen");
    expect(out.columns).toEqual(["region", "count"]);
    expect(sortRows(out.rows)).toEqual([
      ["east", 1],
      ["north", 2],
      ["south", 2],
    ]);
    expect(s.errors).toEqual([]);
  });
});
