import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalEngine } from "./local-engine.ts";
import { targetCorrelations } from "./target-correlations.ts";

describe("targetCorrelations", () => {
  let dir: string;
  let engine: LocalEngine;
  let file: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "sous-corr-"));
    engine = await LocalEngine.create({ allowedDirectories: [dir] });
    file = path.join(dir, "t.parquet");
    // Columns named like the query's own aliases (t, c0), a boolean target, a copy of it, noise.
    await engine.withConnection((c) =>
      c.run(`COPY (SELECT i % 2 = 0 AS t, (i % 2 = 0)::INT AS c0, i AS "we""ird", 5 AS flat,
        CASE WHEN i % 2 = 0 THEN 'yes' ELSE 'no' END AS label
        FROM range(100) r(i)) TO '${file}' (FORMAT parquet)`),
    );
  });
  afterAll(() => {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("correlates numeric columns with a boolean target, whatever the columns are called", async () => {
    const r = await targetCorrelations(engine, { file, target: "t", columns: ["c0", 'we"ird', "flat"] });
    expect(r.c0).toBeCloseTo(1, 12);
    expect(Math.abs(r['we"ird']!)).toBeLessThan(0.05);
    // No variance: no correlation.
    expect(r.flat).toBeNull();
  });

  it("counts a class target as 1 for the positive class", async () => {
    const r = await targetCorrelations(engine, { file, target: "label", positive: "no", columns: ["c0"] });
    expect(r.c0).toBeCloseTo(-1, 12);
  });
});
