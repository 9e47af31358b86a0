import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasStudio } from "../test/api-client.ts";
import { launchBrowser } from "./browser.ts";
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
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("deduplicates on a subset of columns with a duplicate count", async () => {
    const s = await projectWith(browser, { sales: SALES });
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
