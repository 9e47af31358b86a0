import { AppError } from "@sous/contracts";
import type { PortableFeature, PortableModel } from "./contracts.ts";
import { dateStep, levelValues } from "./feature-handling/encode.ts";
import { ownRuntimeReason } from "./feature-handling/schemas.ts";

// Scores rows with a portable model, repeating scikit-learn's float64 operations in the same
// order (impute, rescale, one-hot, then the model), so results agree to rounding noise.
//
// A model is compiled once into flat typed arrays (every tree's nodes end to end, one input
// vector reused per row): the API node scores a 100-tree forest per row in microseconds instead
// of walking the JSON's nested arrays. Every operation and its order are the same as a plain walk,
// so the answers are bit for bit those of the reference formulas in the comments below.

export type Row = Readonly<Record<string, unknown>>;

export interface Score {
  /** The predicted class (a label of model.classes) or the regression value. */
  prediction: string | number | boolean;
  /** Per class, in model.classes order; absent for regression. */
  probabilities?: number[];
}

/** Scores one row; throws an AppError (invalid_input) for a cell of the wrong type. */
export type Scorer = (row: Row) => Score;

/** A categorical cell as text, as the trainer spells it (category_text in sous_ml/train.py). */
function categoryText(feature: string, v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v === "number") return null;
  if (typeof v === "bigint") return v.toString();
  throw new AppError("invalid_input", `feature ${feature} is categorical: expected text, got ${typeof v}`);
}

function numericValue(feature: string, v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return Number.isNaN(v) ? null : v;
  if (typeof v === "bigint") return Number(v);
  throw new AppError(
    "invalid_input",
    `feature ${feature} is numeric: expected a number or null, got ${typeof v} ${JSON.stringify(String(v)).slice(0, 40)}`,
  );
}

/** Writes one row's model input into `out` (a missing or null cell is imputed). */
type Encoder = (row: Row, out: Float64Array) => void;

function encoder(features: readonly PortableFeature[]): { width: number; encode: Encoder } {
  const steps: Encoder[] = [];
  let width = 0;
  for (const f of features) {
    const at = width;
    const cellOf = (row: Row) => (Object.hasOwn(row, f.name) ? row[f.name] : undefined);
    if (f.type === "numeric") {
      const r = f.rescale;
      const impute = f.impute;
      steps.push(
        r.kind === "standard"
          ? (row, out) => {
              out[at] = ((numericValue(f.name, cellOf(row)) ?? impute) - r.mean) / r.scale;
            }
          : r.kind === "minmax"
            ? (row, out) => {
                out[at] = (numericValue(f.name, cellOf(row)) ?? impute) * r.scale + r.offset;
              }
            : (row, out) => {
                out[at] = numericValue(f.name, cellOf(row)) ?? impute;
              },
      );
      width += 1;
    } else if (f.type === "ordinal" || f.type === "target") {
      const values = levelValues(f);
      steps.push((row, out) => {
        out[at] = values.get(categoryText(f.name, cellOf(row)) ?? f.impute);
      });
      width += 1;
    } else if (f.type === "date") {
      steps.push(dateStep(f, at, cellOf));
      width += f.parts.length;
    } else if (f.type === "text") {
      throw new AppError("invalid_input", `The model cannot be scored here: ${ownRuntimeReason([f])}.`);
    } else {
      // One-hot: a column per kept level, then "others" (a grouped or unseen level) when the
      // model has that column; without it such a level is all zeros.
      const index = new Map<string, number>();
      f.levels.forEach((level, i) => {
        if (!index.has(level)) index.set(level, i); // the first, as indexOf finds it
      });
      const span = f.levels.length + (f.others ? 1 : 0);
      const others = f.others ? at + f.levels.length : -1;
      steps.push((row, out) => {
        out.fill(0, at, at + span);
        const i = index.get(categoryText(f.name, cellOf(row)) ?? f.impute);
        if (i !== undefined) out[at + i] = 1;
        else if (others >= 0) out[others] = 1;
      });
      width += span;
    }
  }
  return {
    width,
    encode: (row, out) => {
      for (const step of steps) step(row, out);
    },
  };
}

/** The model's input vector for one row (a missing or null cell is imputed). */
export function featureVector(features: readonly PortableFeature[], row: Row): number[] {
  const { width, encode } = encoder(features);
  const out = new Float64Array(width);
  encode(row, out);
  return Array.from(out);
}

type TreesModel = PortableModel["model"] & { kind: "trees" | "boosted" };

/**
 * Every tree's nodes end to end, each tree in preorder: an inner node's left child is the next
 * node, so a step of the walk reads one feature, one threshold and (going right) one index.
 */
