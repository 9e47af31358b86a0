import { describe, expect, it } from "vitest";
import { hasStudio } from "../test/api-client.ts";
import { useStudio } from "./fixture.ts";
import { MORE_SALES, SALES } from "./recipes-data.ts";
import { createAndRun, datasetRows, newRecipeFrom, previewRows, projectWith } from "./recipes-helpers.ts";

describe.skipIf(!hasStudio)("Stack recipe editor", () => {
  const studio = useStudio();

  it("stacks two datasets by name with an origin column", async () => {
    const s = await projectWith(studio, { sales: SALES, more_sales: MORE_SALES });
    await newRecipeFrom(s, "sales", "stack");
    await s.page.getByTestId("input-1").selectOption({ label: "more_sales" });
    await s.page.getByTestId("stack-matrix").waitFor();
    await s.page.getByTestId("stack-origin-enabled").check();
    expect(await previewRows(s.page)).toHaveLength(6);
    await createAndRun(s, "all_sales", "recipes-stack");
    const out = await datasetRows(s, "all_sales");
    expect(out.columns).toEqual(["region", "product", "amount", "day", "origin"]);
    expect(out.rows).toHaveLength(6);
    expect(out.rows.find((r) => r[0] === "west")).toEqual(["west", null, 7, null, "more_sales"]);
    expect(s.errors).toEqual([]);
  });
});
