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

describe.skipIf(!hasStudio)("Sample/Filter recipe editor", () => {
  const studio = useStudio();

  it("keeps the rows matching a rule, with per-step engine badges", async () => {
    const s = await projectWith(studio, { sales: SALES });
    await newRecipeFrom(s, "sales", "filter");
    await s.page.getByTestId("filter-enabled").check();
    await s.page.getByTestId("rule-column-0").selectOption("region");
    await s.page.getByTestId("rule-op-0").selectOption("equals");
    await s.page.getByTestId("rule-value-0").fill("north");
    expect(await previewRows(s.page)).toHaveLength(2);
    await s.page.getByTestId("step-engines-params.filter.rules.0").waitFor();
    expect(await s.page.getByTestId("engine-badge-spark").getAttribute("data-level")).toBe("full");
    await createAndRun(s, "north_sales", "recipes-filter");
    const out = await datasetRows(s, "north_sales");
    expect(sortRows(out.rows)).toEqual([
      ["north", "apple", 10, "2024-01-01"],
      ["north", "pear", 2.5, "2024-01-03"],
    ]);
    expect(s.errors).toEqual([]);
  });
});
