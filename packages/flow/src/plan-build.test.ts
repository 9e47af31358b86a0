import { describe, expect, it } from "vitest";
import { computeFreshness } from "./freshness.ts";
import type { BuildGraph, GraphDataset, GraphRecipe } from "./graph.ts";
import { recipeBuildHash, versionIdentity } from "./hash.ts";
import { downstreamOf, planBuild } from "./plan-build.ts";
import { nextRunnable } from "./schedule.ts";

const ds = (id: string, current: GraphDataset["current"] = null, keep = false): GraphDataset => ({
  id,
  name: id.toUpperCase(),
  keepInPipeline: keep,
  current,
});
const rc = (
  id: string,
  inputs: string[],
  output: string,
  spec: unknown = { kind: "sync", p: id },
): GraphRecipe => ({
  id,
  name: id,
  kind: "sync",
  engine: "local",
  spec,
  inputs,
  outputs: [output],
});

/** src -> r1 -> a -> r2 -> b -> r3 -> c, and src -> r4 -> d (independent branch). */
function chain(): BuildGraph {
  return {
    datasets: [ds("src", { id: "v0", buildHash: null }), ds("a"), ds("b"), ds("c"), ds("d")],
    recipes: [rc("r1", ["src"], "a"), rc("r2", ["a"], "b"), rc("r3", ["b"], "c"), rc("r4", ["src"], "d")],
  };
}

/** Marks every dataset as built from its current inputs, as a full build would leave them. */
function builtUpToDate(g: BuildGraph): BuildGraph {
  const f = computeFreshness(g);
  return {
    ...g,
    datasets: g.datasets.map((d) =>
      d.current ? d : { ...d, current: { id: `v-${d.id}`, buildHash: f.get(d.id)!.expected } },
    ),
  };
}

const positions = (r: ReturnType<typeof planBuild>) => {
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.plan.activities.map((a) => ({ out: a.outputDatasetId, recipes: a.recipeIds, deps: a.dependsOn }));
};

describe("outdated detection", () => {
  it("is outdated when never built, and up to date once built from the current inputs", () => {
    const g = chain();
    expect(computeFreshness(g).get("a")).toMatchObject({ missing: true, outdated: true });
    expect(computeFreshness(builtUpToDate(g)).get("c")).toMatchObject({ missing: false, outdated: false });
  });

  it("changing a recipe's spec outdates its output and everything downstream, not the other branch", () => {
    const g = builtUpToDate(chain());
    g.recipes[1] = { ...g.recipes[1]!, spec: { kind: "sync", p: "changed" } };
    const f = computeFreshness(g);
    expect([...f].filter(([, v]) => v.outdated).map(([k]) => k)).toEqual(["b", "c"]);
  });

  it("a new upload of a source outdates what reads it, and the engine is part of the hash", () => {
    const g = builtUpToDate(chain());
    g.datasets[0] = ds("src", { id: "v1", buildHash: null });
    expect(computeFreshness(g).get("d")?.outdated).toBe(true);
    const h = (engine: string, output = "o1") =>
      recipeBuildHash({ spec: { a: 1, b: 2 }, engine, inputs: ["x"], output });
    expect(h("local")).not.toBe(h("databricks"));
    expect(recipeBuildHash({ spec: { b: 2, a: 1 }, engine: "local", inputs: ["x"], output: "o1" })).toBe(
      h("local"),
    );
    // The two outputs of a split: same spec and inputs, different data.
    expect(h("local", "o2")).not.toBe(h("local"));
    expect(versionIdentity({ id: "v1", buildHash: null })).not.toBe(
      versionIdentity({ id: "v2", buildHash: null }),
    );
  });
});

