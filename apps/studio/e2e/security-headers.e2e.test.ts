import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasStudio, studioUrl, uniqueKey } from "../test/api-client.ts";
import { submitLogin, useStudio } from "./fixture.ts";
import { apiCall, newRecipeFrom, previewReady } from "./recipes-helpers.ts";

const ORDERS = "id,amount\n1,10\n2,20\n";

// The content security policy must not break the studio: sign in through the form, open the
// Flow, a dataset and a SQL recipe's editor (CodeMirror injects styles), with no violation
// reported. Another site cannot frame the studio.
describe.skipIf(!hasStudio)("content security policy", () => {
  const studio = useStudio();

  function watch(page: Page): string[] {
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" && /Content.Security.Policy|Refused to/i.test(m.text()))
        problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));
    return problems;
  }

  it("lets every page work and reports no violation", async () => {
    const { page } = await studio.page({ as: null });
    const problems = watch(page);
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        console.error(
          `Content-Security-Policy violation: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} on ${location.pathname}`,
        );
      });
    });
    const res = await page.goto(`${studioUrl}/login`);
    expect(res?.headers()["content-security-policy"]).toMatch(/frame-ancestors 'none'/);
    await submitLogin(page);

    const project = await apiCall(page, "POST", "/projects", { key: uniqueKey("CSP"), name: "CSP" });
    const ds = await apiCall(page, "POST", `/projects/${project.id}/datasets?name=orders`, undefined, ORDERS);
    await page.goto(`${studioUrl}/projects/${project.id}`);
    await page.getByTestId("node-orders").waitFor();
    await newRecipeFrom(
      { page, projectId: project.id, errors: [], datasets: { orders: ds.id } },
      "orders",
      "sql",
    );
    await page.getByTestId("sql-editor-input").waitFor();
    await previewReady(page);
    await page.goto(`${studioUrl}/projects/${project.id}/datasets/${ds.id}`);
    await page.getByTestId("dataset-table").waitFor();
    await page.goto(`${studioUrl}/projects/${project.id}/jobs`);
    await page.getByTestId("jobs-filters").waitFor();
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("cannot be framed by another page", async () => {
    const context = await studio.browser.newContext();
    const page = await context.newPage();
    const refused: string[] = [];
    page.on("console", (m) => {
      if (/frame-ancestors/.test(m.text())) refused.push(m.text());
    });
    await page.setContent(`<iframe id="f" src="${studioUrl}/login" width="800" height="600"></iframe>`);
    await page.waitForTimeout(1500);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    const inside = frame ? await frame.locator("[data-testid=login-email]").count() : 0;
    expect(inside).toBe(0);
    expect(refused.length).toBeGreaterThan(0);
    await context.close();
  });
});
