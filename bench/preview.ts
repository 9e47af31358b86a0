// bench/preview.ts: the recipe editor's preview, from an edit to the table showing its answer
// (issue 18: "Preview of a recipe on a 10k-row sample: p95 under 150 ms from the edit to the
// table").
//   1. uploads a 10,000-row dataset (the prepare e2e's visits: id, city, amount, user agent) to a
//      studio through the REST API, and saves a prepare recipe on it (upper-case the city, keep
//      amount >= 10, a formula column), so the preview reads a full 10,000-row sample;
//   2. opens the recipe's editor in headless Chromium (as the e2e specs do) and, `edits` times,
//      switches the first step's case (upper <-> lower) and times, in the page, the `change` event
//      to the table's first city cell showing the new case (debounce, request, the server's
//      compile and DuckDB on the sample, JSON, React's render). Each edit is also split into its
//      parts: change -> request sent (debounce), request sent -> answer read (network + server, of
//      which the server's own durationMs), answer -> table updated (render);
//   3. interleaved with the edits, the same preview through the REST API alone (POST
//      .../recipes/preview with the body the editor sends, timed by this client): the baseline.
// Last line: `preview: edit to table p50 <x> ms, p95 <y> ms (api alone p50 <a> ms)`.
// Run: npm run bench:preview -- [--edits 40]
// It uses the test stack named by SOUS_TEST_STUDIO_URL and SOUS_TEST_ADMIN_EMAIL/PASSWORD
// (`source .test-data/stack-<name>/env.sh` after `pnpm exec tsx scripts/test-stack.ts <name>`);
// without them it starts a studio of its own (apps/studio/.next-bench, built when missing) on a
// database of its own, dropped at the end, as bench/notebooks.ts does.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import pg from "pg";
import type { Browser } from "playwright-core";
import { launchBrowser } from "../apps/studio/e2e/browser.ts";
import { freePort } from "../scripts/lib/net.ts";
import { buildStudio, prepareDatabase, repoRoot, startStack } from "../scripts/lib/stack.ts";
import { ms, pct, studioApi } from "./lib/bench-setup.ts";

const args = process.argv.slice(2);
const editsAt = args.indexOf("--edits");
const EDITS = Math.max(30, editsAt >= 0 ? Number(args[editsAt + 1]) : 40);
const WARMUP = 4;
const ROWS = 10_000;
const GOAL_P95_MS = 150;

const runId = randomBytes(3).toString("hex");
/** Set when the bench started a studio of its own: stops it and drops its database. */
const owned: { cleanup?: () => Promise<void> } = {};

