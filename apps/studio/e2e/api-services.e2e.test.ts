import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { createDb } from "@sous/db";
import { createLocalStorage, localStorageRoot } from "@sous/storage";
import { beforeAll, describe, expect, it } from "vitest";
import { hasStudio, studioUrl, uniqueKey } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// A model served from the API services page: an editor creates the service from a saved model
// version, creates a key (shown once), calls the API node with it as a client would (predict and
// predict-multi), adds the second version to a split, sends a test row from the page, and the
// page's counters show the calls. The two versions are small logistic models (sigmoid of x and of
// -x) written as the Lab writes saved models, so every answer can be checked.
const nodeUrl = process.env.SOUS_TEST_API_NODE_URL ?? "";
const databaseUrl = process.env.SOUS_TEST_DATABASE_URL ?? "";
const dataDir = process.env.SOUS_TEST_STACK_DATA_DIR ?? "";

const portable = (sign: number) => ({
  format: "sous-portable-model",
  version: 1,
  task: "binary",
  classes: ["stays", "churns"],
  features: [
    { name: "tenure", type: "numeric", impute: 12.5, rescale: { kind: "standard", mean: 12.5, scale: 4 } },
    { name: "plan", type: "categorical", impute: "basic", levels: ["basic", "pro"], others: true },
    { name: "monthly_spend", type: "numeric", impute: 30, rescale: { kind: "none" } },
  ],
  model: {
    kind: "linear",
    link: "logistic",
    coefficients: [[-sign, 0.4, -0.4, 0, 0.01]],
    intercepts: [-0.3],
  },
});

