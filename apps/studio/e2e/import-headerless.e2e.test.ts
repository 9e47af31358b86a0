import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { call, hasStudio, studioUrl } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// Issue 13 "Data in": a headerless `.tbl` export with a `|` at the end of every line imports
// through the dialog: detected as no header with a trailing delimiter, columns named col_1..col_n,
// one renamed and one typed as decimal in the dialog, bad lines skipped and counted.
const TBL = `${[
  "1|Customer#000000001|IVhzIApeRb ot,c,E|15|711.56|BUILDING|",
  "2|Customer#000000002|XSTf4,NCwDVaWNe6tE|13|121.65|AUTOMOBILE|",
  "3|Customer#000000003|MG9kdTD2WBHm|1|7498.12|AUTOMOBILE|",
  "4|Customer#000000004|XxVSJsLAGtn|4|2866.83|MACHINERY|",
  "5|Customer#000000005|KvpyuHCplrB84WgAi|3|794.47|HOUSEHOLD|",
  "6|Customer#000000006|sKZz0CsnMD7mp4Xd0YrBvx|20|7638.57|AUTOMOBILE|",
  "7|Customer#000000007|TcGe5gaZNgVePxU5kRrvXBfkasDTea|18|9561.95|AUTOMOBILE|",
  "8|Customer#000000008|I0B10bB0AymmC, 0PrRYBCP1yGJ8xcBPmWhl5|17|6819.74",
  "9|Customer#000000009|xKiAFTjUsCuxfeleNqefumTrjS|8|8324.07|FURNITURE|",
].join("\n")}\n`;

const headers = (page: Page) => page.locator("[data-testid=import-preview] thead .th-name").allTextContents();
const previewSettled = (page: Page) =>
  expect.poll(() => page.getByTestId("import-preview-status").textContent()).toMatch(/^First /);

describe.skipIf(!hasStudio)("importing a headerless .tbl file", () => {
  const studio = useStudio();

  it("detects no header and the trailing |, renames a column, types another, skips the bad line", async () => {
    const { projectId } = await studio.project("TPC-H", {}, "TBL");
    const { page, errors } = await studio.page();
    await page.goto(`${studioUrl}/projects/${projectId}`);
    await page.getByTestId("upload-button").waitFor();

    const file = path.join(mkdtempSync(path.join(tmpdir(), "sous-tbl-")), "customer.tbl");
    writeFileSync(file, TBL);
    await page.getByTestId("upload-input").setInputFiles(file);
    await page.getByTestId("import-dialog").waitFor();
    await page.getByTestId("import-options").waitFor({ timeout: 30_000 });

    // Detected: pipes, no header, lines ending with the delimiter. Line 9 lacks a field, so the
    // first preview already fails on it, and the dialog says how to get past it.
    expect(await page.getByTestId("import-delimiter").inputValue()).toBe("|");
    expect(await page.getByTestId("import-header").isChecked()).toBe(false);
    expect(await page.getByTestId("import-trailing").isChecked()).toBe(true);
    await page.getByTestId("import-skip-bad").check();
    await previewSettled(page);
    await expect
      .poll(() => page.getByTestId("import-skipped").textContent())
      .toMatch(/1 bad line skipped: line 8/);
    expect(await headers(page)).toEqual(["col_1", "col_2", "col_3", "col_4", "col_5", "col_6"]);

    // Rename col_1 and col_5, and read col_5 (the balance) as decimal.
    await page.getByTestId("import-col-name-0").fill("custkey");
    await page.getByTestId("import-col-name-4").fill("acctbal");
    await page.getByTestId("import-col-type-4").selectOption("decimal");
    await expect
      .poll(() => headers(page))
      .toEqual(["custkey", "col_2", "col_3", "col_4", "acctbal", "col_6"]);
    await previewSettled(page);
    await page.getByTestId("import-name").fill("customer");
    await screenshot(page, "import-headerless-tbl");

    await page.getByTestId("import-submit").click();
    await page.getByTestId("import-dialog").waitFor({ state: "detached", timeout: 30_000 });
    const listed = (await call(`/projects/${projectId}/datasets`, { as: studio.key })).data;
    const list = listed.items ?? listed;
    const ds = list.find((d: { name: string }) => d.name === "customer");
    expect(ds).toBeTruthy();
    expect(ds.schema).toEqual([
      { name: "custkey", type: "bigint" },
      { name: "col_2", type: "string" },
      { name: "col_3", type: "string" },
      { name: "col_4", type: "bigint" },
      { name: "acctbal", type: "decimal" },
      { name: "col_6", type: "string" },
    ]);
    expect(ds.currentVersion.rowCount).toBe(8);
    const versions = await call(`/projects/${projectId}/datasets/${ds.id}/versions`, { as: studio.key });
    expect(versions.data[0].origin).toBe("upload customer.tbl (skipped 1 bad line: 8)");
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
