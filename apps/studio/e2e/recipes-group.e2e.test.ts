import { describe, expect, it } from "vitest";
import { hasStudio, studioUrl } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";
import { SALES } from "./recipes-data.ts";
import {
  apiCall,
  createAndRun,
  datasetRows,
  newRecipeFrom,
  previewReady,
  previewRows,
  projectWith,
  sortRows,
} from "./recipes-helpers.ts";

describe.skipIf(!hasStudio)("Group recipe editor", () => {
  const studio = useStudio();

  it("aggregates per key with undo/redo, builds, and refuses a stale save with a clear conflict", async () => {
    const s = await projectWith(studio, { sales: SALES });
    const { page } = s;
    await newRecipeFrom(s, "sales", "group");
    // The editor starts from a guess: group by the first text column, sum the first number.
    await page.getByTestId("group-keys-chip-region").waitFor();
    expect(await page.getByTestId("agg-fn-0").inputValue()).toBe("sum");
    await page.getByTestId("agg-fn-0").selectOption("avg");
    await page.getByTestId("undo").click();
    expect(await page.getByTestId("agg-fn-0").inputValue()).toBe("sum");
    await page.getByTestId("redo").click();
    expect(await page.getByTestId("agg-fn-0").inputValue()).toBe("avg");
    await page.getByTestId("undo").click();
    await page.getByTestId("agg-as-0").fill("total");
    expect(sortRows(await previewRows(page))).toEqual([
      ["east", "1", "1"],
      ["north", "2", "12.5"],
      ["south", "2", "10"],
    ]);
    await page.getByTestId("tab-schema").click();
    await page.getByTestId("output-col-total").waitFor();
    await createAndRun(s, "sales_by_region", "recipes-group");
    const out = await datasetRows(s, "sales_by_region");
    expect(out.columns).toEqual(["region", "count", "total"]);
    expect(sortRows(out.rows)).toEqual([
      ["east", 1, 1],
      ["north", 2, 12.5],
      ["south", 2, 10],
    ]);

    // Someone else saves a change while this editor is open...
    const recipeId = page.url().split("/").pop() as string;
    const theirs = await apiCall(page, "GET", `/projects/${s.projectId}/recipes/${recipeId}`);
    await apiCall(page, "PUT", `/projects/${s.projectId}/recipes/${recipeId}`, {
      revision: theirs.revision,
      spec: { ...theirs.spec, params: { ...theirs.spec.params, globalCount: false } },
    });
    // ...then our save is refused, said so, and nothing is overwritten silently.
    await page.getByTestId("agg-fn-0").selectOption("max");
    await previewReady(page);
    await page.getByTestId("save-recipe").click();
    await page.getByTestId("conflict-banner").waitFor();
    expect(await page.getByTestId("conflict-banner").textContent()).toMatch(
      /someone else changed this recipe/,
    );
    await screenshot(page, "recipes-group-conflict");
    const still = await apiCall(page, "GET", `/projects/${s.projectId}/recipes/${recipeId}`);
    expect(still.spec.params.aggregations[0].fn).toBe("sum");
    await page.getByTestId("conflict-overwrite").click();
    await page.getByTestId("conflict-banner").waitFor({ state: "detached" });
    const mine = await apiCall(page, "GET", `/projects/${s.projectId}/recipes/${recipeId}`);
    expect(mine.spec.params.aggregations[0].fn).toBe("max");

    // Back on the Flow the recipe node shows its kind, and "Edit" opens this editor again.
    await page.getByTestId("back-to-flow").click();
    await page.waitForURL(`${studioUrl}/projects/${s.projectId}`);
    const node = page.getByTestId("node-compute_sales_by_region");
    expect(await node.getAttribute("data-recipe-kind")).toBe("group");
    await node.click();
    await page.getByTestId("edit-recipe").click();
    await page.waitForURL(/\/recipes\/[^/]+$/);
    await page.getByTestId("recipe-editor").waitFor();
    expect(s.errors).toEqual([]);
  });
});
