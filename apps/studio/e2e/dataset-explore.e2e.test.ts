import { describe, expect, it } from "vitest";
import { call, hasStudio, studioUrl } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// The explore page on 10,000 rows x 50 columns: quality bars and charts in the headers, the
// virtualised table keeps the DOM small while scrolling to the end, filters and the schema tab.
const COLS = 50;
/** A filtered page is a round trip to the server: on a busy machine, more than expect.poll's 1 s. */
const WAIT = { timeout: 15_000 };
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
  const studio = useStudio();

  it("shows quality, scrolls 10,000 x 50 with few DOM rows, filters invalid values", async () => {
    const { projectId } = await studio.project("Explore", {}, "EX");
    const d = await call(`/projects/${projectId}/datasets?name=wide`, {
      method: "POST",
      body: wideCsv(),
      headers: { "content-type": "text/csv" },
      as: studio.key,
    });
    expect(d.status).toBe(201);

    const { page, errors } = await studio.page();
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
    await page.context().close();
  });

  it("shows decimals and big integers exactly, doubles rounded, edge spaces; filters numbers", async () => {
    const { projectId } = await studio.project("Exact", {}, "EX");
    // amount is read as a DECIMAL(38,9) at import: a double would already have lost its digits.
    const csv = [
      "id,amount,big,price,city",
      '1,12345678901234567890.123456789,9007199254740993,3896.9999999999995," paris "',
      "2,12.5,9007199254740992,0.30000000000000004,lyon",
      "3,-0.000000001,42,60,paris",
      "4,7,-9007199254740993,51.5,nantes",
    ].join("\n");
    const options = {
      format: "csv",
      csv: {
        delimiter: ",",
        quote: '"',
        escape: '"',
        encoding: "utf-8",
        header: true,
        skipLines: 0,
        trailingDelimiter: false,
        decimalSeparator: ".",
        skipBadLines: false,
        columns: [{}, { type: "decimal" }, { type: "bigint" }, { type: "double" }, { type: "string" }],
      },
    };
    const d = await call(
      `/projects/${projectId}/datasets?name=exact&options=${encodeURIComponent(JSON.stringify(options))}`,
      { method: "POST", body: csv, headers: { "content-type": "text/csv" }, as: studio.key },
    );
    expect(d.status).toBe(201);
    expect(d.data.schema.map((c: { type: string }) => c.type)).toEqual([
      "bigint",
      "decimal",
      "bigint",
      "double",
      "string",
    ]);

    // The API: decimals and integers past 2^53 as exact text, in the sample and in the preview.
    const sample = await call(`/projects/${projectId}/datasets/${d.data.id}/sample`, {
      method: "POST",
      json: { offset: 0, limit: 10 },
      as: studio.key,
    });
    expect(sample.status).toBe(200);
    expect(sample.data.rows[0].slice(1, 4)).toEqual([
      "12345678901234567890.123456789",
      "9007199254740993",
      3896.9999999999995,
    ]);
    expect(sample.data.rows.map((r: unknown[]) => r[1])).toEqual([
      "12345678901234567890.123456789",
      "12.5",
      "-0.000000001",
      "7",
    ]);
    const preview = await call(`/projects/${projectId}/datasets/${d.data.id}/preview?limit=10`, {
      as: studio.key,
    });
    expect(preview.data.rows[0].slice(1, 3)).toEqual(["12345678901234567890.123456789", "9007199254740993"]);
    // A numeric filter compares exactly on the server: ...993, not ...992.
    const filtered = await call(`/projects/${projectId}/datasets/${d.data.id}/sample`, {
      method: "POST",
      json: { filters: [{ column: "big", op: "eq", value: "9007199254740993" }] },
      as: studio.key,
    });
    expect(filtered.data.rows.map((r: unknown[]) => r[0])).toEqual([1]);
    const bad = await call(`/projects/${projectId}/datasets/${d.data.id}/sample`, {
      method: "POST",
      json: { filters: [{ column: "big", op: "gt", value: "fifty" }] },
      as: studio.key,
    });
    expect(bad.status).toBe(400);

    const { page, errors } = await studio.page();
    await page.goto(`${studioUrl}/projects/${projectId}/datasets/${d.data.id}`);
    await page.getByTestId("dataset-table").waitFor();
    const cells = () =>
      page
        .locator("[data-testid=dataset-table] tbody tr:not(.spacer)")
        .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td"), (td) => td.textContent)));
    await expect.poll(async () => (await cells())[3]?.[0], WAIT).toBe("4");
    const shown = await cells();
    expect(shown[0]).toEqual(["1", "12345678901234567890.123456789", "9007199254740993", "3897", " paris "]);
    expect(shown[1]).toEqual(["2", "12.5", "9007199254740992", "0.3", "lyon"]);
    expect(shown[2]?.[1]).toBe("-0.000000001");
    // Not cut short either: the decimal column is as wide as its longest value.
    const amountCell = page
      .locator("[data-testid=dataset-table] tbody tr:not(.spacer)")
      .first()
      .locator("td")
      .nth(1);
    expect(await amountCell.evaluate((td) => td.scrollWidth <= td.clientWidth)).toBe(true);
    // The spaces around " paris " are marked (and still the value's own spaces).
    const marks = page.locator("[data-testid=dataset-table] tbody .cell-space");
    expect(await marks.count()).toBe(2);
    expect(await marks.first().getAttribute("title")).toBe("1 leading space");
    // The full double is one hover away.
    expect(await page.locator("td span[title='3896.9999999999995']").count()).toBe(1);
    await screenshot(page, "explore-exact");

    const status = page.getByTestId("sample-status");
    await page.getByTestId("filter-price").fill("50..60");
    await page.getByTestId("filter-price").press("Enter");
    await expect.poll(() => status.textContent(), WAIT).toMatch(/2 of 4 sample rows match/);
    await expect.poll(async () => (await cells()).map((r) => r[0]), WAIT).toEqual(["3", "4"]);
    await page.getByTestId("filter-big").fill("> 9007199254740992");
    await page.getByTestId("filter-big").press("Enter");
    await expect.poll(() => status.textContent(), WAIT).toMatch(/0 of 4 sample rows match/);
    await page.getByTestId("filter-price").fill("");
    await page.getByTestId("filter-price").press("Enter");
    await expect.poll(() => status.textContent(), WAIT).toMatch(/1 of 4 sample rows match/);
    await expect.poll(async () => (await cells()).map((r) => r[0]), WAIT).toEqual(["1"]);
    await screenshot(page, "explore-numeric-filter");

    // What cannot be read is said under the box and not applied.
    await page.getByTestId("filter-amount").fill("> fifty");
    await page.getByTestId("filter-amount").press("Enter");
    expect(await page.getByTestId("filter-error-amount").textContent()).toMatch(/"fifty" is not a number/);
    expect(await page.getByTestId("filter-amount").getAttribute("aria-invalid")).toBe("true");
    expect(await status.textContent()).toMatch(/1 of 4 sample rows match/);
    await screenshot(page, "explore-filter-error");
    // Text columns keep "contains" (and see the spaces).
    await page.getByTestId("filter-amount").fill("");
    await page.getByTestId("filter-big").fill("");
    await page.getByTestId("filter-big").press("Enter");
    await page.getByTestId("filter-city").fill("paris ");
    await page.getByTestId("filter-city").press("Enter");
    await expect.poll(() => status.textContent(), WAIT).toMatch(/1 of 4 sample rows match/);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
