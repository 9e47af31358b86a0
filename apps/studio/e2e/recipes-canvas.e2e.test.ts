import { describe, expect, it } from "vitest";
import { hasStudio } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";
import { SALES } from "./recipes-data.ts";
import { apiCall, projectWith } from "./recipes-helpers.ts";

describe.skipIf(!hasStudio)("recipes on the Flow canvas", () => {
  const studio = useStudio();

  it("lists recipe kinds with icons, finds nodes by name, renames and deletes with a downstream warning", async () => {
    const s = await projectWith(studio, { sales: SALES });
    const { page } = s;
    const sales = s.datasets.sales as string;
    const spec = (kind: string, params: unknown) => ({ kind, version: 1, params });
    const first = await apiCall(page, "POST", `/projects/${s.projectId}/recipes`, {
      name: "compute_sorted",
      inputs: [sales],
      output: { name: "sorted" },
      spec: spec("sort", { keys: [{ column: "amount", direction: "desc" }] }),
    });
    await apiCall(page, "POST", `/projects/${s.projectId}/recipes`, {
      name: "compute_top",
      inputs: [first.outputs[0]],
      output: { name: "top" },
      spec: spec("distinct", {}),
    });
    await page.reload();
    await page.getByTestId("node-compute_top").waitFor();
    expect(await page.getByTestId("node-compute_sorted").getAttribute("data-recipe-kind")).toBe("sort");

    // The "New recipe" menu lists every kind with its icon.
    await page.getByTestId("node-sales").click();
    await page.getByTestId("new-recipe").click();
    for (const kind of [
      "sync",
      "filter",
      "group",
      "distinct",
      "join",
      "window",
      "pivot",
      "sort",
      "topN",
      "stack",
    ])
      await page.getByTestId(`new-recipe-${kind}`).waitFor();
    await screenshot(page, "recipes-canvas-menu");
    await page.keyboard.press("Escape");

    // Search a node by name.
    await page.getByTestId("flow-search").fill("top");
    await page.getByTestId("flow-search-result-compute_top").click();
    await page.getByTestId("recipe-panel").waitFor();

    // Rename the first recipe, then delete it: the panel names what depends on it.
    await page.getByTestId("flow-search").fill("compute_sorted");
    await page.keyboard.press("Enter");
    await page.getByTestId("rename-recipe").click();
    await page.getByTestId("rename-input").fill("sort_by_amount");
    await page.getByTestId("rename-save").click();
    await page.getByTestId("node-sort_by_amount").waitFor();
    await page.getByTestId("delete-recipe").click();
    expect(await page.getByTestId("delete-downstream").textContent()).toMatch(/1 recipe downstream/);
    expect(await page.getByTestId("delete-confirm").textContent()).toMatch(/compute_top/);
    await screenshot(page, "recipes-canvas-delete");
    await page.getByTestId("delete-confirm-button").click();
    await page.getByTestId("node-sort_by_amount").waitFor({ state: "detached" });
    await page.getByTestId("node-sorted").waitFor();
    expect(s.errors).toEqual([]);
  });

  it("runs a recipe from the side panel with the chosen build mode", async () => {
    const s = await projectWith(studio, { sales: SALES });
    const { page } = s;
    const sales = s.datasets.sales as string;
    const spec = (kind: string, params: unknown) => ({ kind, version: 1, params });
    const first = await apiCall(page, "POST", `/projects/${s.projectId}/recipes`, {
      name: "compute_sorted",
      inputs: [sales],
      output: { name: "sorted" },
      spec: spec("sort", { keys: [{ column: "amount", direction: "desc" }] }),
    });
    const second = await apiCall(page, "POST", `/projects/${s.projectId}/recipes`, {
      name: "compute_top",
      inputs: [first.outputs[0]],
      output: { name: "top" },
      spec: spec("distinct", {}),
    });
    await page.reload();
    await page.getByTestId("node-compute_top").click();
    await page.getByTestId("recipe-panel").waitFor();
    const status = page.getByTestId("job-status");

    // Build only this: its input was never built, so the build is refused up front, naming it,
    // and no job is queued.
    await page.getByTestId("run-recipe").click();
    await expect.poll(() => status.getAttribute("data-state"), { timeout: 60_000 }).toBe("error");
    expect(await status.textContent()).toMatch(/sorted/);

    // Smart builds what is outdated upstream first.
    await page.getByTestId("run-mode").selectOption("smart");
    await screenshot(page, "recipes-canvas-run-mode");
    await page.getByTestId("run-recipe").click();
    await expect.poll(() => status.getAttribute("data-state"), { timeout: 90_000 }).toBe("SUCCEEDED");
    const jobs: { mode: string; state: string; activities: { recipeIds: string[] }[] }[] = await apiCall(
      page,
      "GET",
      `/projects/${s.projectId}/jobs`,
    );
    expect(jobs.map((j) => `${j.mode}:${j.state}`)).toEqual(["smart:SUCCEEDED"]);
    // Both recipes ran (merged into one pipeline, so the intermediate dataset is not written).
    expect(jobs[0]?.activities.flatMap((a) => a.recipeIds).sort()).toEqual([first.id, second.id].sort());
    const datasets: { name: string; currentVersion: unknown }[] = await apiCall(
      page,
      "GET",
      `/projects/${s.projectId}/datasets`,
    );
    expect(datasets.find((d) => d.name === "top")?.currentVersion).toBeTruthy();
    expect(s.errors).toEqual([]);
  });
});
