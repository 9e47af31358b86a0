import type { FlowNode } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { datasetImpact } from "./impact.ts";

const ds = (id: string): FlowNode => ({
  type: "dataset",
  id,
  name: id,
  state: "built",
  outdated: false,
  rowCount: 1,
  position: null,
});
const rc = (id: string): FlowNode => ({
  type: "recipe",
  id,
  name: id,
  kind: "sync",
  engine: "local",
  position: null,
});
const e = (source: string, target: string) => ({ source, target });

// src -> r1 -> a -> r2 -> b ; src -> r3 -> c ; w -> src (w writes src) ; split s -> {x, src2}
const graph = {
  nodes: [ds("raw"), rc("w"), ds("src"), rc("r1"), ds("a"), rc("r2"), ds("b"), rc("r3"), ds("c"), ds("lone")],
  edges: [
    e("raw", "w"),
    e("w", "src"),
    e("src", "r1"),
    e("r1", "a"),
    e("a", "r2"),
    e("r2", "b"),
    e("src", "r3"),
    e("r3", "c"),
  ],
};

describe("datasetImpact", () => {
  it("deletes the writer and the readers, and lists everything downstream of them as staying", () => {
    const i = datasetImpact(graph, "src");
    expect(i.deleted.map((d) => [d.node.id, d.role])).toEqual([
      ["w", "writes"],
      ["r1", "reads"],
      ["r3", "reads"],
    ]);
    expect(i.readers).toBe(2);
    expect(i.stays.map((n) => n.id).sort()).toEqual(["a", "b", "c", "r2"]);
    // Upstream of the writer is untouched.
    expect(i.stays.map((n) => n.id)).not.toContain("raw");
  });

  it("a dataset nothing uses takes nothing with it", () => {
    expect(datasetImpact(graph, "lone")).toEqual({ deleted: [], stays: [], readers: 0 });
  });

  it("the last dataset of a chain takes only its writer", () => {
    const i = datasetImpact(graph, "b");
    expect(i.deleted.map((d) => d.node.id)).toEqual(["r2"]);
    expect(i.readers).toBe(0);
    expect(i.stays).toEqual([]);
  });

  it("a split's other outputs stay when one output is deleted with the split", () => {
    const g = {
      nodes: [ds("in"), rc("split"), ds("x"), ds("y"), rc("use_y"), ds("z")],
      edges: [e("in", "split"), e("split", "x"), e("split", "y"), e("y", "use_y"), e("use_y", "z")],
    };
    const i = datasetImpact(g, "x");
    expect(i.deleted.map((d) => d.node.id)).toEqual(["split"]);
    expect(i.stays.map((n) => n.id)).toEqual(["y", "use_y", "z"]);
  });
});
