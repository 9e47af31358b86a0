import { describe, expect, it } from "vitest";
import { call, hasStudio, studioUrl } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// The jobs page as a user sees it: a running build's live progress and log, cancelled from the
// page, then found in the history with the state filter; the canvas shows an outdated dataset.
const numbers = (n: number) => `id,v\n${Array.from({ length: n }, (_, i) => `${i},${i * 3}`).join("\n")}\n`;

describe.skipIf(!hasStudio)("jobs page in the browser", () => {
  const studio = useStudio();

  it("follows a running job live, cancels it, and finds it in the filtered history", async () => {
    const post = (p: string, json: unknown) => call(p, { method: "POST", json, as: studio.key });
    const {
      projectId,
      datasets: { numbers: src },
    } = await studio.project("Jobs e2e", { numbers: numbers(6000) }, "JE2E");
    const slow = await post(`/projects/${projectId}/recipes`, {
      name: "cross",
      inputs: [src, src],
      output: { name: "crossed" },
      spec: { kind: "join", version: 1, params: { type: "cross", on: [], rightPrefix: "r_" } },
    });
    const quick = await post(`/projects/${projectId}/recipes`, {
      name: "copy",
      inputs: [src],
      output: { name: "copied" },
      spec: { kind: "sync", version: 1, params: {} },
    });
    const job = await post(`/projects/${projectId}/jobs`, {
      targets: [slow.data.outputs[0]],
      mode: "build-only-this",
    });
    expect(job.status).toBe(201);

    const { page, errors } = await studio.page();

    await page.goto(`${studioUrl}/projects/${projectId}/jobs/${job.data.id}`);
    await page.locator('[data-testid="job-page"][data-state="RUNNING"]').waitFor({ timeout: 20_000 });
    // The log streams in over SSE while the query runs.
    await page.getByText(/Running cross on DuckDB/).waitFor({ timeout: 20_000 });
    await screenshot(page, "jobs-running");
    await page.getByTestId("cancel-job").click();
    await page.locator('[data-testid="job-page"][data-state="CANCELLED"]').waitFor({ timeout: 15_000 });
    await expect(page.getByTestId("job-state").textContent()).resolves.toBe("Cancelled");
    await page.getByText(/nothing was published/).waitFor();
    await screenshot(page, "jobs-cancelled");

    await page.goto(`${studioUrl}/projects/${projectId}/jobs?state=CANCELLED`);
    await page.getByTestId(`job-row-${job.data.id}`).waitFor();
    await page.goto(`${studioUrl}/projects/${projectId}/jobs?state=SUCCEEDED`);
    await page.getByTestId("jobs-empty").waitFor();

    // Build the quick recipe, then change it: the canvas marks its output outdated.
    const built = await post(`/projects/${projectId}/jobs`, {
      targets: [quick.data.outputs[0]],
      mode: "smart",
    });
    for (let i = 0; i < 100; i++) {
      const j = (await call(`/projects/${projectId}/jobs/${built.data.id}`, { as: studio.key })).data;
      if (j.state === "SUCCEEDED") break;
      await new Promise((r) => setTimeout(r, 150));
    }
    const upd = await call(`/projects/${projectId}/recipes/${quick.data.id}`, {
      method: "PUT",
      json: {
        revision: quick.data.revision,
        spec: { kind: "sync", version: 1, params: { columns: [{ column: "id" }] } },
      },
      as: studio.key,
    });
    expect(upd.status).toBe(200);
    await page.goto(`${studioUrl}/projects/${projectId}`);
    await page.getByTestId(`node-outdated-${quick.data.outputs[0]}`).waitFor({ timeout: 15_000 });
    await screenshot(page, "jobs-flow-outdated");

    // From the jobs page: preview the smart plan (a dry run), then build.
    await page.goto(`${studioUrl}/projects/${projectId}/jobs`);
    await page.getByTestId("build-targets").selectOption([quick.data.outputs[0]]);
    await page.getByTestId("build-mode").selectOption("smart");
    await page.getByTestId("build-preview").click();
    await page
      .getByTestId("build-plan")
      .getByText(/copy → copied/)
      .waitFor();
    await expect(page.getByTestId("build-plan").textContent()).resolves.toMatch(/outdated/);
    await screenshot(page, "jobs-history-plan");
    await page.getByTestId("build-start").click();
    await page.waitForURL(/\/jobs\/[^/]+$/);
    await page.locator('[data-testid="job-page"][data-state="SUCCEEDED"]').waitFor({ timeout: 20_000 });
    await expect(page.getByTestId("job-rows").textContent()).resolves.toBe("6,000");
    expect(errors).toEqual([]);
    await page.close();
  });
});
