import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// "1 rows", "1 columns", "cluster(s)": counts in the studio's text go through plural() (format.ts),
// the one rule. This reads the UI's sources for counts written next to a hand-made plural, so a
// new one fails here rather than in front of a user with exactly one of something.

const studio = path.resolve(import.meta.dirname, "../..");
const roots = ["app", "src/ui"].map((d) => path.join(studio, d));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** A count (`.length`, `count`, `total`, `size`, `n`) printed right before an English plural. */
const COUNT_THEN_PLURAL = /(?:\.length|[cC]ount|\btotal|\bsize|\bn)\)?\}\s+(?!of\b|per\b)[a-z]{2,}s\b/;
/** "cluster(s)" in text. */
const MAYBE_PLURAL = /\s[a-z]+\(s\)(?=[\s"'`<.,]|$)/;
/** A line that tests for one itself ("1 project runs" : "2 projects run", verbs agreeing). */
const CHECKS_ONE = /(?:\.length|[cC]ount|\btotal|\bsize|\bn) === 1\b/;

export function handMadePlurals(text: string): number[] {
  const lines = text.split("\n");
  // The test for one may sit on the line or up to two lines above (a ternary over several lines).
  const checked = (i: number) => lines.slice(Math.max(0, i - 2), i + 1).some((l) => CHECKS_ONE.test(l));
  return lines.flatMap((line, i) =>
    (COUNT_THEN_PLURAL.test(line) && !checked(i)) || MAYBE_PLURAL.test(line) ? [i + 1] : [],
  );
}

describe("plurals in the studio's text", () => {
  it("spots the hand-made forms", () => {
    expect(handMadePlurals("<span>{dataset.schema.length} columns</span>")).toEqual([1]);
    // "$" + "{" keeps these source texts from reading as template placeholders.
    expect(handMadePlurals("title={`Log · $" + "{logs.length} lines`}")).toEqual([1]);
    expect(handMadePlurals("up to {p.maxClusters} cluster(s)\n")).toEqual([1]);
    expect(handMadePlurals('{plural(n, "row")} · {formatCount(total)} of them')).toEqual([]);
    expect(handMadePlurals("steps.map((s) => s.id)")).toEqual([]);
    expect(handMadePlurals('{n.length === 1 ? "1 project runs" : `$' + "{n.length} projects run`}")).toEqual(
      [],
    );
  });

  it("finds none in the UI's sources", () => {
    const found = roots.flatMap((root) =>
      sources(root).flatMap((file) =>
        handMadePlurals(readFileSync(file, "utf8")).map((line) => `${path.relative(studio, file)}:${line}`),
      ),
    );
    expect(found).toEqual([]);
  });
});
