const EDGE = 8;
const GAP = 4;

/**
 * Where an open menu goes, in viewport pixels: below the button if it fits (else where there is
 * more room, scrolling inside), starting at the button's left edge, or ending at its right edge
 * when that would cross the window, and never past any side. Fixed, so a side panel that clips
 * its overflow does not cut it. Pure: unit-tested in menu-place.test.ts.
 */
export function placeMenu(
  button: { top: number; bottom: number; left: number; right: number },
  menu: { width: number; height: number },
  viewport: { width: number; height: number },
): { top: number; left: number; maxHeight: number; maxWidth: number } {
  const maxWidth = viewport.width - 2 * EDGE;
  const width = Math.min(menu.width, maxWidth);
  const below = viewport.height - button.bottom - GAP - EDGE;
  const above = button.top - GAP - EDGE;
  const down = menu.height <= below || below >= above;
  const maxHeight = Math.max(0, down ? below : above);
  const height = Math.min(menu.height, maxHeight);
  const top = down ? button.bottom + GAP : button.top - GAP - height;
  let left = button.left + width > viewport.width - EDGE ? button.right - width : button.left;
  left = Math.min(Math.max(left, EDGE), viewport.width - EDGE - width);
  return { top, left, maxHeight, maxWidth };
}
