import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasStudio } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";
import { SALES } from "./recipes-data.ts";
import { apiCall, projectWith } from "./recipes-helpers.ts";

// The studio at 1440x900 (signIn's viewport): the New recipe menu inside the window, the recipe
// editor's engine button clear of the engine badges, Find-in-Flow results inside their box, and
// after Fit view no node under the minimap. Each asserts on the boxes the browser lays out.

type Box = { x: number; y: number; width: number; height: number };
const VIEWPORT = { width: 1440, height: 900 };
const sync = { kind: "sync", version: 1, params: {} };

async function box(l: Locator): Promise<Box> {
  const b = await l.boundingBox();
  if (!b) throw new Error("not laid out");
  return b;
}
const intersects = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const within = (inner: Box, outer: Box, slack = 0.5) =>
  inner.x >= outer.x - slack &&
  inner.y >= outer.y - slack &&
  inner.x + inner.width <= outer.x + outer.width + slack &&
  inner.y + inner.height <= outer.y + outer.height + slack;

/**
 * Nine chains of two recipes from one dataset: a Flow about as wide as it is tall (for this canvas),
 * so Fit view fills both ways and its last node sits in the bottom right corner, where the minimap is.
 */
async function nineChains(page: Page, projectId: string, source: string): Promise<string> {
  let last = "";
  for (const chain of "abcdefghi") {
    let input = source;
    for (let i = 1; i <= 2; i++) {
      const r = await apiCall(page, "POST", `/projects/${projectId}/recipes`, {
        name: `${chain}_step_${i}`,
        inputs: [input],
        output: { name: `${chain}_out_${i}` },
        spec: sync,
      });
      input = r.outputs[0];
      last = `${chain}_out_${i}`;
    }
  }
  return last;
}

describe.skipIf(!hasStudio)("the studio's layout at 1440x900", () => {
  const studio = useStudio();

  it("opens the New recipe menu inside the window, from a dataset low in the side panel", async () => {
    const s = await projectWith(studio, { sales: SALES });
    const { page } = s;
    expect(page.viewportSize()).toEqual(VIEWPORT);
    await page.getByTestId("node-sales").click();
    await page.getByTestId("new-recipe").click();
    const menu = page.getByTestId("new-recipe-menu");
    await menu.waitFor();
    await screenshot(page, "layout-new-recipe-menu");
    const m = await box(menu);
    expect(within(m, { x: 0, y: 0, ...VIEWPORT }), JSON.stringify(m)).toBe(true);
    // Every kind can be reached: the menu scrolls inside itself when it is taller than the room.
    const last = page.locator("[data-testid^='new-recipe-']").last();
    await last.scrollIntoViewIfNeeded();
    expect(within(await box(last), { x: 0, y: 0, ...VIEWPORT })).toBe(true);
    // Still inside after the window shrinks.
    await page.setViewportSize({ width: 1100, height: 640 });
    await expect
      .poll(async () => within(await box(menu), { x: 0, y: 0, width: 1100, height: 640 }))
      .toBe(true);
    await page.setViewportSize(VIEWPORT);
    expect(s.errors).toEqual([]);
  }, 90_000);

  it("keeps Find-in-Flow results, long names included, inside their box", async () => {
    const long = "quarterly_sales_by_region_channel_and_product_family_for_the_whole_company_2024";
    const s = await projectWith(studio, { sales: SALES });
    const { page, projectId } = s;
    await apiCall(page, "POST", `/projects/${projectId}/recipes`, {
      name: `copy_${long}`,
      inputs: [s.datasets.sales],
      output: { name: long },
      spec: sync,
    });
    await page.reload();
    await page.getByTestId(`node-${long}`).waitFor();
    await page.getByTestId("flow-search").fill("quarterly");
    const results = page.getByTestId("flow-search-results");
    await results.waitFor();
    await screenshot(page, "layout-find-results");
    const r = await box(results);
    expect(within(r, { x: 0, y: 0, ...VIEWPORT })).toBe(true);
    const buttons = results.locator("button");
    expect(await buttons.count()).toBe(2);
    for (const b of await buttons.all()) {
      const kind = await box(b.locator(".node-kind-label"));
      const name = await box(b.locator(".flow-search-name"));
      expect(within(kind, r), "the kind label is inside the box").toBe(true);
      expect(name.x + name.width, "the name ends before the kind label").toBeLessThanOrEqual(kind.x);
      expect(await b.getAttribute("title")).toMatch(/quarterly_sales/);
    }
    expect(s.errors).toEqual([]);
  }, 90_000);

  it("leaves no node under the minimap after Fit view", async () => {
    const s = await projectWith(studio, { sales: SALES });
    const { page, projectId } = s;
    const last = await nineChains(page, projectId, s.datasets.sales!);
    await page.reload();
    await page.getByTestId(`node-${last}`).waitFor();
    const minimap = page.locator(".react-flow__minimap");
    await minimap.waitFor();
    // Zoomed in first, so Fit view has something to do.
    await page.locator(".react-flow__controls-zoomin").click();
    await page.locator(".react-flow__controls-zoomin").click();
    await page.locator(".react-flow__controls-fitview").click();
    await page.waitForTimeout(600);
    await screenshot(page, "layout-fit-view");
    const map = await box(minimap);
    const canvas = await box(page.getByTestId("flow-canvas"));
    const nodes = page.locator(".react-flow__node");
    expect(await nodes.count()).toBe(37);
    for (const n of await nodes.all()) {
      const b = await box(n);
      const name = await n.locator("[data-testid^='node-']").first().getAttribute("data-testid");
      expect(intersects(b, map), `${name} is under the minimap`).toBe(false);
      expect(within(b, canvas), `${name} is inside the canvas`).toBe(true);
    }
    expect(s.errors).toEqual([]);
  }, 120_000);

  it("keeps the recipe editor's engine button clear of the engine badges", async () => {
    const s = await projectWith(studio, { sales: SALES });
    const { page, projectId } = s;
    const r = await apiCall(page, "POST", `/projects/${projectId}/recipes`, {
      name: "copy_every_sale_of_every_region_into_a_dataset_with_a_rather_long_name_2024",
      inputs: [s.datasets.sales],
      output: { name: "sales_copy" },
      spec: sync,
    });
    await page.goto(`${page.url()}/recipes/${r.id}`);
    await page.getByTestId("engine-badge-spark").waitFor({ timeout: 30_000 });
    await screenshot(page, "layout-engine-button");
    const button = await box(page.getByTestId("engine-select"));
    for (const badge of ["engine-badge-duckdb", "engine-badge-spark"]) {
      const b = await box(page.getByTestId(badge));
      expect(intersects(button, b), `the engine button overlaps ${badge}`).toBe(false);
    }
    // The engine's name stays readable (the long title gives way instead).
    expect((await box(page.getByTestId("engine-current"))).width).toBeGreaterThan(60);
    const badges = await box(page.getByTestId("recipe-engines"));
    expect(button.x + button.width).toBeLessThanOrEqual(badges.x);
    expect(within(await box(page.getByTestId("recipe-engines")), { x: 0, y: 0, ...VIEWPORT })).toBe(true);
    expect(s.errors).toEqual([]);
  }, 90_000);
});
