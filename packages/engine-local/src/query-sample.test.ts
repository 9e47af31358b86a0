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

// Exact numbers: a DECIMAL(38,9) and BIGINTs past 2^53 travel as text, and numeric filters
// compare them exactly (a JS number could tell neither 9007199254740993 from ...992 nor the
// last digits of the decimal apart).
describe("exact numbers and numeric filters", () => {
  let exact: string;
  const exactSchema: DatasetSchema = [
    { name: "id", type: "integer" },
    { name: "amount", type: "decimal" },
    { name: "big", type: "bigint" },
    { name: "ratio", type: "double" },
    { name: "f", type: "double" },
    { name: "label", type: "string" },
  ];
  beforeAll(async () => {
    exact = path.join(dir, "exact.parquet");
    await engine.withConnection((c) =>
      c.run(
        `COPY (SELECT * FROM (VALUES
            (1, 12345678901234567890.123456789::DECIMAL(38,9), 9007199254740993::BIGINT, 0.1::DOUBLE + 0.2::DOUBLE, 0.1::FLOAT, ' padded '),
            (2, 12345678901234567890.123456788::DECIMAL(38,9), 9007199254740992::BIGINT, 'NaN'::DOUBLE, 2.5::FLOAT, 'b'),
            (3, 12.5::DECIMAL(38,9), 42::BIGINT, 50::DOUBLE, NULL::FLOAT, 'c'),
            (4, -0.000000001::DECIMAL(38,9), NULL::BIGINT, 50.5::DOUBLE, 3.4028235e38::FLOAT, 'd'),
            (5, 3::DECIMAL(38,9), -9007199254740993::BIGINT, -1::DOUBLE, -0.3::FLOAT, 'e')
          ) t(id, amount, big, ratio, f, label)) TO ${duckString(exact)} (FORMAT parquet)`,
      ),
    );
  });
  const run = async (filters: SampleQuery["filters"]) => {
    const opts = {
      file: exact,
      schema: exactSchema,
      meanings: {},
      query: { offset: 0, limit: 100, filters },
    };
    const rows = await querySample(engine, opts);
    const json = await querySampleJson(engine, opts);
    // Both serialisations give the same cells.
    expect(JSON.parse(json.rowsJson)).toEqual(JSON.parse(JSON.stringify(rows.rows)));
    return rows.rows;
  };

  it("sends decimals as exact text, unsafe bigints as text, floats at their shortest", async () => {
    const rows = await run([]);
    expect(rows.map((r) => r[1])).toEqual([
      "12345678901234567890.123456789",
      "12345678901234567890.123456788",
      "12.5",
      "-0.000000001",
      "3",
    ]);
    // 2^53 is past the last safe integer (2^53 - 1) already.
    expect(rows.map((r) => r[2])).toEqual([
      "9007199254740993",
      "9007199254740992",
      42,
      null,
      "-9007199254740993",
    ]);
    expect(rows.map((r) => r[4])).toEqual([0.1, 2.5, null, 3.4028235e38, -0.3]);
    // Doubles stay numbers (the studio formats them), text keeps its spaces.
    expect(rows[0]?.[3]).toBe(0.30000000000000004);
    expect(rows[0]?.[5]).toBe(" padded ");
  });

  it("filters decimals and bigints exactly, ranges inclusive, NaN never", async () => {
    const ids = async (filters: SampleQuery["filters"]) => (await run(filters)).map((r) => r[0]);
    expect(await ids([{ column: "amount", op: "gt", value: "12345678901234567890.123456788" }])).toEqual([1]);
    expect(await ids([{ column: "amount", op: "gte", value: "12345678901234567890.123456788" }])).toEqual([
      1, 2,
    ]);
    expect(await ids([{ column: "big", op: "eq", value: "9007199254740993" }])).toEqual([1]);
    expect(await ids([{ column: "amount", op: "between", value: "3", to: "12.5" }])).toEqual([3, 5]);
    expect(await ids([{ column: "amount", op: "lt", value: "0" }])).toEqual([4]);
    expect(await ids([{ column: "ratio", op: "gt", value: "40" }])).toEqual([3, 4]);
    // 0.1 + 0.2 is 0.30000000000000004 (shown as 0.3), above 0.3.
    expect(await ids([{ column: "ratio", op: "lte", value: ".3" }])).toEqual([5]);
    expect(await ids([{ column: "ratio", op: "lte", value: "0.31" }])).toEqual([1, 5]);
    expect(await ids([{ column: "id", op: "between", value: "+2.", to: "4e0" }])).toEqual([2, 3, 4]);
  });

  it("refuses a numeric filter on a text column and a bound that is not a number", async () => {
    await expect(run([{ column: "label", op: "gt", value: "1" }])).rejects.toThrow(
      /label is a string column: compare numbers only on a numeric column/,
    );
    await expect(run([{ column: "id", op: "gt", value: "1; DROP TABLE x" }])).rejects.toThrow(
      /needs a number/,
    );
  });
});