interface FlatForest {
  roots: Int32Array;
  /** The feature an inner node compares; -1 at a leaf. */
  feature: Int32Array;
  threshold: Float64Array;
  /** An inner node's right child; a leaf's first value in `values`. */
  next: Int32Array;
  /** `width` values per leaf (class probabilities or [value]). */
  values: Float64Array;
  width: number;
}

function flatten(m: TreesModel): FlatForest {
  const total = m.trees.reduce((n, t) => n + t.feature.length, 0);
  const leaves = m.trees.reduce((n, t) => n + t.left.filter((l) => l === -1).length, 0);
  const first = m.trees[0]!;
  const width = first.value[first.left.indexOf(-1)]?.length ?? 0;
  const f: FlatForest = {
    roots: new Int32Array(m.trees.length),
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    next: new Int32Array(total),
    values: new Float64Array(leaves * width),
    width,
  };
  let id = 0;
  let valueAt = 0;
  m.trees.forEach((tree, t) => {
    f.roots[t] = id;
    // [node in the tree, the flat inner node whose right child it is, or -1]
    const stack: [number, number][] = [[0, -1]];
    while (stack.length > 0) {
      const [i, parent] = stack.pop()!;
      const n = id++;
      if (parent >= 0) f.next[parent] = n;
      if (tree.left[i] === -1) {
        const v = tree.value[i]!;
        if (v.length !== width)
          throw new AppError("invalid_input", "the model's leaves do not all have the same number of values");
        f.feature[n] = -1;
        f.next[n] = valueAt;
        f.values.set(v, valueAt);
        valueAt += width;
      } else {
        f.feature[n] = tree.feature[i]!;
        f.threshold[n] = tree.threshold[i]!;
        stack.push([tree.right[i]!, n], [tree.left[i]!, -1]);
      }
    }
  });
  return f;
}

/**
 * The first value of the leaf that the row at `x[at...]` reaches from `root`: go left when
 * x[feature] <= threshold.
 */
