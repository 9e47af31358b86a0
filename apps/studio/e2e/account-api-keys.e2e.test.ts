import { describe, expect, it } from "vitest";
import { call, hasStudio, studioUrl, uniqueKey } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// The Account page's API keys: a key made in the form is shown once and works as a Bearer token;
// the form is ready for the next key right after (it stays on the page); a revoked key leaves the
// list and is refused.
describe.skipIf(!hasStudio)("API keys on the Account page", () => {
  const studio = useStudio();

  it("creates two keys in a row, shows each once, and revokes one", async () => {
    const { page, errors } = await studio.page();
    await page.goto(`${studioUrl}/account`);
    const first = uniqueKey("e2e key one");
    const second = uniqueKey("e2e key two");

    await page.getByTestId("api-key-name").fill(first);
    await page.getByTestId("create-api-key").click();
    const key = (await page.getByTestId("new-api-key").textContent()) ?? "";
    expect(key).toMatch(/^sous_/);
    expect((await call("/me", { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    // The form is usable again at once: the name is cleared and the button is not busy.
    expect(await page.getByTestId("api-key-name").inputValue()).toBe("");
    expect(await page.getByTestId("create-api-key").isDisabled()).toBe(false);

    await page.getByTestId("api-key-name").fill(second);
    await page.getByTestId("create-api-key").click();
    await page.locator(`[data-testid=api-key-item][data-key-name="${second}"]`).waitFor();
    expect(await page.getByTestId("new-api-key").textContent()).not.toBe(key);
    await screenshot(page, "account-api-keys");

    const row = page.locator(`[data-testid=api-key-item][data-key-name="${first}"]`);
    await row.getByTestId("revoke-api-key").click();
    await row.getByTestId("confirm-revoke").click();
    await row.waitFor({ state: "detached" });
    expect((await call("/me", { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    expect(await page.locator(`[data-testid=api-key-item][data-key-name="${second}"]`).count()).toBe(1);
    expect(errors).toEqual([]);
  });
});
