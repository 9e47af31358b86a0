import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DatasetSchema, SampleQuery } from "@sous/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalEngine } from "./local-engine.ts";
import { querySample, querySampleJson, querySamplePositions, sampleRowJson } from "./query-sample.ts";
import { duckString } from "./sql-literals.ts";

let dir: string;
let engine: LocalEngine;
let file: string;
const schema: DatasetSchema = [
  { name: "id", type: "integer" },
  { name: "big", type: "bigint" },
  { name: "price", type: "decimal" },
  { name: "ratio", type: "double" },
  { name: "day", type: "date" },
  { name: "at", type: "timestamp" },
  { name: "ok", type: "boolean" },
  { name: "label", type: "string" },
];

// Every kind of cell the API returns: unsafe integers (sent as text), decimals, NaN and
// infinities (text), -0, dates, timestamps with fractions, booleans, quotes, escapes and nulls.
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "sous-qs-"));
  engine = await LocalEngine.create({ allowedDirectories: [dir] });
  file = path.join(dir, "s.parquet");
  await engine.withConnection((c) =>
    c.run(
      `COPY (SELECT i::INTEGER AS id,
          CASE i % 4 WHEN 0 THEN 9007199254740993 WHEN 1 THEN -9007199254740993 WHEN 2 THEN NULL ELSE i * 1000 END::BIGINT AS big,
          (i * 1.005)::DECIMAL(12,3) AS price,
          CASE i % 7 WHEN 0 THEN 'NaN'::DOUBLE WHEN 1 THEN 'inf'::DOUBLE WHEN 2 THEN '-inf'::DOUBLE WHEN 3 THEN -0.0 WHEN 4 THEN NULL ELSE i / 3.0 END AS ratio,
          DATE '2024-01-01' + i::INTEGER AS day,
          TIMESTAMP '2024-01-01 00:00:00.25' + to_seconds(i * 3601) AS at,
          CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 0 END AS ok,
          CASE i % 5 WHEN 0 THEN NULL WHEN 1 THEN 'say "hi"\\ \u00e9' || chr(10) || chr(9) WHEN 2 THEN '' ELSE 'v' || (i % 13) END AS label
        FROM range(500) t(i)) TO ${duckString(file)} (FORMAT parquet)`,
    ),
  );
});
afterAll(() => {
  engine.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("querySampleJson", () => {
  const queries: [string, SampleQuery][] = [
    ["the first page", { offset: 0, limit: 1000, filters: [] }],
    ["a middle page", { offset: 120, limit: 37, filters: [] }],
    ["a sorted page", { offset: 10, limit: 50, filters: [], sort: { column: "label", desc: true } }],
    [
      "a filtered, sorted page",
      {
        offset: 0,
        limit: 20,
        filters: [{ column: "label", op: "contains", value: "v1" }],
        sort: { column: "ratio", desc: false },
      },
    ],
    ["a page past the end", { offset: 600, limit: 10, filters: [] }],
  ];
  it.each(queries)("gives the JSON of querySample's rows for %s", async (_name, query) => {
    const opts = { file, schema, meanings: {}, query };
    const rows = await querySample(engine, opts);
    const json = await querySampleJson(engine, opts);
    // What a client parses is the same, cell for cell (and in the same order).
    expect(JSON.parse(json.rowsJson)).toEqual(JSON.parse(JSON.stringify(rows.rows)));
    expect(json.rowCount).toBe(rows.rows.length);
    expect(json.matchingRows).toBe(rows.matchingRows);
    // The cached-rows path: every row's JSON once, then a page from its positions.
    const all = await sampleRowJson(engine, { file, schema });
    expect(all).toHaveLength(500);
    const page = await querySamplePositions(engine, opts);
    expect(JSON.parse(`[${page.positions.map((p) => all[p]).join(",")}]`)).toEqual(
      JSON.parse(JSON.stringify(rows.rows)),
    );
    expect(page.matchingRows).toBe(rows.matchingRows);
  });
});
