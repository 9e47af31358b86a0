import { AppError, seededRandom } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import type { PortableModel } from "../src/contracts.ts";
import { compileBatchScorer, compileScorer, type Row } from "../src/score.ts";

// The scorers flatten trees into preorder arrays and walk a batch tree by tree. These tests hold
// them to a plain walk of the JSON's nested arrays (the reference formulas of score.ts), bit for
// bit, on trees numbered in an order that is not preorder.

type Tree = Extract<PortableModel["model"], { kind: "trees" }>["trees"][number];

const GRID = [-1, -0.5, 0, 0.5, 1];

/** A random full tree of `depth`, its nodes numbered breadth first (a left child is never next). */
function randomTree(rand: () => number, depth: number, width: number, leafWidth: number): Tree {
  const t: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
  const levels: number[][] = [[0]];
  let count = 1;
  for (let d = 0; d < depth; d++) {
    const next: number[] = [];
    for (const n of levels[d]!) {
      // Some nodes stop early, so leaves sit at several depths.
      if (d > 0 && rand() < 0.2) continue;
      next.push(count, count + 1);
      t.left[n] = count;
      t.right[n] = count + 1;
      count += 2;
    }
    levels.push(next);
  }
  for (let n = 0; n < count; n++) {
    if (t.left[n] === undefined) {
      t.left[n] = t.right[n] = -1;
      t.feature[n] = -2;
      t.threshold[n] = -2;
      t.value[n] = Array.from({ length: leafWidth }, () => rand());
    } else {
      t.feature[n] = Math.floor(rand() * width);
      // Some thresholds sit on the grid that some cells take, so ties (go left) happen.
      t.threshold[n] = rand() < 0.3 ? GRID[Math.floor(rand() * GRID.length)]! : rand() * 4 - 2;
      t.value[n] = Array.from({ length: leafWidth }, () => 0);
    }
  }
  return t;
}

const features: PortableModel["features"] = [
  { name: "a", type: "numeric", impute: 0.25, rescale: { kind: "standard", mean: 0.1, scale: 1.3 } },
  { name: "b", type: "numeric", impute: -1, rescale: { kind: "none" } },
  { name: "c", type: "categorical", impute: "x", levels: ["x", "y"], others: true },
];
const WIDTH = 5;

function rows(rand: () => number, n: number): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    a: i % 7 === 0 ? null : rand() * 4 - 2,
    ...(i % 11 === 0 ? {} : { b: i % 3 === 0 ? GRID[i % GRID.length]! : rand() * 4 - 2 }),
    c: ["x", "y", "z", null][i % 4],
  }));
}

/** The input vector as score.ts's comments define it. */
function vector(row: Row): number[] {
  const a = (row.a ?? 0.25) as number;
  const b = (row.b ?? -1) as number;
  const c = (row.c ?? "x") as string;
  return [(a - 0.1) / 1.3, b, c === "x" ? 1 : 0, c === "y" ? 1 : 0, c === "x" || c === "y" ? 0 : 1];
}

function walk(tree: Tree, x: number[]): number[] {
  let n = 0;
  while (tree.left[n] !== -1) n = x[tree.feature[n]!]! <= tree.threshold[n]! ? tree.left[n]! : tree.right[n]!;
  return tree.value[n]!;
}

function model(
  m: PortableModel["model"],
  task: PortableModel["task"],
  classes: string[] | null,
): PortableModel {
  return { format: "sous-portable-model", version: 1, task, classes, features, model: m };
}

