import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { call, hasStudio, studioUrl } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// Rename and Delete in the dataset page's header: the delete confirmation names the recipes that
// read the dataset and cannot be confirmed while they do; a reader added after the dialog opened
// gets the API's 409 shown as it is; a dataset nobody reads is deleted.
const CSV = "id,amount\n1,10\n2,20\n";
const spec = { kind: "sync", version: 1, params: {} };

describe.skipIf(!hasStudio)("dataset page: rename and delete", () => {
  const studio = useStudio();

  async function open(projectId: string, datasetId: string): Promise<{ page: Page; errors: string[] }> {
    const { page, errors } = await studio.page();
    await page.goto(`${studioUrl}/projects/${projectId}/datasets/${datasetId}`);
    await page.getByTestId("dataset-rename").waitFor();
    return { page, errors };
  }

  it("renames; delete is disabled while a recipe reads it, a later reader gets the 409, then it deletes", async () => {
    const {
      projectId,
      datasets: { sales, other },
    } = await studio.project("Dataset actions", { sales: CSV, other: CSV }, "DA");
    const recipe = await call(`/projects/${projectId}/recipes`, {
      method: "POST",
      json: { name: "copy_sales", inputs: [sales], output: { name: "sales_copy" }, spec },
      as: studio.key,
    });
    expect(recipe.status).toBe(201);

    const { page, errors } = await open(projectId, sales);
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
      .poll(
        async () => (await call(`/projects/${projectId}/datasets/${sales}`, { as: studio.key })).data.name,
      )
      .toBe("sales_2024");
    await expect.poll(() => page.getByTestId("dataset-name").textContent()).toContain("sales_2024");

    // Delete: the confirmation names the reader and cannot be confirmed; nothing deleted.
    await page.getByTestId("dataset-delete").click();
    await expect.poll(() => page.getByTestId("delete-readers").textContent()).toContain("copy_sales");
    expect(await page.getByTestId("delete-confirm").isDisabled()).toBe(true);
    await screenshot(page, "dataset-actions-delete-confirm");
    expect((await call(`/projects/${projectId}/datasets/${sales}`, { as: studio.key })).status).toBe(200);

    // A reader added after the dialog opened: the server's 409 is shown as is; nothing deleted.
    const { page: p2, errors: errors2 } = await open(projectId, other);
    await p2.getByTestId("dataset-delete").click();
    await expect.poll(() => p2.getByTestId("delete-readers").textContent()).toBe("No recipe reads it.");
    const late = await call(`/projects/${projectId}/recipes`, {
      method: "POST",
      json: { name: "copy_other", inputs: [other], output: { name: "other_copy" }, spec },
      as: studio.key,
    });
    expect(late.status).toBe(201);
    await p2.getByTestId("delete-confirm").click();
    await expect
      .poll(() => p2.getByTestId("delete-error").textContent())
      .toMatch(/other is used by recipe copy_other/);
    await screenshot(p2, "dataset-actions-delete-409");
    expect((await call(`/projects/${projectId}/datasets/${other}`, { as: studio.key })).status).toBe(200);

    // Once that recipe is gone, the reopened dialog deletes the dataset: back to the Flow.
    const gone = await call(`/projects/${projectId}/recipes/${late.data.id}`, {
      method: "DELETE",
      as: studio.key,
    });
    expect(gone.status).toBe(204);
    await p2.getByTestId("delete-dialog").getByRole("button", { name: "Close" }).click();
    await p2.getByTestId("delete-dialog").waitFor({ state: "detached" });
    await p2.getByTestId("dataset-delete").click();
    await expect.poll(() => p2.getByTestId("delete-readers").textContent()).toBe("No recipe reads it.");
    await p2.getByTestId("delete-confirm").click();
    await p2.waitForURL(`${studioUrl}/projects/${projectId}`);
    expect((await call(`/projects/${projectId}/datasets/${other}`, { as: studio.key })).status).toBe(404);
    expect(errors2).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("lists the Lab analyses of a dataset, which its delete takes with it", async () => {
    const {
      projectId,
      datasets: { sales },
    } = await studio.project("Dataset actions ML", { sales: CSV }, "DM");
    const analysis = await call(`/projects/${projectId}/ml/analyses`, {
      method: "POST",
      json: { datasetId: sales, target: "amount" },
      as: studio.key,
    });
    expect(analysis.status, JSON.stringify(analysis.data)).toBe(201);
    const { page, errors } = await open(projectId, sales);
    await page.getByTestId("dataset-delete").click();
    await expect
      .poll(() => page.getByTestId("delete-trained").textContent())
      .toContain(`Lab analysis ${analysis.data.name}`);
    await screenshot(page, "dataset-actions-delete-trained");
    await page.getByTestId("delete-confirm").click();
    await page.waitForURL(`${studioUrl}/projects/${projectId}`);
    expect((await call(`/projects/${projectId}/datasets/${sales}`, { as: studio.key })).status).toBe(404);
    const left = await call(`/projects/${projectId}/ml/analyses/${analysis.data.id}`, { as: studio.key });
    expect(left.status).toBe(404);
    expect(errors).toEqual([]);
  });
});
