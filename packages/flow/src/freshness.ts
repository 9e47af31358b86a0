import type { BuildGraph, GraphIndex } from "./graph.ts";
import { indexGraph } from "./graph.ts";
import { recipeBuildHash, versionIdentity } from "./hash.ts";

export interface DatasetFreshness {
  /** The hash a build from up-to-date inputs would write (source datasets: their version identity). */
  expected: string;
  /** Written by a recipe and never built. */
  missing: boolean;
  /** Written by a recipe, and its current version was not built from the current recipe and inputs. */
  outdated: boolean;
}

/**
 * Outdated detection for every dataset. `expected` is computed recursively from the sources, so
 * a dataset built inside a pipeline (its upstream intermediate never written) is up to date as
 * long as the sources and recipes are unchanged, and one built from a stale input stays outdated.
 */
export function computeFreshness(graph: BuildGraph | GraphIndex): Map<string, DatasetFreshness> {
  const g = "producer" in graph ? graph : indexGraph(graph);
  const out = new Map<string, DatasetFreshness>();
  const visiting = new Set<string>();
  const visit = (id: string): DatasetFreshness => {
    const known = out.get(id);
    if (known) return known;
    const d = g.dataset.get(id);
    const producer = g.producer.get(id);
    let f: DatasetFreshness;
    if (!producer || visiting.has(id)) {
      // A source, or a cycle (refused when recipes are saved): it stands for its own data.
      f = { expected: d?.current ? versionIdentity(d.current) : "missing", missing: false, outdated: false };
    } else {
      visiting.add(id);
      const inputs = producer.inputs.map((i) => visit(i).expected);
      visiting.delete(id);
      const expected = recipeBuildHash({
        spec: producer.spec,
        engine: producer.engine,
        inputs,
        output: id,
        model: producer.model,
      });
      const missing = !d?.current;
      f = { expected, missing, outdated: missing || versionIdentity(d.current!) !== expected };
    }
    out.set(id, f);
    return f;
  };
  for (const id of g.dataset.keys()) visit(id);
  return out;
}
