import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  admin,
  type Caller,
  call,
  hasStudio,
  loginAs,
  studioUrl,
  uniqueKey,
  withApiKey,
} from "../test/api-client.ts";
import { launchBrowser, screenshot } from "./browser.ts";

// Rename and Delete in the dataset page's header: the delete confirmation names the recipes that
// read the dataset and cannot be confirmed while they do; a reader added after the dialog opened
// gets the API's 409 shown as it is; a dataset nobody reads is deleted.
const CSV = "id,amount\n1,10\n2,20\n";
const spec = { kind: "sync", version: 1, params: {} };

describe.skipIf(!hasStudio)("dataset page: rename and delete", () => {
  let browser: Browser;
  let key: Caller;
  let session: Caller;
  beforeAll(async () => {
    browser = await launchBrowser();
    session = await loginAs(admin.email, admin.password);
    key = await withApiKey(session);
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(projectId: string, datasetId: string): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const [cookieName, value] = session.headers.cookie?.split("=") ?? [];
    await context.addCookies([{ name: cookieName ?? "", value: value ?? "", url: studioUrl }]);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${studioUrl}/projects/${projectId}/datasets/${datasetId}`);
    await page.getByTestId("dataset-rename").waitFor();
    return { page, errors };
  }

  it("renames; delete is disabled while a recipe reads it, a later reader gets the 409, then it deletes", async () => {
    const projectId = (
      await call("/projects", {
        method: "POST",
        json: { key: uniqueKey("DA"), name: "Dataset actions" },
        as: key,
      })
    ).data.id as string;
    const sales = (
      await call(`/projects/${projectId}/datasets?name=sales`, {
        method: "POST",
        body: CSV,
        headers: { "content-type": "text/csv" },
        as: key,
      })
    ).data;
    const other = (
      await call(`/projects/${projectId}/datasets?name=other`, {
        method: "POST",
        body: CSV,
        headers: { "content-type": "text/csv" },
        as: key,
      })
    ).data;
    const recipe = await call(`/projects/${projectId}/recipes`, {
      method: "POST",
      json: { name: "copy_sales", inputs: [sales.id], output: { name: "sales_copy" }, spec },
      as: key,
    });
    expect(recipe.status).toBe(201);

    const { page, errors } = await open(projectId, sales.id);
    // Rename: a taken name is refused with the API's message; a free one is saved.
    // The dialog opens on its name field; Escape closes it and gives the focus back to Rename.
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute("data-testid"));
    await page.getByTestId("dataset-rename").click();
    await page.getByTestId("rename-dialog").waitFor();
    await expect.poll(focused).toBe("rename-input");
    await page.keyboard.press("Escape");
    await page.getByTestId("rename-dialog").waitFor({ state: "detached" });
    await expect.poll(focused).toBe("dataset-rename");
    await page.getByTestId("dataset-rename").click();
    await page.getByTestId("rename-dialog").waitFor();
    await screenshot(page, "dataset-actions-rename");
    await page.getByTestId("rename-input").fill("other");
    await page.getByTestId("rename-submit").click();
    await expect.poll(() => page.getByTestId("rename-error").textContent()).toMatch(/other/);
    await page.getByTestId("rename-input").fill("sales_2024");
    await page.getByTestId("rename-submit").click();
    await page.getByTestId("rename-dialog").waitFor({ state: "detached" });
    await expect
      .poll(async () => (await call(`/projects/${projectId}/datasets/${sales.id}`, { as: key })).data.name)
      .toBe("sales_2024");
    await expect.poll(() => page.getByTestId("dataset-name").textContent()).toContain("sales_2024");

    // Delete: the confirmation names the reader and cannot be confirmed; nothing deleted.
    await page.getByTestId("dataset-delete").click();
    await expect.poll(() => page.getByTestId("delete-readers").textContent()).toContain("copy_sales");
    expect(await page.getByTestId("delete-confirm").isDisabled()).toBe(true);
    await screenshot(page, "dataset-actions-delete-confirm");
    expect((await call(`/projects/${projectId}/datasets/${sales.id}`, { as: key })).status).toBe(200);

    // A reader added after the dialog opened: the server's 409 is shown as is; nothing deleted.
    const { page: p2, errors: errors2 } = await open(projectId, other.id);
    await p2.getByTestId("dataset-delete").click();
    await expect.poll(() => p2.getByTestId("delete-readers").textContent()).toBe("No recipe reads it.");
    const late = await call(`/projects/${projectId}/recipes`, {
      method: "POST",
      json: { name: "copy_other", inputs: [other.id], output: { name: "other_copy" }, spec },
      as: key,
    });
    expect(late.status).toBe(201);
    await p2.getByTestId("delete-confirm").click();
    await expect
      .poll(() => p2.getByTestId("delete-error").textContent())
      .toMatch(/other is used by recipe copy_other/);
    await screenshot(p2, "dataset-actions-delete-409");
    expect((await call(`/projects/${projectId}/datasets/${other.id}`, { as: key })).status).toBe(200);

    // Once that recipe is gone, the reopened dialog deletes the dataset: back to the Flow.
    const gone = await call(`/projects/${projectId}/recipes/${late.data.id}`, { method: "DELETE", as: key });
    expect(gone.status).toBe(204);
    await p2.getByTestId("delete-dialog").getByRole("button", { name: "Close" }).click();
    await p2.getByTestId("delete-dialog").waitFor({ state: "detached" });
    await p2.getByTestId("dataset-delete").click();
    await expect.poll(() => p2.getByTestId("delete-readers").textContent()).toBe("No recipe reads it.");
    await p2.getByTestId("delete-confirm").click();
    await p2.waitForURL(`${studioUrl}/projects/${projectId}`);
    expect((await call(`/projects/${projectId}/datasets/${other.id}`, { as: key })).status).toBe(404);
    expect(errors2).toEqual([]);
    expect(errors).toEqual([]);
  });
});
