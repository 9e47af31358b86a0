import type { Browser, Page } from "playwright-core";
import { expect } from "vitest";
import { admin, studioUrl, uniqueKey } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";

// Shared steps of the recipe editor specs: sign in, a project with CSV datasets, a new recipe from
// a dataset's "New recipe" menu on the Flow, create, run, and read the output rows back.

export type Row = (string | number | boolean | null)[];

export interface Session {
  page: Page;
  projectId: string;
  errors: string[];
  datasets: Record<string, string>;
}

export async function signIn(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${studioUrl}/login`);
  await page.getByTestId("login-email").fill(admin.email);
  await page.getByTestId("login-password").fill(admin.password);
  await page.getByTestId("login-submit").click();
  await page.waitForURL(`${studioUrl}/`);
  return { page, errors };
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

/** Signs in, creates a project holding `csvs` (name -> CSV text) and opens its Flow. */
export async function projectWith(browser: Browser, csvs: Record<string, string>): Promise<Session> {
  const { page, errors } = await signIn(browser);
  const project = await apiCall(page, "POST", "/projects", { key: uniqueKey("RCP"), name: "Recipes e2e" });
  const datasets: Record<string, string> = {};
  for (const [name, csv] of Object.entries(csvs)) {
    const d = await apiCall(page, "POST", `/projects/${project.id}/datasets?name=${name}`, undefined, csv);
    datasets[name] = d.id;
  }
  await page.goto(`${studioUrl}/projects/${project.id}`);
  await page.getByTestId(`node-${Object.keys(csvs)[0]}`).waitFor();
  return { page, projectId: project.id, errors, datasets };
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
