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

/** Every tree's nodes end to end; a child index is absolute, a leaf's left child is -1. */
interface FlatForest {
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** `width` values per node (class probabilities or [value]); only leaves' are set. */
  values: Float64Array;
  width: number;
}

function flatten(m: TreesModel): FlatForest {
  const total = m.trees.reduce((n, t) => n + t.feature.length, 0);
  // Only leaves' values are read (an inner node's may be anything).
  const first = m.trees[0]!;
  const width = first.value[first.left.indexOf(-1)]?.length ?? 0;
  const f: FlatForest = {
    roots: new Int32Array(m.trees.length),
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    left: new Int32Array(total),
    right: new Int32Array(total),
    values: new Float64Array(total * width),
    width,
  };
  let base = 0;
  m.trees.forEach((tree, t) => {
    f.roots[t] = base;
    for (let i = 0; i < tree.feature.length; i++) {
      const n = base + i;
      f.feature[n] = tree.feature[i]!;
      f.threshold[n] = tree.threshold[i]!;
      f.left[n] = tree.left[i] === -1 ? -1 : base + tree.left[i]!;
      f.right[n] = tree.right[i] === -1 ? -1 : base + tree.right[i]!;
      if (tree.left[i] !== -1) continue;
      const v = tree.value[i]!;
      if (v.length !== width)
        throw new AppError("invalid_input", "the model's leaves do not all have the same number of values");
      f.values.set(v, n * width);
    }
    base += tree.feature.length;
  });
  return f;
}

/** The leaf a row reaches in tree t: go left when x[feature] <= threshold. */
function leaf(f: FlatForest, t: number, x: Float64Array): number {
  const { feature, threshold, left, right } = f;
  let n = f.roots[t]!;
  while (left[n] !== -1) n = x[feature[n]!]! <= threshold[n]! ? left[n]! : right[n]!;
  return n;
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

/** Compiles a model into a scorer (throws an AppError when the model's parts do not fit). */
export function compileScorer(model: PortableModel): Scorer {
  const { width, encode } = encoder(model.features);
  const x = new Float64Array(width);
  const m = model.model;
  const classes = model.classes;
  const label = (i: number) => {
    const c = classes?.[i];
    if (c === undefined) throw new AppError("invalid_input", `the model has no class ${i}`);
    return c;
  };
  if (m.kind === "linear") {
    if (m.coefficients.some((c) => c.length !== width))
      throw new AppError("invalid_input", `the model's coefficients do not match its ${width} input columns`);
    const coefficients = m.coefficients.map((c) => Float64Array.from(c));
    // z[k] = x[0] * c[k][0] + x[1] * c[k][1] + ... + intercept[k], summed left to right.
    const linear = () =>
      coefficients.map((c, k) => {
        let s = 0;
        for (let i = 0; i < width; i++) s += x[i]! * c[i]!;
        return s + m.intercepts[k]!;
      });
    if (m.link === "identity")
      return (row) => {
        encode(row, x);
        return { prediction: linear()[0]! };
      };
    if (m.link === "logistic")
      return (row) => {
        encode(row, x);
        const z = linear()[0]!;
        const p = 1 / (1 + Math.exp(-z));
        // scikit-learn predicts the positive class when the decision function is > 0.
        return { prediction: label(z > 0 ? 1 : 0), probabilities: [1 - p, p] };
      };
    return (row) => {
      encode(row, x);
      const p = softmax(linear());
      return { prediction: label(argmax(p)), probabilities: p };
    };
  }
  const forest = flatten(m);
  const trees = m.trees.length;
  // scikit-learn casts the input to float32 before its trees compare: rounding the vector once
  // per row equals rounding at every comparison.
  const prepare = m.inputFloat32
    ? (row: Row) => {
        encode(row, x);
        for (let i = 0; i < width; i++) x[i] = Math.fround(x[i]!);
      }
    : (row: Row) => encode(row, x);
  if (m.kind === "boosted") {
    const base = Float64Array.from(m.base);
    const raw = new Float64Array(base.length);
    const weights = Float64Array.from(m.weights);
    const outputs = Int32Array.from(m.outputs);
    // raw[k] = base[k] + w[0] * leaf(tree 0) + w[1] * leaf(tree 1) + ..., added in tree order, as
    // scikit-learn's predict_stages and MLlib add them.
    const margins = (row: Row) => {
      prepare(row);
      raw.set(base);
      for (let t = 0; t < trees; t++) {
        const k = outputs[t]!;
        raw[k] = raw[k]! + weights[t]! * forest.values[leaf(forest, t, x) * forest.width]!;
      }
      return raw;
    };
    if (m.link === "identity") return (row) => ({ prediction: margins(row)[0]! });
    if (m.link === "logistic")
      return (row) => {
        const r = margins(row)[0]!;
        const p = 1 / (1 + Math.exp(-r));
        // Both engines predict the second class when the raw score is > 0.
        return { prediction: label(r > 0 ? 1 : 0), probabilities: [1 - p, p] };
      };
    return (row) => {
      const p = softmax(margins(row));
      return { prediction: label(argmax(p)), probabilities: p };
    };
  }
  // A forest averages its trees' outputs: (leaf(0) + leaf(1) + ...) / trees, in tree order.
  const sum = new Float64Array(forest.width);
  const mean = (row: Row) => {
    prepare(row);
    sum.fill(0);
    for (let t = 0; t < trees; t++) {
      const at = leaf(forest, t, x) * forest.width;
      for (let i = 0; i < forest.width; i++) sum[i] = sum[i]! + forest.values[at + i]!;
    }
    return Array.from(sum, (v) => v / trees);
  };
  if (model.task === "regression") return (row) => ({ prediction: mean(row)[0]! });
  return (row) => {
    const p = mean(row);
    return { prediction: label(argmax(p)), probabilities: p };
  };
}

const compiled = new WeakMap<PortableModel, Scorer>();

/** Scores one row (the model is compiled at its first use and kept while the object lives). */
export function scorePortable(model: PortableModel, row: Row): Score {
  let scorer = compiled.get(model);
  if (!scorer) {
    scorer = compileScorer(model);
    compiled.set(model, scorer);
  }
  return scorer(row);
}