describe("planBuild", () => {
  it("build-only-this runs each target's recipe, nothing upstream", () => {
    expect(positions(planBuild({ graph: chain(), targets: ["c"], mode: "build-only-this" }))).toEqual([
      { out: "c", recipes: ["r3"], deps: [] },
    ]);
  });

  it("refuses unknown datasets and datasets no recipe writes", () => {
    expect(planBuild({ graph: chain(), targets: ["nope"], mode: "smart" })).toEqual({
      ok: false,
      reason: "unknown",
      datasetIds: ["nope"],
    });
    expect(planBuild({ graph: chain(), targets: ["src", "a"], mode: "smart" })).toEqual({
      ok: false,
      reason: "unbuildable",
      datasetIds: ["src"],
    });
  });

  it("smart on a never-built chain merges it into one pipeline that writes only the target", () => {
    const r = planBuild({ graph: chain(), targets: ["c"], mode: "smart" });
    expect(positions(r)).toEqual([{ out: "c", recipes: ["r1", "r2", "r3"], deps: [] }]);
    if (r.ok) expect(r.plan.activities[0]?.virtualDatasetIds).toEqual(["a", "b"]);
  });

  it("without pipelines, activities follow dependency order one recipe each", () => {
    expect(positions(planBuild({ graph: chain(), targets: ["c"], mode: "smart", pipelines: false }))).toEqual(
      [
        { out: "a", recipes: ["r1"], deps: [] },
        { out: "b", recipes: ["r2"], deps: [0] },
        { out: "c", recipes: ["r3"], deps: [1] },
      ],
    );
  });

  it("a SQL code recipe is never merged into a pipeline: its inputs and its output are written", () => {
    const g = chain();
    g.recipes[1] = {
      ...g.recipes[1]!,
      kind: "sql",
      spec: { kind: "sql", params: { sql: "SELECT * FROM A" } },
    };
    expect(positions(planBuild({ graph: g, targets: ["c"], mode: "smart" }))).toEqual([
      { out: "a", recipes: ["r1"], deps: [] },
      { out: "b", recipes: ["r2"], deps: [0] },
      { out: "c", recipes: ["r3"], deps: [1] },
    ]);
  });

  it("a score recipe ends a pipeline: the recipes before it merge into it, its output is written", () => {
    const g = chain();
    g.recipes[1] = {
      ...g.recipes[1]!,
      kind: "score",
      spec: { kind: "score", params: { savedModelId: "m" } },
    };
    expect(positions(planBuild({ graph: g, targets: ["c"], mode: "smart" }))).toEqual([
      { out: "b", recipes: ["r1", "r2"], deps: [] },
      { out: "c", recipes: ["r3"], deps: [0] },
    ]);
  });

  it("a score recipe's output is outdated when its saved model's active version changes", () => {
    const g = chain();
    g.recipes[1] = { ...g.recipes[1]!, kind: "score", model: "version-1" };
    const built = builtUpToDate(g);
    expect(computeFreshness(built).get("b")!.outdated).toBe(false);
    built.recipes[1] = { ...built.recipes[1]!, model: "version-2" };
    const f = computeFreshness(built);
    expect(f.get("b")!.outdated).toBe(true);
    expect(f.get("c")!.outdated).toBe(true);
    expect(f.get("a")!.outdated).toBe(false);
    // Recipes without a model hash as before (stored hashes stay valid).
    expect(recipeBuildHash({ spec: 1, engine: "local", inputs: [], output: "x" })).toBe(
      recipeBuildHash({ spec: 1, engine: "local", inputs: [], output: "x", model: undefined }),
    );
  });

  it("a dataset marked to keep ends a pipeline and is written", () => {
    const g = chain();
    g.datasets[2] = ds("b", null, true);
    expect(positions(planBuild({ graph: g, targets: ["c"], mode: "smart" }))).toEqual([
      { out: "b", recipes: ["r1", "r2"], deps: [] },
      { out: "c", recipes: ["r3"], deps: [0] },
    ]);
  });

  it("smart skips what is up to date and rebuilds only from the changed recipe down", () => {
    const g = builtUpToDate(chain());
    const none = planBuild({ graph: g, targets: ["c", "d"], mode: "smart" });
    expect(none.ok && none.plan.activities).toEqual([]);
    expect(none.ok && none.plan.upToDate.sort()).toEqual(["c", "d"]);
    g.recipes[1] = { ...g.recipes[1]!, spec: { kind: "sync", p: "changed" } };
    const r = planBuild({ graph: g, targets: ["c"], mode: "smart" });
    expect(positions(r)).toEqual([{ out: "c", recipes: ["r2", "r3"], deps: [] }]);
    expect(r.ok && r.plan.activities[0]?.reason).toBe("outdated");
  });

  it("smart leaves a target built by a pipeline alone, though its intermediates were never written", () => {
    const g = chain();
    const f = computeFreshness(g);
    g.datasets[3] = ds("c", { id: "vc", buildHash: f.get("c")!.expected });
    const r = planBuild({ graph: g, targets: ["c"], mode: "smart" });
    expect(r.ok && r.plan.activities).toEqual([]);
    expect(computeFreshness(g).get("a")?.missing).toBe(true);
  });

  it("forced-recursive rebuilds everything upstream even when up to date", () => {
    const g = builtUpToDate(chain());
    const r = planBuild({ graph: g, targets: ["c"], mode: "forced-recursive", pipelines: false });
    expect(positions(r).map((a) => a.out)).toEqual(["a", "b", "c"]);
  });

  it("missing-only builds only the datasets never built", () => {
    const g = chain();
    g.datasets[1] = ds("a", { id: "va", buildHash: "stale" });
    const r = planBuild({ graph: g, targets: ["c"], mode: "missing-only", pipelines: false });
    expect(positions(r).map((a) => a.out)).toEqual(["b", "c"]);
    expect(r.ok && r.plan.upToDate).toEqual(["a"]);
  });

  it("a dataset read by two recipes of the build is written once, not computed twice", () => {
    // src -> r1 -> a; a -> r2 -> b; a -> r3 -> c; targets b and c
    const g: BuildGraph = {
      datasets: [ds("src", { id: "v0", buildHash: null }), ds("a"), ds("b"), ds("c")],
      recipes: [rc("r1", ["src"], "a"), rc("r2", ["a"], "b"), rc("r3", ["a"], "c")],
    };
    const r = positions(planBuild({ graph: g, targets: ["b", "c"], mode: "smart" }));
    expect(r).toEqual([
      { out: "a", recipes: ["r1"], deps: [] },
      { out: "b", recipes: ["r2"], deps: [0] },
      { out: "c", recipes: ["r3"], deps: [0] },
    ]);
  });

  it("a split (several outputs) is never merged into a pipeline; each output is its own activity", () => {
    const split: GraphRecipe = { ...rc("rs", ["a"], "s1"), outputs: ["s1", "s2"] };
    const g: BuildGraph = {
      datasets: [ds("src", { id: "v0", buildHash: null }), ds("a"), ds("s1"), ds("s2")],
      recipes: [rc("r1", ["src"], "a"), split],
    };
    expect(positions(planBuild({ graph: g, targets: ["s1", "s2"], mode: "smart" }))).toEqual([
      { out: "a", recipes: ["r1"], deps: [] },
      { out: "s1", recipes: ["rs"], deps: [0] },
      { out: "s2", recipes: ["rs"], deps: [0] },
    ]);
  });

  it("a join of two pipelined branches becomes one activity", () => {
    const g: BuildGraph = {
      datasets: [
        ds("s1", { id: "v1", buildHash: null }),
        ds("s2", { id: "v2", buildHash: null }),
        ds("x"),
        ds("y"),
        ds("j"),
      ],
      recipes: [rc("rx", ["s1"], "x"), rc("ry", ["s2"], "y"), rc("rj", ["x", "y"], "j")],
    };
    const r = planBuild({ graph: g, targets: ["j"], mode: "smart" });
    expect(positions(r)).toEqual([{ out: "j", recipes: ["rx", "ry", "rj"], deps: [] }]);
  });
});

describe("scheduling", () => {
  const acts = [
    { position: 0, dependsOn: [], state: "SUCCEEDED" },
    { position: 1, dependsOn: [0], state: "QUEUED" },
    { position: 2, dependsOn: [], state: "QUEUED" },
    { position: 3, dependsOn: [1], state: "QUEUED" },
    { position: 4, dependsOn: [], state: "QUEUED" },
  ];
  it("starts independent activities up to the free slots, in plan order", () => {
    expect(nextRunnable(acts, 2).map((a) => a.position)).toEqual([1, 2]);
    expect(nextRunnable(acts, 0)).toEqual([]);
  });
  it("a failure skips everything downstream of it", () => {
    expect(downstreamOf(acts, 0)).toEqual([1, 3]);
    expect(downstreamOf(acts, 2)).toEqual([]);
  });
});
