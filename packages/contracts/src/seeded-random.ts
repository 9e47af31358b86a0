/**
 * A seeded generator (mulberry32) of numbers in [0, 1): the same sequence for the same seed, so
 * generated demo data stays byte-for-byte the same and a failing randomized test replays. Tiny and
 * fast; never for secrets. The one copy the demo data and the tests share.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
