import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasStudio } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";
import {
  apiCall,
  createAndRun,
  datasetRows,
  newRecipeFrom,
  previewReady,
  previewRows,
  projectWith,
} from "./recipes-helpers.ts";

// The prepare editor: a script built through the UI (catalogue search, params forms, rename,
// comment, reorder by keyboard and drag, disable, duplicate, delete), the table "as of" a step
// with the columns it added or changed marked, a user-agent step that blocks Databricks and
// names itself, the edit-to-table latency on a 10,000-row sample, then a run and its rows.

const UAS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
  "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
];
const CITIES = ["paris", "lyon", "nantes", "lille"];
const ROWS = 10_000;
/** id, city, amount (id % 100), ua: 10,000 rows, so the preview reads a full 10,000-row sample. */
const VISITS = [
  "id,city,amount,ua",
  ...Array.from({ length: ROWS }, (_, i) => `${i + 1},${CITIES[i % 4]},${i % 100},"${UAS[i % 3]}"`),
].join("\n");

async function addStep(page: Page, search: string, type: string) {
  await page.getByTestId("add-step").click();
  await page.getByTestId("step-search").fill(search);
  await page.getByTestId(`add-step-${type}`).click();
}

const headers = (page: Page) =>
  page.getByTestId("preview-table").locator("thead th .th-name").allTextContents();

/**
 * Milliseconds from a `change` event on a params control to the preview table showing
 * `expected` in its first body cell of `column`, measured in the page.
 */
async function timeEdit(page: Page, act: () => Promise<unknown>, column: number, expected: string) {
  await page.evaluate(
    ({ column, expected }) => {
      const w = window as unknown as { __t0?: number; __t1?: number };
      w.__t0 = undefined;
      w.__t1 = undefined;
      document.addEventListener("change", () => (w.__t0 ??= performance.now()), {
        capture: true,
        once: true,
      });
      const check = () => {
        const td = document.querySelectorAll("[data-testid=preview-table] tbody tr:first-child td")[column];
        if (td?.textContent === expected && w.__t0 !== undefined) {
          w.__t1 = performance.now();
          return true;
        }
        return false;
      };
      const obs = new MutationObserver(() => {
        if (check()) obs.disconnect();
      });
      obs.observe(document.body, { subtree: true, childList: true, characterData: true });
    },
    { column, expected },
  );
  await act();
  await page.waitForFunction(() => (window as unknown as { __t1?: number }).__t1 !== undefined, null, {
    timeout: 15_000,
  });
  return page.evaluate(() => {
    const w = window as unknown as { __t0: number; __t1: number };
    return w.__t1 - w.__t0;
  });
}

