import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin, call, hasStudio, loginAs, studioUrl, uniqueKey, withApiKey } from "../test/api-client.ts";
import { launchBrowser, screenshot } from "./browser.ts";

// The explore page on 10,000 rows x 50 columns: quality bars and charts in the headers, the
// virtualised table keeps the DOM small while scrolling to the end, filters and the schema tab.
const COLS = 50;
const ROWS = 10_000;

function wideCsv(): string {
  const head = Array.from({ length: COLS }, (_, i) => (i === 0 ? "id" : i === 1 ? "code" : `c${i}`));
  const lines = [head.join(",")];
  for (let r = 0; r < ROWS; r++) {
    const row = [String(r), r % 100 === 7 ? "n/a" : String(r % 37)];
    for (let c = 2; c < COLS; c++) row.push(c % 3 === 0 ? `v${(r * c) % 11}` : String((r * c) % 100));
    lines.push(row.join(","));
  }
  return `${lines.join("\n")}\n`;
}

describe.skipIf(!hasStudio)("dataset explore page", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows quality, scrolls 10,000 x 50 with few DOM rows, filters invalid values", async () => {
    const session = await loginAs(admin.email, admin.password);
    const key = await withApiKey(session);
    const projectId = (
      await call("/projects", { method: "POST", json: { key: uniqueKey("EX"), name: "Explore" }, as: key })
    ).data.id;
    const d = await call(`/projects/${projectId}/datasets?name=wide`, {
      method: "POST",
      body: wideCsv(),
      headers: { "content-type": "text/csv" },
      as: key,
    });
    expect(d.status).toBe(201);

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const [name, value] = session.headers.cookie?.split("=") ?? [];
    await context.addCookies([{ name: name ?? "", value: value ?? "", url: studioUrl }]);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${studioUrl}/projects/${projectId}/datasets/${d.data.id}`);
    await page.getByTestId("dataset-table").waitFor();
    expect(await page.getByTestId("sample-status").textContent()).toMatch(/10,000 rows in the sample/);
    expect(await page.getByTestId("quality-code").getAttribute("data-invalid")).toBe("100");
    await screenshot(page, "explore-top");

    const scroll = page.getByTestId("explore-scroll");
    const domRows = () => page.locator("[data-testid=dataset-table] tbody tr:not(.spacer)").count();
    expect(await domRows()).toBeLessThan(100);
    // Scroll to the end in steps, as a user would; the last row must appear.
    for (let i = 1; i <= 10; i++) {
      await scroll.evaluate((el, f) => {
        el.scrollTop = el.scrollHeight * f;
      }, i / 10);
      await page.waitForTimeout(60);
    }
    await expect
      .poll(() => page.locator("tbody th.row-num", { hasText: /^10000$/ }).count(), { timeout: 10_000 })
      .toBe(1);
    expect(await domRows()).toBeLessThan(100);
    await screenshot(page, "explore-bottom");

    await page.getByLabel("Show invalid values of code").click();
    await expect.poll(() => page.getByTestId("sample-status").textContent()).toMatch(/100 of 10,000/);
    await screenshot(page, "explore-invalid-filter");

    await page.getByTestId("tab-schema").click();
    await page.getByTestId("type-code").selectOption("integer");
    await page.getByTestId("save-schema").click();
    await expect
      .poll(() => page.getByTestId("schema-error").textContent())
      .toMatch(/code: 100 values cannot be read as integer/);
    await screenshot(page, "explore-schema");
    expect(errors).toEqual([]);
    await context.close();
  });
});
