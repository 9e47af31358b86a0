import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { call, hasStudio, studioUrl } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// A Python notebook as a coder uses it (issue #17): from Notebooks, create a Python one; the first
// run starts the user's own Jupyter kernel (through the studio); a cell reads a dataset with
// `sous`, shows a DataFrame as a table and writes a new dataset that appears in the Flow; a PNG
// and a traceback render under their cells; a long cell is interrupted, the kernel restarted; the
// .ipynb is saved with its outputs.

const READ_WRITE = [
  "import sous",
  'orders = sous.dataset("orders").to_pandas()',
  "big = orders[orders.amount > 100].copy()",
  "big['double'] = big.amount * 2",
  'sous.write_dataset("big_orders", big)',
  "print(f'{len(orders)} orders, {len(big)} written to big_orders')",
  "big.head(5)",
].join("\n");

// A small PNG made with the standard library only (the environment has no plotting package).
const PNG = [
  "import struct, zlib",
  "from IPython.display import Image, display",
  "w, h = 160, 60",
  "rows = b''.join(b'\\x00' + b''.join(bytes((40 + x, 90 + y * 2, 200)) for x in range(w)) for y in range(h))",
  "chunk = lambda t, d: struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))",
  "png = b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b'')",
  "display(Image(data=png))",
].join("\n");

async function setCode(page: Page, index: number, code: string): Promise<void> {
  await page.getByTestId(`cell-code-${index}-input`).click();
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(code);
}

describe.skipIf(!hasStudio)("Python notebooks in the browser", () => {
  const studio = useStudio();

  it("runs cells in the user's kernel: reads and writes datasets with sous, renders outputs, interrupts and restarts", {
    timeout: 240_000,
  }, async () => {
    const orders = ["order_id,customer_id,amount"];
    for (let i = 1; i <= 1_000; i++) orders.push(`${i},${i % 40},${(i * 13) % 200}`);
    const { projectId } = await studio.project("Python demo", { orders: `${orders.join("\n")}\n` }, "PYE");
    const { page, errors } = await studio.page({ viewport: { width: 1440, height: 1100 } });

    await page.goto(`${studioUrl}/projects/${projectId}/notebooks`);
    await page.getByTestId("notebook-name").fill("Big orders");
    await page.getByTestId("notebook-kind").selectOption("python");
    await screenshot(page, "python-notebook-new");
    await page.getByTestId("notebook-create").click();
    await page.waitForURL(/\/python-notebooks\/[A-Za-z0-9_-]+$/);
    await expect(page.getByTestId("notebook-title").textContent()).resolves.toBe("Big orders");
    await expect(page.getByTestId("kernel-state").textContent()).resolves.toMatch(/No kernel yet/);

    // The first run starts the kernel; the cell prints, shows a DataFrame and writes a dataset.
    await setCode(page, 0, READ_WRITE);
    await page.keyboard.press("Control+Enter");
    const out0 = page.getByTestId("cell-outputs").first();
    await out0.getByTestId("output-html").waitFor({ timeout: 90_000 });
    const big = orders.slice(1).filter((l) => Number(l.split(",")[2]) > 100).length;
    await expect(out0.getByTestId("output-stream").textContent()).resolves.toBe(
      `1000 orders, ${big} written to big_orders\n`,
    );
    const frame = out0.getByTestId("output-html").contentFrame();
    await expect(frame.locator("table tbody tr").count()).resolves.toBe(5);
    await expect(page.getByTestId("kernel-state").textContent()).resolves.toBe("Kernel: idle");

    // A PNG, and a traceback.
    await page.getByTestId("cell-add").click();
    await setCode(page, 1, PNG);
    await page.getByTestId("cell-run").nth(1).click();
    await page.getByTestId("output-image").waitFor();
    await page.getByTestId("cell-add").click();
    await setCode(page, 2, "def ratio(a, b):\n    return a / b\n\nratio(len(orders), 0)");
    await page.getByTestId("cell-run").nth(2).click();
    await page.getByTestId("output-error").waitFor();
    await expect(page.getByTestId("output-error").textContent()).resolves.toMatch(
      /ZeroDivisionError[\s\S]*division by zero/,
    );
    await page.getByTestId("notebook-save").click();
    await expect.poll(() => page.getByTestId("notebook-state").textContent()).toBe("Saved · version 2");
    await screenshot(page, "python-notebook");

    // A long cell, interrupted.
    await page.getByTestId("cell-add").click();
    await setCode(page, 3, "import time\ntime.sleep(120)");
    await page.getByTestId("cell-run").nth(3).click();
    await expect.poll(() => page.getByTestId("kernel-state").textContent()).toBe("Kernel: busy");
    await page.getByTestId("kernel-interrupt").click();
    await expect
      .poll(() => page.getByTestId("cell-outputs").nth(3).textContent(), { timeout: 20_000 })
      .toMatch(/KeyboardInterrupt/);

    // Restart: a fresh process, the variables are gone.
    await page.getByTestId("kernel-restart").click();
    await expect
      .poll(() => page.getByTestId("kernel-state").textContent(), { timeout: 30_000 })
      .toBe("Kernel: idle");
    await page.getByTestId("cell-add").click();
    await setCode(page, 4, "'orders' in dir()");
    await page.getByTestId("cell-run").nth(4).click();
    await expect
      .poll(() => page.getByTestId("cell-outputs").nth(4).textContent(), { timeout: 20_000 })
      .toBe("False");

    // The saved .ipynb kept the first cells' outputs; the new dataset is in the Flow.
    const nbId = page.url().split("/").at(-1)!;
    const saved = await call(`/projects/${projectId}/python-notebooks/${nbId}`, { as: studio.key });
    expect(saved.data.ipynb.cells[0].outputs.map((o: { output_type: string }) => o.output_type)).toEqual([
      "stream",
      "execute_result",
    ]);
    expect(saved.data.ipynb.cells[1].outputs[0].data["image/png"]).toBeTruthy();
    await page.getByTestId("notebook-save").click();
    await expect.poll(() => page.getByTestId("notebook-state").textContent()).toBe("Saved · version 3");
    await page.goto(`${studioUrl}/projects/${projectId}`);
    await page.getByText("big_orders", { exact: true }).first().waitFor();
    await screenshot(page, "python-notebook-dataset-in-flow");
    expect(errors).toEqual([]);
  });
});
