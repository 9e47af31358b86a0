import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasStudio } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";
import { SALES } from "./recipes-data.ts";
import { apiCall, projectWith } from "./recipes-helpers.ts";

// The Flow canvas: renaming and deleting datasets (side panel, right-click menu, keyboard) with
// the warning about what goes and what stays downstream; Arrange, then Undo (button and Ctrl+Z)
// restores the previous positions, saved, so a reload shows them.

type Pos = Record<string, { x: number; y: number }>;
const spec = { kind: "sync", version: 1, params: {} };

async function savedPositions(page: Page, projectId: string): Promise<Pos> {
  const g = await apiCall(page, "GET", `/projects/${projectId}/flow`);
  return Object.fromEntries(
    (g.nodes as { name: string; position: { x: number; y: number } | null }[]).map((n) => [
      n.name,
      n.position ?? { x: Number.NaN, y: Number.NaN },
    ]),
  );
}

/** Where the canvas draws each node (flow coordinates, from React Flow's transform). */
async function drawnPositions(page: Page): Promise<Pos> {
  return page.evaluate(`(() => {
    const out = {};
    for (const el of document.querySelectorAll(".react-flow__node")) {
      const name = el.querySelector("[data-testid^='node-']")?.getAttribute("data-testid")?.slice(5);
      const m = /translate\\(([-\\d.]+)px, ([-\\d.]+)px\\)/.exec(el.style.transform);
      if (name && m) out[name] = { x: +m[1], y: +m[2] };
    }
    return out;
  })()`);
}

