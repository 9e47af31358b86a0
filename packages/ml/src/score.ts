import { AppError } from "@sous/contracts";
import type { PortableFeature, PortableModel } from "./contracts.ts";

// Scores one row with a portable model, repeating scikit-learn's float64 operations in the same
// order (impute, rescale, one-hot, then the model), so results agree to rounding noise.

export type Row = Readonly<Record<string, unknown>>;

export interface Score {
  /** The predicted class (a label of model.classes) or the regression value. */
  prediction: string | number | boolean;
  /** Per class, in model.classes order; absent for regression. */
  probabilities?: number[];
}

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

/** The model's input vector for one row (a missing or null cell is imputed). */
export function featureVector(features: readonly PortableFeature[], row: Row): number[] {
  const out: number[] = [];
  for (const f of features) {
    const cell = Object.hasOwn(row, f.name) ? row[f.name] : undefined;
    if (f.type === "numeric") {
      const x = numericValue(f.name, cell) ?? f.impute;
      const r = f.rescale;
      out.push(
        r.kind === "standard" ? (x - r.mean) / r.scale : r.kind === "minmax" ? x * r.scale + r.offset : x,
      );
    } else {
      const level = categoryText(f.name, cell) ?? f.impute;
      const at = f.levels.indexOf(level);
      for (let i = 0; i < f.levels.length; i++) out.push(i === at ? 1 : 0);
      // A grouped or unseen level goes to "others" when the model has that column, else all zeros.
      if (f.others) out.push(at === -1 ? 1 : 0);
    }
  }
  return out;
}

function walk(
  tree: PortableModel["model"] & { kind: "trees" | "boosted" },
  t: number,
  x: readonly number[],
): number[] {
  const { feature, threshold, left, right, value } = tree.trees[t]!;
  let node = 0;
  while (left[node] !== -1) {
    const v = x[feature[node]!]!;
    node = (tree.inputFloat32 ? Math.fround(v) : v) <= threshold[node]! ? left[node]! : right[node]!;
  }
  return value[node]!;
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

function softmax(z: readonly number[]): number[] {
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** Scores one row. Throws an AppError (invalid_input) for a cell of the wrong type. */
export function scorePortable(model: PortableModel, row: Row): Score {
  const x = featureVector(model.features, row);
  const m = model.model;
  const classes = model.classes;
  const label = (i: number) => {
    const c = classes?.[i];
    if (c === undefined) throw new AppError("invalid_input", `the model has no class ${i}`);
    return c;
  };
  if (m.kind === "linear") {
    if (m.coefficients.some((c) => c.length !== x.length))
      throw new AppError(
        "invalid_input",
        `the model's coefficients do not match its ${x.length} input columns`,
      );
    const z = m.coefficients.map((c, k) => {
      let s = 0;
      for (let i = 0; i < x.length; i++) s += x[i]! * c[i]!;
      return s + m.intercepts[k]!;
    });
    if (m.link === "identity") return { prediction: z[0]! };
    if (m.link === "logistic") {
      const p = 1 / (1 + Math.exp(-z[0]!));
      // scikit-learn predicts the positive class when the decision function is > 0.
      return { prediction: label(z[0]! > 0 ? 1 : 0), probabilities: [1 - p, p] };
    }
    const p = softmax(z);
    return { prediction: label(argmax(p)), probabilities: p };
  }
  if (m.kind === "boosted") {
    // Added one tree at a time in tree order, as scikit-learn's predict_stages and MLlib do.
    const raw = m.base.slice();
    for (let t = 0; t < m.trees.length; t++) {
      const k = m.outputs[t]!;
      raw[k] = raw[k]! + m.weights[t]! * walk(m, t, x)[0]!;
    }
    if (m.link === "identity") return { prediction: raw[0]! };
    if (m.link === "logistic") {
      const p = 1 / (1 + Math.exp(-raw[0]!));
      // Both engines predict the second class when the raw score is > 0.
      return { prediction: label(raw[0]! > 0 ? 1 : 0), probabilities: [1 - p, p] };
    }
    const p = softmax(raw);
    return { prediction: label(argmax(p)), probabilities: p };
  }
  // Trees: a forest averages its trees' outputs (probabilities, or values for regression).
  const sum = walk(m, 0, x).slice();
  for (let t = 1; t < m.trees.length; t++) {
    const v = walk(m, t, x);
    for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + v[i]!;
  }
  const mean = sum.map((v) => v / m.trees.length);
  if (model.task === "regression") return { prediction: mean[0]! };
  return { prediction: label(argmax(mean)), probabilities: mean };
}
