import { describe, expect, it } from "vitest";
import { hasStudio } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";
import { SALES } from "./recipes-data.ts";
import {
  acceptCompletion,
  apiCall,
  createAndRun,
  datasetRows,
  newRecipeFrom,
  previewReady,
  previewRows,
  projectWith,
  sortRows,
} from "./recipes-helpers.ts";

// The formula editor (CodeMirror) in the filter recipe's formula rule: completion of functions
// with their signatures, an unknown column underlined where it is with the checker's message on
// hover, fixed, then the recipe runs and its rows are checked. The same editor in the prepare
// recipe's Formula step and in the group recipe's custom aggregations.

describe.skipIf(!hasStudio)("Formula editor", () => {
  const studio = useStudio();

  it("underlines a formula's error at its position, then the fixed formula filters the rows", async () => {
    const s = await projectWith(studio, { sales: SALES });
    const { page } = s;
    await newRecipeFrom(s, "sales", "filter");
    await page.getByTestId("filter-enabled").check();
    // The default rule is a column rule; replace it by a formula rule.
    await page.getByTestId("add-formula-rule").click();
    await page.getByTestId("rule-remove-0").click();
    const input = page.getByTestId("rule-formula-0-input");
    await input.click();

    // Completion: functions with their signatures, and the columns.
    await page.keyboard.type("upp");
    const completion = page.locator(".cm-tooltip-autocomplete");
    await completion.waitFor();
    expect(await completion.textContent()).toMatch(/upper/);
    await acceptCompletion(page, "upper");
    // Accepting a completion updates the editor asynchronously: wait for it.
    await expect.poll(() => input.textContent()).toBe("upper(");
    await page.keyboard.type("regoin");
    await page.keyboard.press("Escape");
    await page.keyboard.type(') == "NORTH"');
    await expect.poll(() => input.textContent()).toBe('upper(regoin) == "NORTH"');

    // The misspelt column is underlined, where it is, with the checker's message.
    const underline = page.locator(".cm-lintRange-error");
    await expect.poll(() => underline.first().textContent()).toBe("regoin");
    const status = page.getByTestId("rule-formula-0-status");
    await expect.poll(() => status.getAttribute("data-state")).toBe("error");
    expect(await status.textContent()).toMatch(/regoin/);
    await underline.first().hover();
    const tip = page.locator(".cm-tooltip-lint");
    await tip.waitFor();
    expect(await tip.textContent()).toMatch(/regoin/);
    await screenshot(page, "formula-error");

    // Fix it: select the bad name and type the right one.
    await page.keyboard.press("Escape");
    const text = (await input.textContent()) ?? "";
    await input.click();
    await page.keyboard.press("Control+End");
    for (let i = text.length - text.indexOf("regoin"); i > 0; i--) await page.keyboard.press("ArrowLeft");
    for (let i = 0; i < "regoin".length; i++) await page.keyboard.press("Delete");
    await page.keyboard.type("reg");
    await completion.waitFor();
    expect(await completion.textContent()).toMatch(/region/);
    await acceptCompletion(page, "region");
    await expect.poll(() => input.textContent()).toBe('upper(region) == "NORTH"');
    await expect.poll(() => status.getAttribute("data-state")).toBe("valid");
    expect(await underline.count()).toBe(0);
    expect(await previewRows(page)).toHaveLength(2);
    await screenshot(page, "formula-fixed");

    await createAndRun(s, "north_by_formula", "formula");
    const out = await datasetRows(s, "north_by_formula");
    expect(sortRows(out.rows)).toEqual([
      ["north", "apple", 10, "2024-01-01"],
      ["north", "pear", 2.5, "2024-01-03"],
    ]);
    expect(s.errors).toEqual([]);
  });

  it("gives the prepare recipe's Formula step the editor, with the columns its step sees", async () => {
    const s = await projectWith(studio, { sales: SALES });
    const { page } = s;
    await newRecipeFrom(s, "sales", "prepare");
    const addFormulaStep = async () => {
      await page.getByTestId("add-step").click();
      await page.getByTestId("step-search").fill("formula");
      await page.getByTestId("add-step-CreateColumnWithGREL").click();
    };

    // Step 1 makes `net`; step 2's formula is then completed and checked against it.
    await addFormulaStep();
    await page.getByTestId("step-param-0-output").fill("net");
    const first = page.getByTestId("step-param-0-formula-input");
    await first.click();
    await page.keyboard.press("Control+a");
    await page.keyboard.type("amount * 2");
    await expect.poll(() => first.textContent()).toBe("amount * 2");
    await expect
      .poll(() => page.getByTestId("step-param-0-formula-status").textContent())
      .toMatch(/Gives a double/);
    await previewReady(page);

    await addFormulaStep();
    await page.getByTestId("step-param-1-output").fill("big_north");
    const input = page.getByTestId("step-param-1-formula-input");
    await input.click();
    await page.keyboard.press("Control+a");
    await page.keyboard.type("ne");
    const completion = page.locator(".cm-tooltip-autocomplete");
    await completion.waitFor();
    // `net` exists only after step 1: the completion knows the schema before this step.
    await acceptCompletion(page, "net");
    await expect.poll(() => input.textContent()).toBe("net");
    await page.keyboard.type(' > 10 && upper(regoin) == "NORTH"');
    await page.keyboard.press("Escape");
    const underline = page.locator(".cm-lintRange-error");
    await expect.poll(() => underline.first().textContent()).toBe("regoin");
    const status = page.getByTestId("step-param-1-formula-status");
    await expect.poll(() => status.getAttribute("data-state")).toBe("error");
    expect(await status.textContent()).toMatch(/regoin/);
    await screenshot(page, "formula-prepare-error");

    // Fixed by hand: the step is valid, gives a boolean, and the preview computes it.
    await page.keyboard.press("Control+a");
    await page.keyboard.type('net > 10 && upper(region) == "NORTH"');
    await expect.poll(() => status.getAttribute("data-state")).toBe("valid");
    expect(await status.textContent()).toMatch(/Gives a boolean/);
    expect(await underline.count()).toBe(0);
    const rows = await previewRows(page);
    expect(rows.map((r) => r.slice(-2))).toEqual([
      ["20", "true"],
      ["10", "false"],
      ["5", "false"],
      ["2", "false"],
      ["10", "false"],
    ]);
    await screenshot(page, "formula-prepare-fixed");

    // The saved recipe holds the formulas as text, as before the editor.
    await createAndRun(s, "sales_flags", "formula-prepare");
    const recipeId = /\/recipes\/([^/?]+)$/.exec(page.url())?.[1];
    const recipe = await apiCall(page, "GET", `/projects/${s.projectId}/recipes/${recipeId}`);
    expect(
      recipe.spec.params.steps.map((x: { type: string; params: unknown }) => [x.type, x.params]),
    ).toEqual([
      ["CreateColumnWithGREL", { output: "net", formula: "amount * 2" }],
      ["CreateColumnWithGREL", { output: "big_north", formula: 'net > 10 && upper(region) == "NORTH"' }],
    ]);
    const out = await datasetRows(s, "sales_flags");
    expect(out.rows.map((r) => r.slice(-2))).toEqual([
      [20, true],
      [10, false],
      [5, false],
      [2, false],
      [10, false],
    ]);
    expect(s.errors).toEqual([]);
  });

  it("checks a group recipe's custom aggregation in aggregate mode", async () => {
    const s = await projectWith(studio, { sales: SALES });
    const { page } = s;
    await newRecipeFrom(s, "sales", "group");
    await page.getByTestId("add-custom-aggregation").click();
    const input = page.getByTestId("custom-agg-formula-0-input");
    await input.click();
    // A column outside an aggregation (not a key) is refused where it is.
    await page.keyboard.type("amount * 2");
    const underline = page.locator(".cm-lintRange-error");
    await expect.poll(() => underline.first().textContent()).toBe("amount");
    const status = page.getByTestId("custom-agg-formula-0-status");
    await expect.poll(() => status.getAttribute("data-state")).toBe("error");
    await screenshot(page, "formula-aggregate-error");
    await page.keyboard.press("Control+a");
    await page.keyboard.type("sum(amount) * 2");
    await expect.poll(() => status.getAttribute("data-state")).toBe("valid");
    await expect.poll(async () => (await previewRows(page)).length).toBe(3);
    const headers = await page.getByTestId("preview-table").locator("thead th .th-name").allTextContents();
    expect(headers).toContain("custom_1");
    expect(s.errors).toEqual([]);
  });
});
