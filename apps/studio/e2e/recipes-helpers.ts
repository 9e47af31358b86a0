import type { Page } from "playwright-core";
import { expect } from "vitest";
import { studioUrl } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import type { Studio } from "./fixture.ts";

// Shared steps of the recipe editor specs: a project with CSV datasets, a new recipe from
// a dataset's "New recipe" menu on the Flow, create, run, and read the output rows back.

export type Row = (string | number | boolean | null)[];

export interface Session {
  page: Page;
  projectId: string;
  errors: string[];
  datasets: Record<string, string>;
}

async function apiCall(
  page: Page,
  method: "GET" | "POST" | "PUT",
  path: string,
  data?: unknown,
  csv?: string,
) {
  const url = `${studioUrl}/api/v1${path}`;
  const r =
    method === "GET"
      ? await page.request.get(url)
      : await page.request.fetch(url, {
          method,
          ...(csv !== undefined ? { data: csv, headers: { "content-type": "text/csv" } } : { data }),
        });
  const body = await r.json().catch(() => null);
  if (!r.ok()) throw new Error(`${method} ${path}: ${r.status()} ${JSON.stringify(body)}`);
  return body;
}

export { apiCall };

/** A project holding `csvs` (name -> CSV text), its Flow open in a page signed in as the admin. */
export async function projectWith(studio: Studio, csvs: Record<string, string>): Promise<Session> {
  const { projectId, datasets } = await studio.project("Recipes e2e", csvs, "RCP");
  const { page, errors } = await studio.page();
  await page.goto(`${studioUrl}/projects/${projectId}`);
  await page.getByTestId(`node-${Object.keys(csvs)[0]}`).waitFor();
  return { page, projectId, errors, datasets };
}

/** From the Flow: select the dataset, open "New recipe", pick the kind; waits for the editor's first preview. */
export async function newRecipeFrom(s: Session, dataset: string, kind: string): Promise<void> {
  const { page } = s;
  await page.getByTestId(`node-${dataset}`).click();
  await page.getByTestId("new-recipe").click();
  await page.getByTestId(`new-recipe-${kind}`).click();
  await page.waitForURL(/\/recipes\/new\?/);
  await page.getByTestId("recipe-editor").waitFor();
}

/** Waits until the preview shows the answer to the latest edit. */
export async function previewReady(page: Page): Promise<void> {
  const status = page.getByTestId("preview-status");
  await expect.poll(() => status.getAttribute("data-state"), { timeout: 30_000 }).toBe("ready");
}

/** The preview table's rows as text. */
export async function previewRows(page: Page): Promise<string[][]> {
  await previewReady(page);
  return page
    .getByTestId("preview-table")
    .locator("tbody tr")
    .evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll("td"), (td) => td.textContent?.trim() ?? "")),
    );
}

/** Names the output, creates the recipe, runs it from the editor and waits for the job. */
export async function createAndRun(s: Session, output: string, shot: string): Promise<void> {
  const { page } = s;
  await page.getByTestId("output-name").fill(output);
  await previewReady(page);
  await screenshot(page, `${shot}-editor`);
  await page.getByTestId("save-recipe").click();
  await page.waitForURL(/\/recipes\/[^/?]+$/, { timeout: 30_000 });
  await page.getByTestId("run-recipe").click();
  const status = page.getByTestId("job-status");
  await expect.poll(() => status.getAttribute("data-state"), { timeout: 90_000 }).toBe("SUCCEEDED");
  await screenshot(page, `${shot}-after-run`);
}

/** The rows of a built dataset, read through the API (file order). */
export async function datasetRows(s: Session, name: string): Promise<{ columns: string[]; rows: Row[] }> {
  const list: { id: string; name: string }[] = await apiCall(
    s.page,
    "GET",
    `/projects/${s.projectId}/datasets`,
  );
  const d = list.find((x) => x.name === name);
  if (!d) throw new Error(`no dataset ${name}`);
  const p = await apiCall(s.page, "GET", `/projects/${s.projectId}/datasets/${d.id}/preview?limit=1000`);
  return { columns: p.columns.map((c: { name: string }) => c.name), rows: p.rows };
}

export const sortRows = <T>(rows: T[]): T[] =>
  [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/**
 * Accepts the open completion with Enter, as a user does, once `label` is the selected option.
 * CodeMirror ignores Enter for `interactionDelay` (75 ms) after the list opens, so that a fast
 * typist's Enter is not taken as a choice; a test that presses it at once can lose the key.
 */
export async function acceptCompletion(page: Page, label: string): Promise<void> {
  const selected = page.locator(".cm-tooltip-autocomplete li[aria-selected=true]");
  await expect.poll(async () => (await selected.textContent())?.startsWith(label)).toBe(true);
  await page.waitForTimeout(150);
  await page.keyboard.press("Enter");
}
