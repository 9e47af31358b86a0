import { describe, expect, it } from "vitest";
import { seededRandom } from "./seeded-random.ts";

describe("seededRandom", () => {
  it("repeats its sequence for a seed and differs between seeds", () => {
    const draw = (seed: number) => {
      const r = seededRandom(seed);
      return Array.from({ length: 50 }, () => r());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    // Seeds are taken as 32-bit unsigned: -1 and 2^32 - 1 are the same seed.
    expect(draw(-1)).toEqual(draw(2 ** 32 - 1));
  });

  it("draws in [0, 1), spread evenly", () => {
    const r = seededRandom(7);
    const buckets = new Array<number>(10).fill(0);
    let [min, max] = [1, 0];
    for (let i = 0; i < 100_000; i++) {
      const x = r();
      [min, max] = [Math.min(min, x), Math.max(max, x)];
      buckets[Math.floor(x * 10)]! += 1;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });
});
