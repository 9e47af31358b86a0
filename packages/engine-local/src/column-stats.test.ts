import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeColumnStats, computeColumnStatsScoped, STATS_FULL_SCAN_MAX } from "./column-stats.ts";
import { LocalEngine } from "./local-engine.ts";
import { duckString } from "./sql-literals.ts";

let dir: string;
let engine: LocalEngine;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "sous-stats-"));
  engine = await LocalEngine.create({ allowedDirectories: [dir] });
});
afterAll(() => {
  engine.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("computeColumnStats", () => {
  it("decides a text column's meaning on its first rows but counts invalid values on all of them", async () => {
    const file = path.join(dir, "late-invalid.parquet");
    // 30,000 integer-looking codes; the last 50 rows (far past the meaning probe) are not numbers.
    await engine.withConnection((c) =>
      c.run(
        `COPY (SELECT CASE WHEN i >= 29950 THEN 'n/a' ELSE CAST(i % 97 AS VARCHAR) END AS code FROM range(30000) t(i) ORDER BY i) TO ${duckString(file)} (FORMAT parquet)`,
      ),
    );
    const [code] = await computeColumnStats(engine, {
      source: file,
      schema: [{ name: "code", type: "string" }],
      rowCount: 30_000,
    });
    expect(code).toMatchObject({ meaning: "integer", invalid: 50, valid: 29_950, empty: 0 });
  });
});

describe("computeColumnStatsScoped on a source larger than STATS_FULL_SCAN_MAX", () => {
  const ROWS = 300_000;
  let file: string;
  beforeAll(async () => {
    file = path.join(dir, "large.parquet");
    // word: never blank, smallest value 'a0'; padded: 1 in 1000 rows is blank ('' or spaces), so
    // its footer minimum is blank and the emptiness must be counted; code: integer-looking with
    // 'n/a' in the last 30 rows; amount: 0..99.
    await engine.withConnection((c) =>
      c.run(
        `COPY (SELECT i AS id, 'a' || (i % 7) AS word,
            CASE WHEN i % 2000 = 1 THEN '' WHEN i % 2000 = 2 THEN '   ' ELSE 'p' || (i % 5) END AS padded,
            CASE WHEN i >= ${ROWS - 30} THEN 'n/a' ELSE CAST(i % 97 AS VARCHAR) END AS code,
            CAST(i % 100 AS DOUBLE) AS amount
          FROM range(${ROWS}) t(i) ORDER BY i) TO ${duckString(file)} (FORMAT parquet)`,
      ),
    );
  });

  it("counts quality and moments on every row and the rest on a bounded, spread scan", async () => {
    const r = await computeColumnStatsScoped(engine, {
      source: file,
      schema: [
        { name: "id", type: "bigint" },
        { name: "word", type: "string" },
        { name: "padded", type: "string" },
        { name: "code", type: "string" },
        { name: "amount", type: "double" },
      ],
      rowCount: ROWS,
    });
    expect(r.sampled).toBe(true);
    expect(r.rowsScanned).toBeGreaterThan(STATS_FULL_SCAN_MAX / 2);
    expect(r.rowsScanned).toBeLessThanOrEqual(STATS_FULL_SCAN_MAX);
    const by = Object.fromEntries(r.columns.map((s) => [s.name, s]));
    // Every row: counts, validity, min / max (text ones from the footers), mean.
    expect(by.id).toMatchObject({ valid: ROWS, empty: 0, min: 0, max: ROWS - 1 });
    expect(by.id?.mean).toBeCloseTo((ROWS - 1) / 2);
    expect(by.word).toMatchObject({ valid: ROWS, empty: 0, min: "a0", max: "a6", distinct: 7 });
    expect(by.padded).toMatchObject({ empty: (ROWS / 2000) * 2, min: "", max: "p4" });
    expect(by.code).toMatchObject({ meaning: "integer", invalid: 30, valid: ROWS - 30 });
    // The scan is spread over the file, not its first rows: it sees ids near the end.
    expect(by.id?.distinct).toBe(r.rowsScanned);
    expect(by.id?.histogram?.reduce((s, b) => s + b.count, 0)).toBe(r.rowsScanned);
    expect(by.id?.histogram?.at(-1)?.count).toBeGreaterThan(0);
    // Top values are exact counts on the scanned rows.
    expect(by.word?.top).toHaveLength(7);
    expect(by.word?.top.reduce((s, t) => s + t.count, 0)).toBe(r.rowsScanned);
  });

  it("computes everything on every row at or under the bound", async () => {
    const r = await computeColumnStatsScoped(engine, {
      source: file,
      schema: [{ name: "word", type: "string" }],
      rowCount: STATS_FULL_SCAN_MAX,
    });
    expect(r.sampled).toBe(false);
    expect(r.rowsScanned).toBe(ROWS);
  });
});