describe("portable tree scoring", () => {
  const rand = seededRandom(7);
  const data = rows(rand, 300);

  it("a forest classifier averages the plain walk's leaves, alone and in a batch", () => {
    const trees = Array.from({ length: 12 }, () => randomTree(rand, 6, WIDTH, 3));
    const m = model({ kind: "trees", inputFloat32: false, trees }, "multiclass", ["p", "q", "r"]);
    const batch = compileBatchScorer(m)(data);
    const one = compileScorer(m);
    data.forEach((row, i) => {
      const x = vector(row);
      const sum = [0, 0, 0];
      for (const t of trees)
        walk(t, x).forEach((v, k) => {
          sum[k]! += v;
        });
      const p = sum.map((v) => v / trees.length);
      const best = p.indexOf(Math.max(...p));
      expect(batch[i]).toEqual({ prediction: ["p", "q", "r"][best], probabilities: p });
      expect(one(row)).toEqual(batch[i]);
    });
  });

  it("a forest regressor rounds its input to float32 when the model says so", () => {
    const trees = Array.from({ length: 5 }, () => randomTree(rand, 5, WIDTH, 1));
    // A threshold between b and float32(b): only the rounded value goes right.
    const b = 0.1;
    const cut = (b + Math.fround(b)) / 2;
    const split: Tree = {
      feature: [1, -2, -2],
      threshold: [cut, -2, -2],
      left: [1, -1, -1],
      right: [2, -1, -1],
      value: [[0], [10], [20]],
    };
    expect(Math.fround(b) > cut).toBe(true);
    for (const inputFloat32 of [false, true]) {
      const m = model({ kind: "trees", inputFloat32, trees: [split, ...trees] }, "regression", null);
      const row = { a: 0.5, b, c: "y" };
      const x = vector(row).map((v) => (inputFloat32 ? Math.fround(v) : v));
      let sum = 0;
      for (const t of [split, ...trees]) sum += walk(t, x)[0]!;
      expect(compileBatchScorer(m)([row, row])[1]!.prediction).toBe(sum / 6);
      expect(compileScorer(m)(row).prediction).toBe(sum / 6);
    }
  });

  it("boosted trees add weighted leaves per output in tree order (logistic and softmax)", () => {
    const trees = Array.from({ length: 9 }, () => randomTree(rand, 5, WIDTH, 1));
    const weights = trees.map(() => rand() * 0.2);
    const binary = model(
      {
        kind: "boosted",
        inputFloat32: true,
        link: "logistic",
        base: [-0.3],
        trees,
        weights,
        outputs: trees.map(() => 0),
      },
      "binary",
      ["no", "yes"],
    );
    const multi = model(
      {
        kind: "boosted",
        inputFloat32: false,
        link: "softmax",
        base: [0.1, 0.2, 0.3],
        trees,
        weights,
        outputs: trees.map((_, t) => t % 3),
      },
      "multiclass",
      ["u", "v", "w"],
    );
    const binaryScores = compileBatchScorer(binary)(data);
    const multiScores = compileBatchScorer(multi)(data);
    data.forEach((row, i) => {
      const x32 = vector(row).map(Math.fround);
      let z = -0.3;
      trees.forEach((t, k) => {
        z += weights[k]! * walk(t, x32)[0]!;
      });
      const p = 1 / (1 + Math.exp(-z));
      expect(binaryScores[i]).toEqual({ prediction: z > 0 ? "yes" : "no", probabilities: [1 - p, p] });
      const x = vector(row);
      const raw = [0.1, 0.2, 0.3];
      trees.forEach((t, k) => {
        raw[k % 3]! += weights[k]! * walk(t, x)[0]!;
      });
      const max = Math.max(...raw);
      const e = raw.map((v) => Math.exp(v - max));
      const total = e.reduce((s, v) => s + v, 0);
      const q = e.map((v) => v / total);
      expect(multiScores[i]).toEqual({
        prediction: ["u", "v", "w"][q.indexOf(Math.max(...q))],
        probabilities: q,
      });
      expect(compileScorer(multi)(row)).toEqual(multiScores[i]);
    });
  });

  it("a cell of the wrong type names its item in a batch", () => {
    const m = model(
      { kind: "trees", inputFloat32: false, trees: [randomTree(rand, 3, WIDTH, 1)] },
      "regression",
      null,
    );
    const bad = [...data.slice(0, 3), { a: "high", b: 1, c: "x" }];
    let error: unknown;
    try {
      compileBatchScorer(m)(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("invalid_input");
    expect((error as AppError).message).toMatch(/^item 3: feature a is numeric/);
  });
});
