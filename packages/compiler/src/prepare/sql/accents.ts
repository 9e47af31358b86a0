/**
 * Spark has no accent-stripping function, so the prepare step renders `translate(s, from, to)`
 * with every precomposed Latin letter (Latin-1 Supplement, Latin Extended-A/B, Latin Extended
 * Additional) that decomposes into one ASCII letter plus combining marks. DuckDB's
 * strip_accents removes the marks of any script; outside these ranges Spark keeps them.
 */
const RANGES: readonly [number, number][] = [
  [0xc0, 0x24f],
  [0x1e00, 0x1eff],
];

function table(): [string, string] {
  let from = "";
  let to = "";
  for (const [lo, hi] of RANGES) {
    for (let cp = lo; cp <= hi; cp++) {
      const ch = String.fromCodePoint(cp);
      const base = ch.normalize("NFD").replace(/\p{M}/gu, "");
      if (base !== ch && /^[A-Za-z]$/.test(base)) {
        from += ch;
        to += base;
      }
    }
  }
  return [from, to];
}

export const [ACCENTED, UNACCENTED] = table();
