import { describe, expect, it } from "vitest";
import { bestF1Step, metricsAtThreshold } from "./threshold.ts";

// 4 bins: positives score high, negatives low, one of each in the middle bins.
const h = { positives: [0, 1, 2, 5], negatives: [6, 2, 1, 0] };

describe("metricsAtThreshold", () => {
  it("counts the bins at and above the step as predicted positive", () => {
    expect(metricsAtThreshold(h, 2)).toMatchObject({ threshold: 0.5, tp: 7, fp: 1, fn: 1, tn: 8 });
    const m = metricsAtThreshold(h, 2);
    expect(m.accuracy).toBeCloseTo(15 / 17, 12);
    expect(m.precision).toBeCloseTo(7 / 8, 12);
    expect(m.recall).toBeCloseTo(7 / 8, 12);
  });

  it("predicts everything positive at 0 and nothing at 1, without dividing by zero", () => {
    expect(metricsAtThreshold(h, 0)).toMatchObject({ tp: 8, fp: 9, tn: 0, fn: 0, recall: 1 });
    expect(metricsAtThreshold(h, 4)).toMatchObject({ tp: 0, fp: 0, precision: 0, recall: 0, f1: 0 });
    expect(() => metricsAtThreshold(h, 5)).toThrow(RangeError);
  });

  it("finds the threshold of the best F1", () => {
    expect(bestF1Step(h)).toBe(2);
  });
});
