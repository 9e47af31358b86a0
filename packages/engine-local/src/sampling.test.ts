import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { AppError, type DatasetSampling, type DatasetSchema } from "@sous/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { castColumns } from "./cast-columns.ts";
import { computeColumnStats } from "./column-stats.ts";
import { importToParquet } from "./import-file.ts";
import { LocalEngine } from "./local-engine.ts";
import { querySample } from "./query-sample.ts";
import { writeSample } from "./sampling.ts";

let dir: string;
let engine: LocalEngine;
let data: string;
let schema: DatasetSchema;
let n = 0;
const ROWS = 1000;

// 1000 rows: id 0..999, class a (700) / b (200) / c (100), a text column that is mostly integers.
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "sous-sample-"));
  engine = await LocalEngine.create({ allowedDirectories: [dir] });
  const lines = ["id,class,score,code"];
  for (let i = 0; i < ROWS; i++) {
    const cls = i % 10 < 7 ? "a" : i % 10 < 9 ? "b" : "c";
    const code = i % 100 === 5 ? "n/a" : i % 50 === 7 ? "" : String(i);
    lines.push(`${i},${cls},${(i % 20) / 2},${code}`);
  }
  writeFileSync(path.join(dir, "in.csv"), `${lines.join("\n")}\n`);
  data = path.join(dir, "data");
  mkdirSync(data);
  schema = (await importToParquet(engine, { file: path.join(dir, "in.csv"), outDir: data })).schema;
});
afterAll(() => {
  engine.close();
  rmSync(dir, { recursive: true, force: true });
});

async function sample(sampling: DatasetSampling) {
  const outFile = path.join(dir, `sample-${++n}.parquet`);
  const count = await writeSample(engine, { dir: data, schema, rowCount: ROWS, sampling, outFile });
  const { rows } = await querySample(engine, {
    file: outFile,
    schema,
    meanings: {},
    query: { offset: 0, limit: 10_000, filters: [] },
  });
  return { count, rows, ids: rows.map((r) => r[0] as number), outFile };
}

const classes = (rows: unknown[][]) => {
  const m: Record<string, number> = {};
  for (const r of rows) m[String(r[1])] = (m[String(r[1])] ?? 0) + 1;
  return m;
};

describe("sampling", () => {
  it("first and last N keep file order", async () => {
    expect((await sample({ method: "first", n: 3 })).ids).toEqual([0, 1, 2]);
    expect((await sample({ method: "last", n: 3 })).ids).toEqual([997, 998, 999]);
    expect((await sample({ method: "full" })).count).toBe(ROWS);
  });

  it("random N is exactly N, in file order, the same for a seed and different for another", async () => {
    const a = await sample({ method: "random", n: 50, seed: 7 });
    const b = await sample({ method: "random", n: 50, seed: 7 });
    const c = await sample({ method: "random", n: 50, seed: 8 });
    expect(a.ids).toHaveLength(50);
    expect(a.ids).toEqual(b.ids);
    expect(a.ids).not.toEqual(c.ids);
    expect([...a.ids].sort((x, y) => x - y)).toEqual(a.ids);
  });

  it("a ratio keeps about that share", async () => {
    const r = await sample({ method: "ratio", ratio: 0.2, seed: 1 });
    expect(r.count).toBeGreaterThan(140);
    expect(r.count).toBeLessThan(260);
    expect((await sample({ method: "ratio", ratio: 0.2, seed: 1 })).ids).toEqual(r.ids);
  });

  it("stratified keeps proportions and every class", async () => {
    const r = await sample({ method: "stratified", column: "class", n: 100, seed: 3 });
    expect(classes(r.rows)).toEqual({ a: 70, b: 20, c: 10 });
    const tiny = await sample({ method: "stratified", column: "class", n: 5, seed: 3 });
    expect(Object.keys(classes(tiny.rows)).sort()).toEqual(["a", "b", "c"]);
  });

  it("rebalance equalises classes, never oversampling", async () => {
    expect(classes((await sample({ method: "rebalance", column: "class", n: 90, seed: 3 })).rows)).toEqual({
      a: 30,
      b: 30,
      c: 30,
    });
    expect(classes((await sample({ method: "rebalance", column: "class", n: 600, seed: 3 })).rows)).toEqual({
      a: 200,
      b: 200,
      c: 100,
    });
  });

  it("a values subset keeps every row of the chosen keys", async () => {
    const r = await sample({ method: "values-subset", column: "class", ratio: 0.5, seed: 11 });
    const got = classes(r.rows);
    for (const [k, v] of Object.entries(got)) expect(v).toBe({ a: 700, b: 200, c: 100 }[k]);
  });

  it("names an unknown sampling column", async () => {
    const e = await sample({ method: "stratified", column: "nope", n: 5, seed: 1 }).catch((x) => x);
    expect(e).toBeInstanceOf(AppError);
    expect(e.message).toMatch(/nope/);
  });
});