const same = (a: Pos, b: Pos) =>
  Object.keys(a).length === Object.keys(b).length &&
  Object.entries(a).every(([k, v]) => b[k]?.x === v.x && b[k]?.y === v.y);

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe.skipIf(!hasStudio)("managing the Flow", () => {
  const studio = useStudio();

  it("renames and deletes datasets, warning about the recipes deleted and what stays downstream", async () => {
    const s = await projectWith(studio, { sales: SALES, extra: SALES });
    const { page, projectId } = s;
    const first = await apiCall(page, "POST", `/projects/${projectId}/recipes`, {
      name: "copy_sales",
      inputs: [s.datasets.sales],
      output: { name: "sales_copy" },
      spec,
    });
    await apiCall(page, "POST", `/projects/${projectId}/recipes`, {
      name: "copy_again",
      inputs: [first.outputs[0]],
      output: { name: "sales_copy2" },
      spec,
    });
    await page.reload();
    await page.getByTestId("node-copy_again").waitFor();

    // Rename from the side panel.
    await page.getByTestId("node-extra").click();
    await page.getByTestId("rename-dataset").click();
    await page.getByTestId("dataset-rename-input").fill("extra 2024");
    await page.getByTestId("dataset-rename-save").click();
    await page.getByTestId("node-extra 2024").waitFor();
    expect((await apiCall(page, "GET", `/projects/${projectId}/datasets/${s.datasets.extra}`)).name).toBe(
      "extra 2024",
    );
    // A taken name is refused with a message that says what to do.
    await page.getByTestId("rename-dataset").click();
    await page.getByTestId("dataset-rename-input").fill("sales");
    await page.getByTestId("dataset-rename-save").click();
    expect(await page.getByTestId("dataset-panel-error").textContent()).toMatch(
      /sales already exists in this project\. Choose another name/,
    );
    await page.getByTestId("dataset-rename-input").press("Escape");

    // Delete from the right-click menu: the warning lists what goes and what stays.
    await page.getByTestId("node-sales").click({ button: "right" });
    await page.getByTestId("node-menu").waitFor();
    await screenshot(page, "flow-manage-menu");
    await page.getByTestId("node-menu-delete").click();
    const confirm = page.getByTestId("dataset-delete-confirm");
    await confirm.waitFor();
    expect(await page.getByTestId("delete-impact-recipes").textContent()).toBe("Also deleted: 1 recipe");
    const text = (await confirm.textContent()) ?? "";
    expect(text).toMatch(/copy_sales \(reads it\)/);
    expect(text).toMatch(/sales_copy \(dataset\)/);
    expect(text).toMatch(/copy_again \(recipe\)/);
    expect(text).toMatch(/sales_copy2 \(dataset\)/);
    await screenshot(page, "flow-manage-delete-warning");
    await page.getByTestId("dataset-delete-confirm-button").click();
    await page.getByTestId("node-sales").waitFor({ state: "detached" });
    await page.getByTestId("node-copy_sales").waitFor({ state: "detached" });
    await page.getByTestId("node-sales_copy").waitFor();
    await page.getByTestId("node-copy_again").waitFor();

    // Keyboard: Delete on a selected node asks first; nothing depends on this one.
    await page.getByTestId("node-extra 2024").click();
    await page.keyboard.press("Delete");
    await page.getByTestId("dataset-delete-confirm").waitFor();
    expect(await page.getByTestId("delete-impact-none").textContent()).toBe(
      "Nothing in the Flow depends on it.",
    );
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.getByTestId("dataset-delete-confirm").waitFor({ state: "detached" });

    // After a reload the Flow is what the server has.
    await page.reload();
    await page.getByTestId("node-extra 2024").waitFor();
    expect(await page.getByTestId("node-sales").count()).toBe(0);
    await screenshot(page, "flow-manage-after-delete");
    expect(s.errors).toEqual([]);
  });

  it("undoes Arrange with the Undo button and with Ctrl+Z; the restored layout is saved", async () => {
    const s = await projectWith(studio, { src: SALES });
    const { page, projectId } = s;
    const r1 = await apiCall(page, "POST", `/projects/${projectId}/recipes`, {
      name: "step_one",
      inputs: [s.datasets.src],
      output: { name: "mid" },
      spec,
    });
    const r2 = await apiCall(page, "POST", `/projects/${projectId}/recipes`, {
      name: "step_two",
      inputs: [r1.outputs[0]],
      output: { name: "last" },
      spec,
    });
    // A hand-made layout, far from what Arrange does (right to left, stepped).
    const hand = [
      [s.datasets.src, 880, 40],
      [r1.id, 640, 200],
      [r1.outputs[0], 360, 40],
      [r2.id, 200, 320],
      [r2.outputs[0], 0, 480],
    ] as const;
    await apiCall(page, "PUT", `/projects/${projectId}/flow/layout`, {
      positions: hand.map(([nodeId, x, y]) => ({ nodeId, x, y })),
    });
    await page.reload();
    await page.getByTestId("node-last").waitFor();
    const before = await savedPositions(page, projectId);
    expect(before.src).toEqual({ x: 880, y: 40 });
    expect(await drawnPositions(page)).toEqual(before);

    await page.getByTestId("auto-layout").click();
    await page.getByTestId("arrange-undo-bar").waitFor();
    const arranged = await until(
      "arranged layout saved",
      () => savedPositions(page, projectId),
      (p) => p.src?.x !== 880,
    );
    expect(arranged.src!.x).toBeLessThan(arranged.mid!.x);
    expect(arranged.mid!.x).toBeLessThan(arranged.last!.x);
    await screenshot(page, "flow-manage-arranged");

    await page.getByTestId("arrange-undo").click();
    await page.getByTestId("arrange-undo-bar").waitFor({ state: "detached" });
    await until(
      "undone layout saved",
      () => savedPositions(page, projectId),
      (p) => same(p, before),
    );
    expect(await drawnPositions(page)).toEqual(before);
    await page.reload();
    await page.getByTestId("node-last").waitFor();
    expect(await drawnPositions(page)).toEqual(before);

    // Again, undone with the keyboard this time.
    await page.getByTestId("auto-layout").click();
    await until(
      "arranged again",
      () => savedPositions(page, projectId),
      (p) => p.src?.x !== 880,
    );
    await page.locator(".react-flow__pane").click({ position: { x: 20, y: 300 } });
    await page.keyboard.press("Control+z");
    await until(
      "undone with Ctrl+Z",
      () => savedPositions(page, projectId),
      (p) => same(p, before),
    );
    await page.reload();
    await page.getByTestId("node-last").waitFor();
    expect(await drawnPositions(page)).toEqual(before);
    await screenshot(page, "flow-manage-undone");
    expect(s.errors).toEqual([]);
  });
});
