import { describe, expect, it } from "vitest";
import { placeMenu } from "./menu-place.ts";

const viewport = { width: 1440, height: 900 };
const inside = (p: ReturnType<typeof placeMenu>, menu: { width: number; height: number }) => {
  const h = Math.min(menu.height, p.maxHeight);
  const w = Math.min(menu.width, p.maxWidth);
  return p.left >= 0 && p.top >= 0 && p.left + w <= viewport.width && p.top + h <= viewport.height;
};

describe("placeMenu", () => {
  const menu = { width: 320, height: 700 };

  it("opens below a button near the top, at the button's left edge", () => {
    const p = placeMenu(
      { top: 100, bottom: 132, left: 200, right: 320 },
      { width: 320, height: 300 },
      viewport,
    );
    expect(p).toMatchObject({ top: 136, left: 200 });
    expect(inside(p, { width: 320, height: 300 })).toBe(true);
  });

  it("ends at the button's right edge when the left edge would cross the window (the side panel)", () => {
    const p = placeMenu({ top: 400, bottom: 432, left: 1300, right: 1420 }, menu, viewport);
    expect(p.left).toBe(1420 - 320);
    expect(inside(p, menu)).toBe(true);
  });

  it("scrolls inside rather than running past the bottom, opening upwards when there is more room", () => {
    const p = placeMenu({ top: 600, bottom: 632, left: 1100, right: 1220 }, menu, viewport);
    expect(p.top + Math.min(menu.height, p.maxHeight)).toBe(596);
    expect(p.maxHeight).toBeLessThan(menu.height);
    expect(inside(p, menu)).toBe(true);
  });

  it("never starts left of the window, even for a menu wider than the space left of the button", () => {
    const p = placeMenu(
      { top: 100, bottom: 132, left: 20, right: 60 },
      { width: 2000, height: 100 },
      viewport,
    );
    expect(p.left).toBe(8);
    expect(p.maxWidth).toBe(1424);
    expect(inside(p, { width: 2000, height: 100 })).toBe(true);
  });
});
