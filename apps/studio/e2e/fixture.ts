import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach } from "vitest";
import {
  admin,
  type Caller,
  createProject,
  loginAs,
  studioUrl,
  uploadCsv,
  withApiKey,
} from "../test/api-client.ts";
import { launchBrowser, screenshot } from "./browser.ts";

// The setup every e2e spec shares, in one place: one headless Chromium per spec file, the admin's
// session (a cookie) and an API key made from it, pages signed in with that session or through the
// login form, and projects with CSV datasets made through the API.
//
//   describe.skipIf(!hasStudio)("...", () => {
//     const studio = useStudio();
//     it("...", async () => {
//       const { projectId, datasets } = await studio.project("Sales", { sales: CSV });
//       const { page, errors } = await studio.page();
//       ...
//       expect(errors).toEqual([]);
//     });
//   });

/** The studio's size in every spec unless one asks for another. */
export const VIEWPORT = { width: 1440, height: 900 };

export interface OpenPage {
  page: Page;
  /** Uncaught errors of the page's scripts; specs end with `expect(errors).toEqual([])`. */
  errors: string[];
}

export interface NewProject<K extends string = string> {
  projectId: string;
  /** The project's key (uniqueKey(prefix)). */
  key: string;
  /** Dataset id by name, one per CSV given. */
  datasets: Record<K, string>;
}

export interface Studio {
  readonly browser: Browser;
  /** The admin's session cookie, as a Caller for `call()`. */
  readonly session: Caller;
  /** An API key of the admin's, as a Caller for `call()`. */
  readonly key: Caller;
  /**
   * A page in a context of its own, signed in with `as` (a session Caller; the admin's by default),
   * or anonymous with `as: null`.
   */
  page(opts?: { as?: Caller | null; viewport?: { width: number; height: number } }): Promise<OpenPage>;
  /**
   * A page in a context of its own, signed in as a person does: the studio's home sends an anonymous
   * visitor to /login, whose form signs in (the admin by default) and leads back home.
   */
  signIn(opts?: {
    email?: string;
    password?: string;
    viewport?: { width: number; height: number };
  }): Promise<OpenPage>;
  /** A project of the admin's holding `csvs` (dataset name -> CSV text), made through the API. */
  project<K extends string = never>(
    name: string,
    csvs?: Record<K, string>,
    keyPrefix?: string,
  ): Promise<NewProject<K>>;
}

/** Collects a page's uncaught script errors. */
function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}

/**
 * What a failed test's page showed, in the test's output: its address and visible text (a CI log
 * keeps that where it keeps no file), and a screenshot when SOUS_TEST_OUTPUT_DIR is set. A step
 * that waited in vain for an element then says what was on the screen instead.
 */
async function reportFailedPage(page: Page, test: string, n: number): Promise<void> {
  if (page.isClosed()) return;
  const text = await page
    .locator("body")
    // biome-ignore lint/performance/useDomNodeTextContent: what was visible is the point (textContent also holds Next's inline scripts)
    .innerText({ timeout: 2000 })
    .then((t) => t.replace(/\s+/g, " ").trim().slice(0, 1500))
    .catch((e: unknown) => `(unreadable: ${String(e)})`);
  const shot = await screenshot(page, `failed-${test.replace(/[^\w-]+/g, "-").slice(0, 80)}-${n}`).catch(
    () => null,
  );
  console.error(
    `[e2e] "${test}" failed on ${page.url()}${shot ? ` (screenshot ${shot})` : ""}; the page showed: ${text}`,
  );
}

/** Fills and submits the login form of the page (on /login) and waits for the studio's home. */
export async function submitLogin(page: Page, email = admin.email, password = admin.password): Promise<void> {
  await page.getByTestId("login-email").fill(email);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
  await page.waitForURL(`${studioUrl}/`);
}

/**
 * Registers the spec file's browser, session and API key (made in beforeAll, closed in afterAll).
 * Call it inside the describe, so a skipped describe launches nothing.
 */
export function useStudio(): Studio {
  let browser: Browser | undefined;
  let session: Caller | undefined;
  let key: Caller | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
    session = await loginAs(admin.email, admin.password);
    key = await withApiKey(session);
  });
  afterAll(async () => {
    await browser?.close();
  });
  /** The pages the running test opened (reported if it fails). */
  let opened: Page[] = [];
  beforeEach((ctx) => {
    opened = [];
    ctx.onTestFailed(async () => {
      for (const [i, p] of opened.entries()) await reportFailedPage(p, ctx.task.name, i);
    });
  });
  const ready = <T>(v: T | undefined, what: string): T => {
    if (v === undefined)
      throw new Error(`useStudio(): ${what} is made in beforeAll; use it inside a test or hook`);
    return v;
  };
  const studio: Studio = {
    get browser() {
      return ready(browser, "the browser");
    },
    get session() {
      return ready(session, "the session");
    },
    get key() {
      return ready(key, "the API key");
    },
    async page(opts = {}) {
      const context = await studio.browser.newContext({ viewport: opts.viewport ?? VIEWPORT });
      const as = opts.as === undefined ? studio.session : opts.as;
      const cookie = as?.headers.cookie;
      if (cookie) {
        // The cookie's value may hold "=": split at the first one only.
        const at = cookie.indexOf("=");
        await context.addCookies([
          { name: cookie.slice(0, at), value: cookie.slice(at + 1), url: studioUrl },
        ]);
      }
      const page = await context.newPage();
      opened.push(page);
      return { page, errors: pageErrors(page) };
    },
    async signIn(opts = {}) {
      const opened = await studio.page({ as: null, viewport: opts.viewport });
      await opened.page.goto(`${studioUrl}/`);
      await opened.page.waitForURL(/\/login/);
      await submitLogin(opened.page, opts.email, opts.password);
      return opened;
    },
    async project<K extends string = never>(
      name: string,
      csvs: Record<K, string> = {} as Record<K, string>,
      keyPrefix = "E2E",
    ): Promise<NewProject<K>> {
      const { id: projectId, key } = await createProject(studio.key, name, keyPrefix);
      const datasets = {} as Record<K, string>;
      for (const [dataset, csv] of Object.entries(csvs) as [K, string][])
        datasets[dataset] = await uploadCsv(studio.key, projectId, dataset, csv);
      return { projectId, key, datasets };
    },
  };
  return studio;
}