describe.skipIf(!hasStudio)("Prepare recipe editor", () => {
  const studio = useStudio();

  it("builds a script whose user-agent step blocks Databricks, shows each step's columns, runs it", async () => {
    const s = await projectWith(studio, { visits: VISITS });
    const { page } = s;
    await newRecipeFrom(s, "visits", "prepare");
    await page.getByTestId("prepare-empty").waitFor();
    await previewReady(page);

    // 1. Upper-case the city (the catalogue's search finds "Change case").
    await addStep(page, "case", "ChangeCase");
    await page.getByTestId("step-param-0-columns-add").waitFor();
    await page.getByTestId("step-param-0-mode").selectOption("upper");
    await page.getByTestId("prepare-step-0-rename").fill("Upper-case city");
    await page
      .getByTestId("prepare-step-0-comment-input")
      .fill("Cities are compared in upper case downstream");
    await expect.poll(async () => (await previewRows(page))[0]?.[1]).toBe("PARIS");
    const city = page.getByTestId("preview-table").locator("thead th", { hasText: "city" });
    expect(await city.getAttribute("data-highlight")).toBe("changed");

    // 2. Keep amount >= 50 (the catalogue, searched, is in a screenshot).
    await page.getByTestId("add-step").click();
    await page.getByTestId("step-search").fill("filter");
    await page.getByTestId("add-step-FilterOnNumericalRange").waitFor();
    await screenshot(page, "prepare-catalogue");
    await page.getByTestId("step-search").fill("numerical range");
    await page.getByTestId("add-step-FilterOnNumericalRange").click();
    await page.getByTestId("step-param-1-column").selectOption("amount");
    await page.getByTestId("step-param-1-min").fill("50");
    await expect.poll(async () => (await previewRows(page))[0]?.[0]).toBe("51");

    // 3. Parse the user agent: local only, it blocks Databricks and says which step does.
    await addStep(page, "user agent", "UserAgentParser");
    await expect.poll(async () => headers(page)).toContain("ua_browser");
    expect(await page.getByTestId("prepare-step-2-spark").getAttribute("data-level")).toBe("none");
    expect(await page.getByTestId("prepare-step-2-duckdb").getAttribute("data-level")).toBe("full");
    expect(await page.getByTestId("prepare-step-0-spark").getAttribute("data-level")).toBe("full");
    const blocker = page.getByTestId("prepare-spark-blocker");
    await expect.poll(() => blocker.textContent()).toMatch(/Step 'Parse user agent' \(#3\)/);
    expect(await page.getByTestId("prepare-engine-duckdb").getAttribute("data-ok")).toBe("true");
    await expect.poll(() => page.getByTestId("engine-badge-spark").getAttribute("data-level")).toBe("none");
    expect(await page.getByTestId("engine-badge-spark").getAttribute("title")).toMatch(/Parse user agent/);
    const added = page.getByTestId("preview-table").locator("thead th[data-highlight=added]");
    expect(await added.count()).toBeGreaterThanOrEqual(3);
    await screenshot(page, "prepare-script");

    // The table as of step 1: no user-agent columns yet, only the city marked.
    await page.getByTestId("prepare-step-0-head").click();
    await page.getByTestId("preview-as-of").waitFor();
    await expect.poll(async () => headers(page)).not.toContain("ua_browser");
    await previewReady(page);
    expect(await page.getByTestId("preview-table").locator("thead th[data-highlight]").count()).toBe(1);
    await screenshot(page, "prepare-as-of-step-1");

    // Edit-to-table latency on the 10,000-row sample (ChangeCase upper <-> lower).
    const times: number[] = [];
    for (const mode of ["lower", "upper", "lower", "upper", "lower", "upper"]) {
      const expected = mode === "lower" ? "paris" : "PARIS";
      times.push(
        await timeEdit(page, () => page.getByTestId("step-param-0-mode").selectOption(mode), 1, expected),
      );
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    console.log(
      `prepare preview: edit -> rendered table on a ${ROWS}-row sample: median ${median.toFixed(0)} ms, all ${times.map((t) => t.toFixed(0)).join(", ")} ms`,
    );
    await page.getByTestId("show-all-steps").click();

    // Reorder by keyboard: Alt+Up moves the user-agent step above the filter, Alt+Down back.
    await page.getByTestId("prepare-step-2-head").focus();
    await page.keyboard.press("Alt+ArrowUp");
    await expect
      .poll(() => page.getByTestId("prepare-step-1").getAttribute("data-type"))
      .toBe("UserAgentParser");
    await expect.poll(() => blocker.textContent()).toMatch(/\(#2\)/);
    await page.keyboard.press("Alt+ArrowDown");
    await expect
      .poll(() => page.getByTestId("prepare-step-2").getAttribute("data-type"))
      .toBe("UserAgentParser");

    // Reorder by drag: the filter to the top, then back.
    await page.getByTestId("prepare-step-1-head").dragTo(page.getByTestId("prepare-step-0-head"));
    await expect
      .poll(() => page.getByTestId("prepare-step-0").getAttribute("data-type"))
      .toBe("FilterOnNumericalRange");
    await page.getByTestId("prepare-step-0-head").dragTo(page.getByTestId("prepare-step-1-head"));
    await expect.poll(() => page.getByTestId("prepare-step-0").getAttribute("data-type")).toBe("ChangeCase");

    // Disable the filter: amount 0 rows come back; enable it again.
    await page.getByTestId("prepare-step-1-enabled").uncheck();
    await expect.poll(async () => (await previewRows(page))[0]?.[0]).toBe("1");
    await page.getByTestId("prepare-step-1-enabled").check();
    await expect.poll(async () => (await previewRows(page))[0]?.[0]).toBe("51");

    // Duplicate the first step, then delete the copy.
    await page.getByTestId("prepare-step-0-duplicate").click();
    await expect.poll(() => page.getByTestId("prepare-steps").locator("> li").count()).toBe(4);
    await page.getByTestId("prepare-step-1-delete").click();
    await expect.poll(() => page.getByTestId("prepare-steps").locator("> li").count()).toBe(3);
    expect(await page.getByTestId("prepare-step-0-name").textContent()).toBe("Upper-case city");
    expect(await page.getByTestId("prepare-step-0-comment").textContent()).toMatch(/upper case downstream/);

    // Unfold reads its values from the sample; then the step goes again.
    await addStep(page, "unfold", "Unfold");
    await page.getByTestId("step-param-3-column").selectOption("city");
    await page.getByTestId("prepare-step-3-load-values").click();
    await expect
      .poll(() => page.getByTestId("step-param-3-values").inputValue())
      .toMatch(/lille\nlyon\nnantes\nparis/);
    await page.getByTestId("prepare-step-3-delete").click();
    await expect.poll(() => page.getByTestId("prepare-steps").locator("> li").count()).toBe(3);

    // Create, run (the local engine runs the UDF), read the output back.
    await createAndRun(s, "visits_prepared", "prepare");
    const out = await datasetRows(s, "visits_prepared");
    expect(out.columns.slice(0, 4)).toEqual(["id", "city", "amount", "ua"]);
    expect(out.columns).toContain("ua_browser");
    const list: { name: string; currentVersion: { rowCount: number | null } | null }[] = await apiCall(
      page,
      "GET",
      `/projects/${s.projectId}/datasets`,
    );
    expect(list.find((d) => d.name === "visits_prepared")?.currentVersion?.rowCount).toBe(ROWS / 2);
    const col = (n: string) => out.columns.indexOf(n);
    for (const r of out.rows.slice(0, 50)) {
      expect(Number(r[col("amount")])).toBeGreaterThanOrEqual(50);
      expect(String(r[col("city")])).toMatch(/^[A-Z]+$/);
    }
    const browsers = new Set(out.rows.map((r) => r[col("ua_browser")]));
    expect(browsers.has("Chrome")).toBe(true);
    expect(browsers.has("Firefox")).toBe(true);
    // The saved recipe still says why Databricks cannot run it.
    expect(await page.getByTestId("prepare-spark-blocker").textContent()).toMatch(/Parse user agent/);
    expect(s.errors).toEqual([]);
  });
});
