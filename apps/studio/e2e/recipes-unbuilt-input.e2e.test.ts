import { describe, expect, it } from "vitest";
import { hasStudio, studioUrl } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";
import { SALES } from "./recipes-data.ts";
import { apiCall, newRecipeFrom, previewReady, projectWith } from "./recipes-helpers.ts";

// A recipe is designed on a dataset that was never built: its pickers list the columns its
// recipe infers, the preview shows the output columns and says there are no rows yet, and it saves.
describe.skipIf(!hasStudio)("designing a recipe on an unbuilt input", () => {
  const studio = useStudio();

  it("fills the pickers from the inferred schema, previews the columns and saves", async () => {
    const s = await projectWith(studio, { sales: SALES });
    const { page } = s;
    await apiCall(page, "POST", `/projects/${s.projectId}/recipes`, {
      name: "compute_sorted",
      inputs: [s.datasets.sales],
      output: { name: "sorted" },
      spec: { kind: "sort", version: 1, params: { keys: [{ column: "amount", direction: "desc" }] } },
    });
    await page.reload();
    await page.getByTestId("node-sorted").waitFor();

    // The Flow's "New recipe" menu offers it without asking for a build first.
    await page.getByTestId("node-sorted").click();
    await page.getByTestId("new-recipe").click();
    await page.getByTestId("new-recipe-group").waitFor();
    expect(await page.locator("body").textContent()).toMatch(/From sorted · not built yet/);
    await screenshot(page, "recipes-unbuilt-input-menu");
    await page.keyboard.press("Escape");
    await newRecipeFrom(s, "sorted", "group");
    // The editor starts from its usual guess, which needs the columns: group by region.
    await page.getByTestId("group-keys-chip-region").waitFor();
    await previewReady(page);
    expect(await page.getByTestId("preview-run-error").textContent()).toMatch(
      /sorted has no data yet: the columns come from the recipe that writes it/,
    );
    expect(await page.getByTestId("recipe-editor").textContent()).not.toMatch(/Build sorted first/);
    await page.getByTestId("tab-schema").click();
    await page.getByTestId("output-col-region").waitFor();
    await screenshot(page, "recipes-unbuilt-input-editor");

    await page.getByTestId("output-name").fill("sorted_by_region");
    await page.getByTestId("save-recipe").click();
    // Saved on the inferred schema (the server validates it); reopened, it shows the same pickers.
    const saved = async () => {
      const all: { id: string; name: string }[] = await apiCall(
        page,
        "GET",
        `/projects/${s.projectId}/recipes`,
      );
      return all.find((r) => r.name !== "compute_sorted")?.id ?? null;
    };
    await expect.poll(saved, { timeout: 30_000 }).not.toBeNull();
    await page.goto(`${studioUrl}/projects/${s.projectId}/recipes/${await saved()}`);
    await page.getByTestId("group-keys-chip-region").waitFor();
    await previewReady(page);
    await screenshot(page, "recipes-unbuilt-input-saved");
    expect(s.errors).toEqual([]);
  });

  it("Parse dates takes several formats as text, on an unbuilt input's inferred columns", async () => {
    // Two spellings of a date: the column stays text, and Parse dates needs both formats.
    const s = await projectWith(studio, { events: "id,happened\n1,2024-01-31\n2,31/01/2024\n" });
    const { page } = s;
    await apiCall(page, "POST", `/projects/${s.projectId}/recipes`, {
      name: "compute_copy",
      inputs: [s.datasets.events],
      output: { name: "copy" },
      spec: { kind: "sync", version: 1, params: {} },
    });
    await page.reload();
    await page.getByTestId("node-copy").waitFor();
    await newRecipeFrom(s, "copy", "prepare");
    await page.getByTestId("add-step").click();
    await page.getByTestId("step-search").fill("parse date");
    await page.getByTestId("add-step-DateParser").click();
    await page.getByTestId("step-param-0-column").selectOption("happened");
    // The formats are a list of text entries, not a column picker showing an unknown column.
    const formats = page.getByTestId("step-param-0-formats");
    expect(await formats.evaluate((el) => el.tagName)).toBe("TEXTAREA");
    expect(await formats.inputValue()).toBe("yyyy-MM-dd");
    await formats.fill("yyyy-MM-dd\ndd/MM/yyyy");
    await previewReady(page);
    expect(await page.getByTestId("preview-run-error").textContent()).toMatch(/copy has no data yet/);
    await screenshot(page, "recipes-unbuilt-parse-dates");
    expect(s.errors).toEqual([]);
  });
});
