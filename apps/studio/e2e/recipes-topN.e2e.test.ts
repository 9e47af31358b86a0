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

describe.skipIf(!hasStudio)("Top N recipe editor", () => {
  const studio = useStudio();

  it("keeps the first row per group", async () => {
    const s = await projectWith(studio, { sales: SALES });
    await newRecipeFrom(s, "sales", "topN");
    await s.page.getByTestId("topn-n").fill("1");
    await s.page.getByTestId("topn-partition-add").selectOption("region");
    await s.page.getByTestId("topn-rank-column-enabled").check();
    expect(await previewRows(s.page)).toHaveLength(3);
    await createAndRun(s, "best_sales", "recipes-topN");
    const out = await datasetRows(s, "best_sales");
    expect(out.columns).toEqual(["region", "product", "amount", "day", "rank"]);
    expect(sortRows(out.rows.map((r) => [r[0], r[2], r[4]]))).toEqual([
      ["east", 1, 1],
      ["north", 10, 1],
      ["south", 5, 1],
    ]);
    expect(s.errors).toEqual([]);
  });
});