async function studio(): Promise<{ url: string; email: string; password: string }> {
  const url = process.env.SOUS_TEST_STUDIO_URL;
  if (url)
    return {
      url,
      email: process.env.SOUS_TEST_ADMIN_EMAIL ?? "",
      password: process.env.SOUS_TEST_ADMIN_PASSWORD ?? "",
    };
  const dbName = `sous_bench_preview_${runId}`;
  const adminUrl =
    process.env.SOUS_BENCH_ADMIN_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${dbName}`;
  const own = path.join(repoRoot, ".test-data", `bench-preview-${runId}`);
  mkdirSync(own, { recursive: true });
  const dropAll = async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(dbName)} WITH (FORCE)`);
    await c.end();
    rmSync(own, { recursive: true, force: true });
  };
  owned.cleanup = dropAll;
  await prepareDatabase(databaseUrl.toString());
  const distDir = process.env.SOUS_BENCH_NEXT_DIST_DIR ?? ".next-bench";
  if (!existsSync(path.join(repoRoot, "apps/studio", distDir, "BUILD_ID"))) buildStudio(distDir);
  const stack = await startStack({
    apiNodePort: await freePort(),
    env: {
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      SOUS_QUEUE_PREFIX: `sous-bench-preview-${runId}`,
      SOUS_DATA_DIR: own,
      SOUS_SECRET_KEY: randomBytes(32).toString("base64"),
      SOUS_SEED_DEMO: "0",
      SOUS_DEMO_DATABRICKS: "0",
    },
    port: await freePort(),
    distDir,
    quiet: true,
    log: () => {},
  });
  owned.cleanup = async () => {
    await stack.stop();
    await dropAll();
  };
  const creds = { email: "bench@sous.test", name: "Bench", password: randomBytes(12).toString("base64url") };
  const setup = await fetch(`${stack.url}/api/v1/auth/setup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(creds),
  });
  if (setup.status >= 300) throw new Error(`setup: ${setup.status} ${await setup.text()}`);
  return { url: stack.url, email: creds.email, password: creds.password };
}

const UAS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
  "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
];
const CITIES = ["paris", "lyon", "nantes", "lille"];
const VISITS = [
  "id,city,amount,ua",
  ...Array.from({ length: ROWS }, (_, i) => `${i + 1},${CITIES[i % 4]},${i % 100},"${UAS[i % 3]}"`),
].join("\n");

/** The recipe's script with the first step's case `mode`. */
const specWith = (mode: "upper" | "lower") => ({
  kind: "prepare",
  version: 1,
  params: {
    steps: [
      { id: "case", type: "ChangeCase", params: { columns: ["city"], mode } },
      { id: "range", type: "FilterOnNumericalRange", params: { column: "amount", min: 10 } },
      { id: "double", type: "CreateColumnWithGREL", params: { output: "amount2", formula: "amount * 2" } },
    ],
  },
});

let browser: Browser | undefined;
try {
  const { url, email, password } = await studio();
  const base = `${url}/api/v1`;
  const api = await studioApi(base, email, password);
  const projectId: string = (
    await api("/projects", { method: "POST", json: { key: `PVB_${runId.toUpperCase()}`, name: "Bench" } })
  ).id;
  const dataset = await api(`/projects/${projectId}/datasets?name=visits`, {
    method: "POST",
    headers: { "content-type": "text/csv" },
    body: `${VISITS}\n`,
  });
  const recipe = await api(`/projects/${projectId}/recipes`, {
    method: "POST",
    json: {
      name: "prepare_visits",
      inputs: [dataset.id],
      output: { name: "visits_prepared" },
      spec: specWith("upper"),
    },
  });

  // The page: signed in with a session cookie, as the e2e specs' pages are.
  const login = await fetch(`${base}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  const cookie = login.headers.get("set-cookie")?.split(";")[0] ?? "";
  const at = cookie.indexOf("=");
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addCookies([{ name: cookie.slice(0, at), value: cookie.slice(at + 1), url }]);
  // tsx names the functions of the callbacks given to page.evaluate with a helper (__name) that
  // exists in this process only: the page gets a stand-in.
  await context.addInitScript("globalThis.__name = (f) => f;");
  // Counts the preview requests in flight, so an edit starts once the last one's requests are all
  // answered (a user's next edit comes seconds later, not while the checks of the last still run).
  await context.addInitScript(`{
    const f = window.fetch.bind(window);
    window.__previews = 0;
    window.fetch = (input, init) => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      if (!url.includes("/recipes/preview")) return f(input, init);
      window.__previews++;
      return f(input, init).finally(() => window.__previews--);
    };
  }`);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${url}/projects/${projectId}/recipes/${recipe.id}`);
  await page.getByTestId("recipe-editor").waitFor({ timeout: 60_000 });
  await page.waitForFunction(
    () =>
      document.querySelector("[data-testid=preview-status]")?.getAttribute("data-state") === "ready" &&
      document.querySelectorAll("[data-testid=preview-table] tbody tr").length > 0,
    null,
    { timeout: 60_000 },
  );
  // Editing a step opens it, as a user does, which shows the table as of that step (the editor
  // then asks for two previews per edit: the step's table, and the whole script's for the checks).
  await page.getByTestId("prepare-step-0-head").click();
  await page.getByTestId("step-param-0-mode").waitFor();
  await page.waitForFunction(
    () => document.querySelector("[data-testid=preview-status]")?.getAttribute("data-state") === "ready",
  );
  // The city's column in the table (the first body row's cell under the "city" header).
  const cityColumn = await page.evaluate(() => {
    const ths = Array.from(document.querySelectorAll("[data-testid=preview-table] thead th"));
    const tds = document.querySelectorAll("[data-testid=preview-table] tbody tr:first-child td");
    // Header cells the rows have no cell for (a corner) come first.
    return (
      ths.findIndex((th) => th.querySelector(".th-name")?.textContent === "city") - (ths.length - tds.length)
    );
  });
  if (cityColumn < 0) throw new Error("the preview table has no city column");

  /**
   * One edit: arms a change listener and a MutationObserver in the page, selects `mode`, and
   * returns the page's own timings (performance.now()) of the change, the preview request's
   * start and end (Resource Timing) and the table showing the new case.
   */
  const edit = async (mode: "upper" | "lower") => {
    const expected = mode === "lower" ? "paris" : "PARIS";
    await page.evaluate(
      ({ column, expected }) => {
        const w = window as unknown as { __t0?: number; __t1?: number };
        w.__t0 = undefined;
        w.__t1 = undefined;
        performance.clearResourceTimings();
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
      { column: cityColumn, expected },
    );
    await page.getByTestId("step-param-0-mode").selectOption(mode);
    await page
      .waitForFunction(() => (window as unknown as { __t1?: number }).__t1 !== undefined, null, {
        timeout: 15_000,
      })
      .catch(async (e) => {
        const first = await page
          .getByTestId("preview-table")
          .locator("tbody tr:first-child td")
          .allTextContents();
        throw new Error(
          `the table never showed ${expected} in column ${cityColumn} (first row: ${first.join(" | ")}): ${e}`,
        );
      });
    // Let the edit settle (its previews all answered, the table's and the checks') before the next.
    await page.waitForFunction(
      () =>
        document.querySelector("[data-testid=preview-status]")?.getAttribute("data-state") === "ready" &&
        (window as unknown as { __previews: number }).__previews === 0,
    );
    await page.waitForTimeout(100);
    return page.evaluate(() => {
      const w = window as unknown as { __t0: number; __t1: number };
      const reqs = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).filter(
        (e) => e.name.includes("/recipes/preview") && e.startTime >= w.__t0,
      );
      // The answer the table shows: the last one read before it changed.
      const req = reqs
        .filter((e) => e.responseEnd <= w.__t1)
        .sort((a, b) => a.responseEnd - b.responseEnd)
        .at(-1);
      return {
        requests: reqs.length,
        total: w.__t1 - w.__t0,
        sent: req ? req.startTime - w.__t0 : Number.NaN,
        answered: req ? req.responseEnd - w.__t0 : Number.NaN,
        ttfb: req ? req.responseStart - req.startTime : Number.NaN,
      };
    });
  };

  // The API alone: the body the editor sends (limit 200, the saved recipe's id).
  const apiPreview = async (mode: "upper" | "lower") => {
    const t0 = performance.now();
    const r = await api(`/projects/${projectId}/recipes/preview`, {
      method: "POST",
      json: { inputs: [dataset.id], spec: specWith(mode), limit: 200, recipeId: recipe.id },
    });
    const took = performance.now() - t0;
    if (r.runError) throw new Error(`preview: ${r.runError}`);
    return { took, server: r.durationMs as number };
  };

  const load0 = loadavg();
  const totals: number[] = [];
  const debounce: number[] = [];
  const request: number[] = [];
  const render: number[] = [];
  const ttfb: number[] = [];
  const apiMs: number[] = [];
  const requests: number[] = [];
  const serverMs: number[] = [];
  console.log(
    `preview bench: a ${ROWS}-row sample, a 3-step prepare recipe, ${EDITS} edits (after ${WARMUP} warm-up ones)`,
  );
  for (let i = 0; i < WARMUP + EDITS; i++) {
    const mode = i % 2 === 0 ? "lower" : "upper";
    const e = await edit(mode);
    const a = await apiPreview(mode);
    if (i < WARMUP) continue;
    totals.push(e.total);
    debounce.push(e.sent);
    request.push(e.answered - e.sent);
    render.push(e.total - e.answered);
    ttfb.push(e.ttfb);
    requests.push(e.requests);
    apiMs.push(a.took);
    serverMs.push(a.server);
  }
  const load1 = loadavg();
  if (errors.length) throw new Error(`the page threw: ${errors.join("; ")}`);
  console.log(
    `load average ${load0.map((x) => x.toFixed(1)).join(" ")} at the start, ${load1.map((x) => x.toFixed(1)).join(" ")} at the end`,
  );
  console.log(
    `where an edit's time goes (p50): change -> request sent (debounce) ${ms(pct(debounce, 50))}, request -> answer read ${ms(pct(request, 50))} (first byte ${ms(pct(ttfb, 50))}), answer -> table updated (render) ${ms(pct(render, 50))}; preview requests per edit p50 ${pct(requests, 50)}`,
  );
  console.log(
    `api alone: p50 ${ms(pct(apiMs, 50))}, p95 ${ms(pct(apiMs, 95))}; server's own durationMs p50 ${ms(pct(serverMs, 50))}`,
  );
  console.log(
    `edit to table: p50 ${ms(pct(totals, 50))}, p95 ${ms(pct(totals, 95))}, max ${ms(Math.max(...totals))} (goal p95 < ${GOAL_P95_MS} ms)`,
  );
  console.log(
    `preview: edit to table p50 ${pct(totals, 50).toFixed(0)} ms, p95 ${pct(totals, 95).toFixed(0)} ms (api alone p50 ${pct(apiMs, 50).toFixed(0)} ms)`,
  );
} finally {
  await browser?.close().catch(() => {});
  await owned.cleanup?.();
}
