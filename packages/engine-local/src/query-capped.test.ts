import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalEngine } from "./local-engine.ts";
import { queryCapped } from "./query-capped.ts";

let dir: string;
let engine: LocalEngine;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "sous-capped-"));
  engine = await LocalEngine.create({ allowedDirectories: [dir] });
});
afterAll(() => {
  engine.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("queryCapped", () => {
  it("returns the first rows in order and counts every row of a result spanning many chunks", async () => {
    const r = await queryCapped(
      engine,
      "SELECT i, i * 1.5::DECIMAL(10,2) AS d, 'r' || i AS s FROM range(25000) t(i) ORDER BY i",
      { maxRows: 10_000 },
    );
    expect(r.rowCount).toBe(25_000);
    expect(r.rows).toHaveLength(10_000);
    expect(r.rows[0]).toEqual([0, "0", "r0"]);
    expect(r.rows[9_999]).toEqual([9_999, "14998.5", "r9999"]);
    expect(r.columns).toEqual([
      { name: "i", duckType: "BIGINT" },
      { name: "d", duckType: "DECIMAL(29,2)" },
      { name: "s", duckType: "VARCHAR" },
    ]);
  });

  it("returns every row when there are fewer than the cap, and none for an empty result", async () => {
    expect((await queryCapped(engine, "SELECT 1 AS a UNION ALL SELECT 2", { maxRows: 10 })).rows).toEqual([
      [1],
      [2],
    ]);
    const empty = await queryCapped(engine, "SELECT 1 AS a WHERE false", { maxRows: 10 });
    expect(empty).toEqual({ columns: [{ name: "a", duckType: "INTEGER" }], rows: [], rowCount: 0 });
  });

  it("stops when the signal aborts", async () => {
    const ac = new AbortController();
    const run = queryCapped(engine, "SELECT count(*) FROM range(10000000000) a, range(10) b", {
      maxRows: 10,
      signal: ac.signal,
    });
    setTimeout(() => ac.abort(), 100);
    await expect(run).rejects.toThrow(/cancelled/);
  });

  it("reports DuckDB's progress of a long query in a read sandbox while it runs, and none after", async () => {
    const seen: number[] = [];
    let read: (() => number | null) | undefined;
    const sql = "SELECT count(*) AS n FROM range(9000) a, range(9000) b WHERE (a.range * b.range) % 7 = 3";
    // DuckDB's estimate is best effort: a run on a busy machine can end before it gives one, so
    // up to three runs are asked (CI saw one run without a reading).
    for (let attempt = 0; attempt < 3 && seen.length === 0; attempt++) {
      const run = engine.sandboxed({ read: [dir] }, (box) =>
        queryCapped(box, sql, { maxRows: 10, watch: (r) => (read = r) }),
      );
      // Poll until the query is done: a slow machine sees more readings.
      let done = false;
      void run.finally(() => (done = true));
      while (!done) {
        const p = read?.();
        if (typeof p === "number") seen.push(p);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect((await run).rows).toHaveLength(1);
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((p) => p >= 0 && p <= 100)).toBe(true);
    expect(read?.()).toBeNull();
    // The same sandbox still runs queries, with progress again (the kept connection is back).
    let again: (() => number | null) | undefined;
    const r = await engine.sandboxed({ read: [dir] }, (box) =>
      queryCapped(box, "SELECT 42 AS a", { maxRows: 1, watch: (x) => (again = x) }),
    );
    expect(r.rows).toEqual([[42]]);
    expect(again).toBeDefined();
  }, 60_000);

  it("keeps the sandbox locked on its progress connection", async () => {
    await expect(
      engine.sandboxed({ read: [dir] }, (box) =>
        queryCapped(box, "SET enable_external_access = true", { maxRows: 1, watch: () => {} }),
      ),
    ).rejects.toThrow(/locked/);
  });
});
