// Left-to-right placement for Flow nodes that have no saved position.
//
// DSS users cannot move Flow nodes by hand (mission-anchors §10); Sous saves every position the
// user drags to, and only places the nodes nobody has placed yet: each next to its inputs, on a
// free row. "Arrange" runs the same placement with nothing pinned.

export type Kind = "dataset" | "recipe" | "savedModel";
export interface Pt {
  x: number;
  y: number;
}

export const NODE_SIZE: Record<Kind, { w: number; h: number }> = {
  dataset: { w: 208, h: 64 },
  recipe: { w: 64, h: 64 },
  savedModel: { w: 64, h: 64 },
};

/** Horizontal distance between the centres of a node and the next one downstream. */
const COLUMN = 272;
/** Vertical distance between rows (node height + room for a recipe's label). */
const ROW = 112;

interface LayoutNode {
  id: string;
  type: Kind;
}

function topoOrder(nodes: LayoutNode[], edges: { source: string; target: string }[]): string[] {
  const indeg = new Map(nodes.map((n) => [n.id, 0]));
  const out = new Map<string, string[]>();
  for (const e of edges) {
    if (!indeg.has(e.source) || !indeg.has(e.target)) continue;
    indeg.set(e.target, (indeg.get(e.target) ?? 0) + 1);
    const list = out.get(e.source);
    if (list) list.push(e.target);
    else out.set(e.source, [e.target]);
  }
  const queue = nodes.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  while (queue.length) {
    const id = queue.shift()!;
    order.push(id);
    for (const t of out.get(id) ?? []) {
      const d = (indeg.get(t) ?? 0) - 1;
      indeg.set(t, d);
      if (d === 0) queue.push(t);
    }
  }
  // A cycle should not exist in a Flow; if one does, still place every node.
  const inOrder = new Set(order);
  for (const n of nodes) if (!inOrder.has(n.id)) order.push(n.id);
  return order;
}

/**
 * Top-left positions for every node: `pinned` ones (saved or dragged) stay where they are,
 * the others go one column right of their inputs (or under everything, for sources),
 * moved down until they overlap nothing.
 */
export function placeNodes(
  nodes: LayoutNode[],
  edges: { source: string; target: string }[],
  pinned: ReadonlyMap<string, Pt>,
): Map<string, Pt> {
  const kind = new Map(nodes.map((n) => [n.id, n.type]));
  const size = (id: string) => NODE_SIZE[kind.get(id) ?? "dataset"];
  // Work with centres, so that cards and discs of different sizes line up on one axis.
  const centre = new Map<string, Pt>();
  for (const [id, p] of pinned) {
    if (!kind.has(id)) continue;
    const s = size(id);
    centre.set(id, { x: p.x + s.w / 2, y: p.y + s.h / 2 });
  }
  const preds = new Map<string, string[]>();
  for (const e of edges) {
    const list = preds.get(e.target);
    if (list) list.push(e.source);
    else preds.set(e.target, [e.source]);
  }

  const overlaps = (id: string, c: Pt) => {
    const s = size(id);
    for (const [other, o] of centre) {
      const so = size(other);
      if (Math.abs(c.x - o.x) < (s.w + so.w) / 2 + 24 && Math.abs(c.y - o.y) < ROW - 8) return true;
    }
    return false;
  };

  for (const id of topoOrder(nodes, edges)) {
    if (centre.has(id)) continue;
    const placed = (preds.get(id) ?? []).map((p) => centre.get(p)).filter((p): p is Pt => p !== undefined);
    let c: Pt;
    if (placed.length) {
      c = {
        x: Math.max(...placed.map((p) => p.x)) + COLUMN,
        y: placed.reduce((sum, p) => sum + p.y, 0) / placed.length,
      };
    } else {
      const all = [...centre.values()];
      const left = all.length ? Math.min(...all.map((p) => p.x)) : 0;
      c = { x: left, y: all.length ? Math.max(...all.map((p) => p.y)) + ROW : 0 };
    }
    while (overlaps(id, c)) c = { x: c.x, y: c.y + ROW };
    centre.set(id, c);
  }

  const result = new Map<string, Pt>();
  for (const [id, c] of centre) {
    const s = size(id);
    result.set(id, { x: Math.round(c.x - s.w / 2), y: Math.round(c.y - s.h / 2) });
  }
  return result;
}
