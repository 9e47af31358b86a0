import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";

// Debian's Chromium, headless, with the flags that keep it off the (closed) network.
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * Writes a full-page screenshot to $SOUS_TEST_OUTPUT_DIR/<name>.png for a person to look at, and
 * nothing when that variable is unset (npm test and CI leave it unset). The specs assert on the DOM;
 * a screenshot is never compared with an approved one: random project keys, dates, durations and
 * live progress differ on every run and font rendering differs between machines, so a pixel diff
 * would need a mask per shot and would fail on everything but real regressions, or pass them all
 * under a loose tolerance. Writing ~100 unread PNGs per run cost time and proved nothing.
 */
export async function screenshot(page: Page, name: string): Promise<string | null> {
  const dir = process.env.SOUS_TEST_OUTPUT_DIR;
  if (!dir) return null;
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