describe.skipIf(!hasStudio || !nodeUrl || !databaseUrl || !dataDir)("API services page", () => {
  const studio = useStudio();
  let projectId = "";
  const versions: string[] = [];
  beforeAll(async () => {
    const made = await studio.project(
      "Churn API",
      { customers: "tenure,plan,monthly_spend,churned\n3,pro,42.5,churns\n" },
      "APIE2E",
    );
    projectId = made.projectId;
    const datasetId = made.datasets.customers;
    const db = createDb({ databaseUrl });
    const storage = createLocalStorage({ root: localStorageRoot(dataDir) });
    const saved = await db.savedModel.create({ data: { projectId, name: "churn", datasetId } });
    for (const [i, sign] of [1, -1].entries()) {
      const portableKey = `projects/${projectId}/ml/trainings/t${randomBytes(4).toString("hex")}/m${i}.json`;
      await storage.putStream(portableKey, Readable.from([JSON.stringify(portable(sign))]));
      const v = await db.savedModelVersion.create({
        data: {
          savedModelId: saved.id,
          number: i + 1,
          modelIndex: i,
          task: "binary",
          algorithm: { algorithm: "logistic", C: 1, maxIter: 100 },
          metrics: { auc: 0.8 },
          classes: ["stays", "churns"],
          portableKey,
          artifactKey: `${portableKey}.pkl`,
        },
      });
      versions.push(v.id);
    }
  });
  it("creates a service and a key, serves predictions, splits traffic, tests a row and counts", async () => {
    const { page, errors } = await studio.page();
    await page.goto(`${studioUrl}/projects/${projectId}`);
    // The Flow's toolbar links to the page.
    expect(await page.getByTestId("project-api-services-link").getAttribute("href")).toBe(
      `/projects/${projectId}/api-services`,
    );
    await page.goto(`${studioUrl}/projects/${projectId}/api-services`);
    await page.getByTestId("api-services-empty").waitFor();

    const name = uniqueKey("churn").toLowerCase();
    await page.getByTestId("api-service-name").fill(name);
    await page.getByTestId("api-endpoint-name").fill("score");
    await page.getByTestId("api-version").selectOption(versions[0]!);
    await page.getByTestId("create-api-service-submit").click();
    const card = page.getByTestId(`api-service-${name}`);
    await card.waitFor();
    expect(await card.getByTestId("api-endpoint-url").textContent()).toContain(
      `/public/api/v1/${name}/score/predict`,
    );

    await card.getByTestId("api-key-name").fill("crm");
    await card.getByTestId("create-api-key").click();
    const shown = (await card.getByTestId("api-key-created").textContent()) ?? "";
    const key = /sapi_[A-Za-z0-9_-]+/.exec(shown)?.[0] ?? "";
    expect(key).not.toBe("");

    // A client, curl-style: HTTP Basic with the key as user name, as DSS clients send it.
    const auth = `Basic ${Buffer.from(`${key}:`).toString("base64")}`;
    const post = async (path: string, body: unknown) => {
      const r = await fetch(`${nodeUrl}/public/api/v1/${name}/score/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: auth },
        body: JSON.stringify(body),
      });
      return {
        status: r.status,
        body: (await r.json()) as {
          result?: Record<string, unknown>;
          results?: unknown[];
          version?: { id: string };
        },
      };
    };
    let single = await post("predict", { features: { tenure: 2, plan: "basic" } });
    for (let i = 0; i < 100 && single.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      single = await post("predict", { features: { tenure: 2, plan: "basic" } });
    }
    expect(single.status).toBe(200);
    // Short tenure churns under version 1 (coefficient -1 on standardised tenure).
    expect(single.body.result).toMatchObject({ prediction: "churns", ignored: false });
    const multi = await post("predict-multi", {
      items: [{ features: { tenure: 2 } }, { features: { tenure: 40 } }, { features: {} }],
    });
    expect(multi.status).toBe(200);
    expect((multi.body.results as { prediction: string }[]).map((r) => r.prediction)).toEqual([
      "churns",
      "stays",
      "churns",
    ]);

    // Version 2 joins the split 1:1; each answer then comes from one of the two, and says which.
    await card.getByTestId("api-split-add").selectOption(versions[1]!);
    expect(await card.getByTestId("api-split").textContent()).toContain("50%");
    await card.getByTestId("save-split").click();
    await card.getByTestId("save-split").waitFor({ state: "detached" });
    const seen = new Map<string, unknown>();
    for (let i = 0; i < 200 && seen.size < 2; i++) {
      const r = await post("predict", { features: { tenure: 2, plan: "basic" } });
      seen.set(r.body.version!.id, r.body.result!.prediction);
    }
    expect(Object.fromEntries(seen)).toEqual({ [versions[0]!]: "churns", [versions[1]!]: "stays" });

    // The page's test form, prefilled with a typical row (imputation values) or a row of the
    // training dataset, calls the node through the studio.
    expect(JSON.parse(await card.getByTestId("api-test-features").inputValue())).toEqual({
      tenure: 12.5,
      plan: "basic",
      monthly_spend: 30,
    });
    await card.getByTestId("api-test-training-row").click();
    await expect
      .poll(() => card.getByTestId("api-test-features").inputValue(), { timeout: 30_000 })
      .toContain("42.5");
    expect(JSON.parse(await card.getByTestId("api-test-features").inputValue())).toEqual({
      tenure: 3,
      plan: "pro",
      monthly_spend: 42.5,
    });
    await card.getByTestId("api-test-send").click();
    await card.getByTestId("api-test-answer").filter({ hasText: "HTTP 200" }).waitFor();
    expect(await card.getByTestId("api-test-answer").textContent()).toContain('"probas"');
    await screenshot(page, "api-services-test");

    await page.reload();
    const counters = page.getByTestId(`api-service-${name}`).getByTestId("api-counters");
    await counters.filter({ hasText: "requests" }).waitFor();
    const text = (await counters.textContent()) ?? "";
    const requests = Number(/(\d+)score: requests/.exec(text)?.[1]);
    expect(requests).toBeGreaterThanOrEqual(4);
    await screenshot(page, "api-services");
    expect(errors).toEqual([]);
  });
});