describe("column stats and sample queries", () => {
  it("computes quality, distinct, moments, top values and histograms", async () => {
    const stats = await computeColumnStats(engine, {
      source: path.join(data, "*.parquet"),
      schema,
      rowCount: ROWS,
    });
    const by = Object.fromEntries(stats.map((s) => [s.name, s]));
    expect(by.id).toMatchObject({ valid: ROWS, invalid: 0, empty: 0, distinct: ROWS, min: 0, max: 999 });
    expect(by.id?.mean).toBeCloseTo(499.5);
    expect(by.id?.histogram?.reduce((s, b) => s + b.count, 0)).toBe(ROWS);
    expect(by.class?.top).toEqual([
      { value: "a", count: 700 },
      { value: "b", count: 200 },
      { value: "c", count: 100 },
    ]);
    expect(by.class?.meaning).toBe("text");
    // code: 10 "n/a" (invalid integers), 20 empty minus overlaps (i%100==5 vs i%50==7 never meet)
    expect(by.code).toMatchObject({ type: "string", meaning: "integer", invalid: 10, empty: 20, valid: 970 });
    expect(by.score?.histogram).toHaveLength(20);
  });

  it("filters on validity and sorts stably", async () => {
    const file = (await sample({ method: "full" })).outFile;
    const q = (query: Partial<Parameters<typeof querySample>[1]["query"]>) =>
      querySample(engine, {
        file,
        schema,
        meanings: { code: "integer" },
        query: { offset: 0, limit: 5, filters: [], ...query },
      });
    const invalid = await q({ filters: [{ column: "code", op: "invalid" }] });
    expect(invalid.matchingRows).toBe(10);
    expect(invalid.rows.map((r) => r[3])).toEqual(["n/a", "n/a", "n/a", "n/a", "n/a"]);
    const sorted = await q({
      sort: { column: "score", desc: true },
      filters: [{ column: "class", op: "equals", value: "C" }],
    });
    expect(sorted.matchingRows).toBe(100);
    expect(sorted.rows.map((r) => [r[0], r[2]])).toEqual([
      [19, 9.5],
      [39, 9.5],
      [59, 9.5],
      [79, 9.5],
      [99, 9.5],
    ]);
  });
});

describe("castColumns", () => {
  it("refuses a type that does not fit, naming the column, count and first row", async () => {
    const to = schema.map((c) => (c.name === "code" ? { ...c, type: "integer" as const } : c));
    const outDir = path.join(dir, `cast-${++n}`);
    mkdirSync(outDir);
    const e = await castColumns(engine, { dir: data, from: schema, to, outDir }).catch((x) => x);
    expect(e).toBeInstanceOf(AppError);
    expect(e.message).toMatch(/code: 10 values cannot be read as integer \(first on row 6: "n\/a"\)/);
  });

  it("converts when every value fits (empty text becomes null)", async () => {
    const to = schema.map((c) => (c.name === "id" ? { ...c, type: "string" as const } : c));
    const outDir = path.join(dir, `cast-${++n}`);
    mkdirSync(outDir);
    expect(await castColumns(engine, { dir: data, from: schema, to, outDir })).toBe(ROWS);
    const d = await engine.describeParquet(outDir);
    expect(d.schema.find((c) => c.name === "id")?.type).toBe("string");
  });
});