function leafValue(f: FlatForest, root: number, x: Float64Array, at: number): number {
  const { feature, threshold, next } = f;
  let n = root;
  let k = feature[n]!;
  while (k !== -1) {
    n = x[at + k]! <= threshold[n]! ? n + 1 : next[n]!;
    k = feature[n]!;
  }
  return next[n]!;
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

function softmax(z: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < z.length; i++) max = Math.max(max, z[i]!);
  const e = Array.from(z, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/**
 * Scores the `n` encoded rows of `x` (`width` values each). Tree models walk tree by tree over all
 * rows, so one tree's nodes stay in cache for the whole batch; each row still adds its trees in
 * tree order, so a row scores the same alone or in a batch, bit for bit.
 */
type MatrixScorer = (x: Float64Array, n: number) => Score[];

function matrixScorer(model: PortableModel, width: number): MatrixScorer {
  const m = model.model;
  const classes = model.classes;
  const label = (i: number) => {
    const c = classes?.[i];
    if (c === undefined) throw new AppError("invalid_input", `the model has no class ${i}`);
    return c;
  };
  const each = (n: number, score: (r: number) => Score) => Array.from({ length: n }, (_, r) => score(r));
  if (m.kind === "linear") {
    if (m.coefficients.some((c) => c.length !== width))
      throw new AppError("invalid_input", `the model's coefficients do not match its ${width} input columns`);
    const coefficients = m.coefficients.map((c) => Float64Array.from(c));
    // z[k] = x[0] * c[k][0] + x[1] * c[k][1] + ... + intercept[k], summed left to right.
    const linear = (x: Float64Array, at: number) =>
      coefficients.map((c, k) => {
        let s = 0;
        for (let i = 0; i < width; i++) s += x[at + i]! * c[i]!;
        return s + m.intercepts[k]!;
      });
    if (m.link === "identity") return (x, n) => each(n, (r) => ({ prediction: linear(x, r * width)[0]! }));
    if (m.link === "logistic")
      return (x, n) =>
        each(n, (r) => {
          const z = linear(x, r * width)[0]!;
          const p = 1 / (1 + Math.exp(-z));
          // scikit-learn predicts the positive class when the decision function is > 0.
          return { prediction: label(z > 0 ? 1 : 0), probabilities: [1 - p, p] };
        });
    return (x, n) =>
      each(n, (r) => {
        const p = softmax(linear(x, r * width));
        return { prediction: label(argmax(p)), probabilities: p };
      });
  }
  const forest = flatten(m);
  const { roots, values } = forest;
  const trees = roots.length;
  // scikit-learn casts the input to float32 before its trees compare: rounding the vector once
  // per row equals rounding at every comparison.
  const prepare = (x: Float64Array, n: number) => {
    if (m.inputFloat32) for (let i = 0; i < n * width; i++) x[i] = Math.fround(x[i]!);
  };
  if (m.kind === "boosted") {
    const base = Float64Array.from(m.base);
    const classCount = base.length;
    const weights = Float64Array.from(m.weights);
    const outputs = Int32Array.from(m.outputs);
    // raw[k] = base[k] + w[0] * leaf(tree 0) + w[1] * leaf(tree 1) + ..., added in tree order, as
    // scikit-learn's predict_stages and MLlib add them.
    const margins = (x: Float64Array, n: number) => {
      prepare(x, n);
      const raw = new Float64Array(n * classCount);
      for (let r = 0; r < n; r++) raw.set(base, r * classCount);
      for (let t = 0; t < trees; t++) {
        const root = roots[t]!;
        const k = outputs[t]!;
        const w = weights[t]!;
        for (let r = 0, at = k; r < n; r++, at += classCount)
          raw[at] = raw[at]! + w * values[leafValue(forest, root, x, r * width)]!;
      }
      return raw;
    };
    if (m.link === "identity")
      return (x, n) => {
        const raw = margins(x, n);
        return each(n, (r) => ({ prediction: raw[r * classCount]! }));
      };
    if (m.link === "logistic")
      return (x, n) => {
        const raw = margins(x, n);
        return each(n, (r) => {
          const z = raw[r * classCount]!;
          const p = 1 / (1 + Math.exp(-z));
          // Both engines predict the second class when the raw score is > 0.
          return { prediction: label(z > 0 ? 1 : 0), probabilities: [1 - p, p] };
        });
      };
    return (x, n) => {
      const raw = margins(x, n);
      return each(n, (r) => {
        const p = softmax(raw.subarray(r * classCount, (r + 1) * classCount));
        return { prediction: label(argmax(p)), probabilities: p };
      });
    };
  }
  // A forest averages its trees' outputs: (leaf(0) + leaf(1) + ...) / trees, in tree order.
  const w = forest.width;
  const means = (x: Float64Array, n: number) => {
    prepare(x, n);
    const sum = new Float64Array(n * w);
    for (let t = 0; t < trees; t++) {
      const root = roots[t]!;
      for (let r = 0; r < n; r++) {
        const v = leafValue(forest, root, x, r * width);
        const at = r * w;
        for (let i = 0; i < w; i++) sum[at + i] = sum[at + i]! + values[v + i]!;
      }
    }
    return sum;
  };
  if (model.task === "regression")
    return (x, n) => {
      const sum = means(x, n);
      return each(n, (r) => ({ prediction: sum[r * w]! / trees }));
    };
  return (x, n) => {
    const sum = means(x, n);
    return each(n, (r) => {
      const p = Array.from(sum.subarray(r * w, (r + 1) * w), (v) => v / trees);
      return { prediction: label(argmax(p)), probabilities: p };
    });
  };
}

/** Scores many rows; a cell of the wrong type is an AppError (invalid_input) naming its item. */
export type BatchScorer = (rows: readonly Row[]) => Score[];

/**
 * A model's two scorers, one row and many rows, over one compilation (one encoder, one flattened
 * forest). Throws an AppError when the model's parts do not fit.
 */
function compileScorers(model: PortableModel): { one: Scorer; many: BatchScorer } {
  const { width, encode } = encoder(model.features);
  const score = matrixScorer(model, width);
  const x = new Float64Array(width);
  return {
    one: (row) => {
      encode(row, x);
      return score(x, 1)[0]!;
    },
    many: (rows) => {
      const batch = new Float64Array(rows.length * width);
      rows.forEach((r, i) => {
        try {
          encode(r, x);
        } catch (e) {
          if (e instanceof AppError) throw new AppError(e.code, `item ${i}: ${e.message}`);
          throw e;
        }
        batch.set(x, i * width);
      });
      return score(batch, rows.length);
    },
  };
}

/** Compiles a model into a scorer of one row. */
export const compileScorer = (model: PortableModel): Scorer => compileScorers(model).one;

/** Compiles a model into a scorer of many rows at once (the API node's predict-multi). */
export const compileBatchScorer = (model: PortableModel): BatchScorer => compileScorers(model).many;

const compiled = new WeakMap<PortableModel, ReturnType<typeof compileScorers>>();

/** The model's scorers, compiled at its first use and kept while the object lives. */
function scorersOf(model: PortableModel): ReturnType<typeof compileScorers> {
  let scorers = compiled.get(model);
  if (!scorers) {
    scorers = compileScorers(model);
    compiled.set(model, scorers);
  }
  return scorers;
}

/** Scores one row. */
export const scorePortable = (model: PortableModel, row: Row): Score => scorersOf(model).one(row);

/** Scores many rows (a cell of the wrong type names its item). */
export const scoreManyPortable = (model: PortableModel, rows: readonly Row[]): Score[] =>
  scorersOf(model).many(rows);
