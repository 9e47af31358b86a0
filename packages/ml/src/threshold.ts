// The confusion matrix of a binary model at any threshold i/100, from the score histogram the
// trainer stores (charts.py: bin i holds the test scores in (i/100, (i+1)/100], a 0 in bin 0), so
// the Lab's threshold slider updates its metrics in the browser without the test rows.

export interface ThresholdMetrics {
  threshold: number;
  /** Rows: actual; "positive when the score is above the threshold", as predict() at 0.5. */
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Metrics at threshold `step / bins` (0 <= step <= bins). */
export function metricsAtThreshold(
  histogram: { positives: readonly number[]; negatives: readonly number[] },
  step: number,
): ThresholdMetrics {
  const bins = histogram.positives.length;
  if (!Number.isInteger(step) || step < 0 || step > bins)
    throw new RangeError(`threshold step ${step} out of 0..${bins}`);
  const tp = sum(histogram.positives.slice(step));
  const fp = sum(histogram.negatives.slice(step));
  const fn = sum(histogram.positives) - tp;
  const tn = sum(histogram.negatives) - fp;
  const total = tp + fp + tn + fn;
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  return {
    threshold: step / bins,
    tp,
    fp,
    tn,
    fn,
    accuracy: total === 0 ? 0 : (tp + tn) / total,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
  };
}

/** The step whose threshold gives the best F1 (the slider's "best F1" button). */
export function bestF1Step(histogram: {
  positives: readonly number[];
  negatives: readonly number[];
}): number {
  let best = 0;
  let bestF1 = -1;
  for (let s = 0; s <= histogram.positives.length; s++) {
    const f1 = metricsAtThreshold(histogram, s).f1;
    if (f1 > bestF1) {
      bestF1 = f1;
      best = s;
    }
  }
  return best;
}
