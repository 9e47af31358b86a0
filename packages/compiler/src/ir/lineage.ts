import type { ColumnLineage, LineageSource } from "../types.ts";
import type { ColumnId } from "./ids.ts";
import { type Rel, relInputs } from "./rel.ts";

/**
 * Resolves every output column of `rel` down to the source columns it derives from, by chaining
 * each op's per-column `from` ids. Pure function of the IR, so it works for any op kind.
 */
export function lineageOf(rel: Rel): ColumnLineage[] {
  const resolved = resolve(rel);
  return rel.columns.map((c) => ({ output: c.name, from: resolved.get(c.id) ?? [] }));
}

function resolve(rel: Rel): Map<ColumnId, LineageSource[]> {
  if (rel.kind === "source") {
    return new Map(rel.columns.map((c) => [c.id, [{ input: rel.input, column: c.name }]]));
  }
  const below = new Map<ColumnId, LineageSource[]>();
  for (const child of relInputs(rel)) for (const [k, v] of resolve(child)) below.set(k, v);
  const out = new Map<ColumnId, LineageSource[]>();
  for (const c of rel.columns) {
    const merged: LineageSource[] = [];
    const seen = new Set<string>();
    for (const id of c.from) {
      for (const s of below.get(id) ?? []) {
        const key = `${s.input}\u0000${s.column}`;
        if (!seen.has(key)) {
          seen.add(key);
          merged.push(s);
        }
      }
    }
    out.set(c.id, merged);
  }
  return out;
}
