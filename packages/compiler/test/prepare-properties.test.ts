import { join } from "node:path";
import type { ColumnType, DatasetSchema } from "@sous/contracts";
import { seededRandom } from "@sous/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CompileInput, compileRecipe, inferOutputSchemas } from "../src/index.ts";
import { type Db, openDb, query, type Row, writeParquetDir } from "./helpers/duckdb.ts";
import { sparkStatementCount, sparkSyntaxErrors } from "./helpers/spark.ts";
import { registerUdfs } from "./prepare-harness.ts";

/**
 * Property test: random prepare chains (seeded, so a failure replays) compile for both engines,
 * the Spark SQL parses (or the recipe is blocked by a step that declares `none`), and the DuckDB
 * SQL runs on seeded rows with the JavaScript functions registered. Then the injection corpus
 * goes through step params: names, replacements, regexes, delimiters, prefixes, mapped values.
 */

type Col = { name: string; type: ColumnType };
type Gen = (cols: Col[], out: () => string, pick: <T>(xs: readonly T[]) => T) => object | null;

const of = (cols: Col[], ...types: ColumnType[]) => cols.filter((c) => types.includes(c.type));
const NUM: ColumnType[] = ["integer", "bigint", "double"];

const GENERATORS: Record<string, Gen> = {
  FindReplace: (c, _o, pick) => {
    const s = of(c, "string");
    return s.length
      ? { columns: [pick(s).name], mode: pick(["literal", "regex"]), find: "a", replace: "b" }
      : null;
  },
  TrimWhitespace: (c, _o, pick) =>
    of(c, "string").length ? { columns: [pick(of(c, "string")).name] } : null,
  NormalizeWhitespace: (c, _o, pick) =>
    of(c, "string").length ? { columns: [pick(of(c, "string")).name] } : null,
  ChangeCase: (c, _o, pick) =>
    of(c, "string").length
      ? { columns: [pick(of(c, "string")).name], mode: pick(["upper", "lower", "title"]) }
      : null,
  RemoveAccents: (c, _o, pick) => (of(c, "string").length ? { columns: [pick(of(c, "string")).name] } : null),
  TruncateString: (c, _o, pick) =>
    of(c, "string").length ? { columns: [pick(of(c, "string")).name], length: 3 } : null,
  PadString: (c, _o, pick) =>
    of(c, "string").length ? { columns: [pick(of(c, "string")).name], length: 6, padding: "0" } : null,
  ColumnCopier: (c, out, pick) => ({ column: pick(c).name, output: out() }),
  ColumnsConcat: (c, out, pick) => ({ columns: [pick(c).name, pick(c).name], separator: "|", output: out() }),
  ColumnSplitter: (c, out, pick) =>
    of(c, "string").length
      ? { column: pick(of(c, "string")).name, separator: " ", count: 2, outputPrefix: out() }
      : null,
  FillEmptyWithValue: (c, _o, pick) => {
    const col = pick(of(c, "string", ...NUM));
    return col ? { columns: [col.name], value: col.type === "string" ? "x" : 0 } : null;
  },
  RoundProcessor: (c, _o, pick) =>
    of(c, "double").length
      ? { columns: [pick(of(c, "double")).name], mode: pick(["round", "floor", "ceil"]) }
      : null,
  BinnerProcessor: (c, out, pick) =>
    of(c, ...NUM).length
      ? { column: pick(of(c, ...NUM)).name, output: out(), mode: { kind: "fixedWidth", width: 2.5 } }
      : null,
  MinMaxProcessor: (c, _o, pick) =>
    of(c, ...NUM).length ? { columns: [pick(of(c, ...NUM)).name], min: 0, max: 5 } : null,
  TypeConverter: (c, _o, pick) => {
    const col = pick(c);
    const to: ColumnType = col.type === "string" ? pick(["integer", "double", "date", "boolean"]) : "string";
    return col.type === "date" || col.type === "timestamp" ? null : { columns: [col.name], to };
  },
  FilterOnValue: (c, _o, pick) =>
    of(c, "string").length ? { column: pick(of(c, "string")).name, values: ["a", "b"] } : null,
  FilterOnNumericalRange: (c, _o, pick) =>
    of(c, ...NUM).length ? { column: pick(of(c, ...NUM)).name, min: -100, action: "keep" } : null,
  RemoveRowsOnEmpty: (c, _o, pick) => ({ columns: [pick(c).name], mode: "all" }),
  FlagOnValue: (c, out, pick) =>
    of(c, "string").length
      ? { column: pick(of(c, "string")).name, values: ["a"], matching: "substring", output: out() }
      : null,
  FlagOnRegex: (c, out, pick) =>
    of(c, "string").length ? { column: pick(of(c, "string")).name, pattern: "[0-9]+", output: out() } : null,
  FlagOnEmpty: (c, out, pick) => ({ columns: [pick(c).name], output: out() }),
  DateFormatter: (c, out, pick) =>
    of(c, "date", "timestamp").length
      ? { column: pick(of(c, "date", "timestamp")).name, format: "yyyy-MM-dd HH:mm", output: out() }
      : null,
  DateComponentsExtractor: (c, out, pick) =>
    of(c, "date", "timestamp").length
      ? { column: pick(of(c, "date", "timestamp")).name, parts: ["year", "dayOfWeek", "hour"], prefix: out() }
      : null,
  DateIncrement: (c, _o, pick) =>
    of(c, "date", "timestamp").length
      ? { column: pick(of(c, "date", "timestamp")).name, unit: pick(["days", "months", "hours"]), amount: -2 }
      : null,
  DateTruncate: (c, _o, pick) =>
    of(c, "date", "timestamp").length
      ? { column: pick(of(c, "date", "timestamp")).name, unit: pick(["month", "week", "hour"]) }
      : null,
  FlagWeekend: (c, out, pick) =>
    of(c, "date", "timestamp").length
      ? { column: pick(of(c, "date", "timestamp")).name, output: out() }
      : null,
  HolidaysComputer: (c, out, pick) =>
    of(c, "date", "timestamp").length
      ? {
          column: pick(of(c, "date", "timestamp")).name,
          country: pick(["FR", "US", "GB", "DE"]),
          output: out(),
        }
      : null,
  ZScore: (c, out, pick) =>
    of(c, ...NUM).length ? { column: pick(of(c, ...NUM)).name, output: out() } : null,
  LogTransform: (c, out, pick) =>
    of(c, ...NUM).length ? { column: pick(of(c, ...NUM)).name, output: out() } : null,
  UpDownFiller: (c, _o, pick) => ({ columns: [pick(c).name], orderBy: [{ column: pick(c).name }] }),
  Deduplicate: () => ({}),
  LongTailGrouper: (c, _o, pick) => ({ column: pick(c).name, minCount: 2 }),
  ExtractNumbers: (c, out, pick) =>
    of(c, "string").length ? { column: pick(of(c, "string")).name, output: out() } : null,
  RegexpExtractor: (c, out, pick) =>
    of(c, "string").length
      ? { column: pick(of(c, "string")).name, pattern: "([a-z]+)", outputs: [out()] }
      : null,
  UserAgentParser: (c, out, pick) =>
    of(c, "string").length
      ? { column: pick(of(c, "string")).name, fields: ["browser", "device"], prefix: out() }
      : null,
  ColumnRenamer: (c, out, pick) => ({ renamings: [{ from: pick(c).name, to: out() }] }),
  ColumnsSelector: (c, _o, pick) => (c.length > 3 ? { columns: [pick(c).name] } : null),
  MultiColumnFold: (c, out, pick) => {
    const nums = of(c, ...NUM);
    return nums.length >= 2 && c.length > nums.length
      ? { columns: [nums[0]!.name, nums[1]!.name], keyColumn: out(), valueColumn: out() }
      : pick([null, null]);
  },
  JSONFlattener: (c, out, pick) =>
    of(c, "string").length
      ? { column: pick(of(c, "string")).name, keys: [{ path: "a.b", output: out() }] }
      : null,
  StringLength: (c, out, pick) => ({ column: pick(c).name, output: out() }),
  AbsoluteValue: (c, _o, pick) => (of(c, ...NUM).length ? { columns: [pick(of(c, ...NUM)).name] } : null),
};

const SCHEMA: DatasetSchema = [
  { name: "s1", type: "string" },
  { name: "s2", type: "string" },
  { name: "n1", type: "integer" },
  { name: "n2", type: "double" },
  { name: "d1", type: "date" },
  { name: "t1", type: "timestamp" },
  { name: "b1", type: "boolean" },
];
const ROWS: Row[] = [
  {
    s1: "Héllo  wörld",
    s2: '{"a":{"b":1}}',
    n1: 3,
    n2: 2.5,
    d1: "2024-07-14",
    t1: "2024-03-10 08:30:15",
    b1: true,
  },
  { s1: "", s2: "12 apples", n1: -1, n2: -0.5, d1: "2024-02-29", t1: "2023-12-31 23:59:59", b1: false },
  { s1: null, s2: null, n1: null, n2: null, d1: null, t1: null, b1: null },
  {
    s1: "a|b c",
    s2: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X)",
    n1: 0,
    n2: 1e6,
    d1: "1999-12-31",
    t1: "2000-01-01 00:00:00",
    b1: true,
  },
  { s1: "a|b c", s2: "a", n1: 3, n2: 2.5, d1: "2024-07-14", t1: "2024-03-10 08:30:15", b1: true },
];

let db: Db;
let dataDir: string;
beforeAll(async () => {
  db = await openDb();
  registerUdfs(db);
  dataDir = join(db.dir, "props");
  await writeParquetDir(db, dataDir, SCHEMA, ROWS);
  await db.conn.run("CREATE TABLE sentinel AS SELECT 42 AS answer");
});
afterAll(() => db.close());

function randomChain(seed: number, length: number) {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  let n = 0;
  const out = () => `o${seed}_${++n}`;
  const types = Object.keys(GENERATORS);
  const steps: object[] = [];
  let cols: Col[] = [...SCHEMA];
  const inputs: CompileInput[] = [
    { name: "t", schema: SCHEMA, location: { format: "parquet", path: dataDir } },
  ];
  for (let tries = 0; steps.length < length && tries < length * 20; tries++) {
    const type = pick(types);
    const params = GENERATORS[type]!(cols, out, pick);
    if (!params) continue;
    const step = { id: `s${steps.length + 1}`, type, params, ...(rnd() < 0.1 ? { disabled: true } : {}) };
    steps.push(step);
    const spec = { kind: "prepare" as const, version: 1 as const, params: { steps } };
    cols = inferOutputSchemas({ spec: spec as never, inputs })[0]!;
  }
  return { spec: { kind: "prepare" as const, version: 1 as const, params: { steps } }, inputs };
}

describe("random prepare chains", () => {
  const seeds = Array.from({ length: 25 }, (_, i) => i + 1);
  it.each(seeds)("seed %i compiles, parses as Spark and runs on DuckDB", async (seed) => {
    const { spec, inputs } = randomChain(seed, 6 + (seed % 10));
    const duck = compileRecipe({ spec: spec as never, inputs, dialect: "duckdb" });
    expect(duck.blocking).toBeNull();
    const result = await query(db, duck.sql);
    expect(result.columns.map((c) => c.name)).toEqual(duck.outputSchemas[0]!.map((c) => c.name));
    expect(duck.stepSchemas).toHaveLength(spec.params.steps.length);
    const spark = compileRecipe({
      spec: spec as never,
      inputs: [{ ...inputs[0]!, location: { format: "parquet", path: "dbfs:/mnt/p" } }],
      dialect: "spark",
    });
    const blocker = spark.steps.find((s) => s.engines.spark.level === "none");
    if (blocker) {
      expect(spark.blocking?.stepId).toBe(blocker.id);
      expect(spark.sql).toBe("");
    } else {
      expect(sparkSyntaxErrors(spark.sql)).toEqual([]);
    }
  });
});

const CORPUS = [
  'a"b',
  "a`b",
  "x'; DROP TABLE sentinel; --",
  "'",
  "\\",
  "\\'",
  "trailing\\",
  "-- c",
  "/* c */",
  "line\nbreak",
  "ünïcödé 🚀",
  "%s %Y",
  "$1",
  ")",
  "\u200b",
];

describe("injection corpus through step params", () => {
  it("names, replacements, delimiters, prefixes and mapped values stay data", async () => {
    const schema: DatasetSchema = CORPUS.map((name) => ({ name, type: "string" as const }));
    const path = join(db.dir, "inj");
    await writeParquetDir(db, path, schema, [Object.fromEntries(CORPUS.map((n) => [n, n]))]);
    for (const [i, v] of CORPUS.entries()) {
      const col = CORPUS[(i + 1) % CORPUS.length]!;
      const steps = [
        { id: "a", type: "AddPrefixSuffix", params: { columns: [v], prefix: v, suffix: v } },
        { id: "b", type: "FindReplace", params: { columns: [col], find: col, replace: v } },
        { id: "c", type: "ColumnCopier", params: { column: v, output: `${v}·copy` } },
        {
          id: "d",
          type: "ColumnSplitter",
          params: { column: col, separator: v, count: 2, outputPrefix: `${v}·` },
        },
        {
          id: "e",
          type: "ValueMapper",
          params: { column: `${v}·copy`, mapping: [{ from: v + v + v, to: v }] },
        },
        {
          id: "f",
          type: "FilterOnValue",
          params: { column: `${v}·copy`, values: [`${v}x`], action: "remove" },
        },
        {
          id: "g",
          type: "FlagOnRegex",
          params: { column: col, pattern: v.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&"), output: `${v}·flag` },
        },
        { id: "h", type: "ColumnRenamer", params: { renamings: [{ from: v, to: `${v}·renamed` }] } },
      ];
      const spec = { kind: "prepare" as const, version: 1 as const, params: { steps } };
      const inputs: CompileInput[] = [{ name: "evil", schema, location: { format: "parquet", path } }];
      const duck = compileRecipe({ spec: spec as never, inputs, dialect: "duckdb" });
      const result = await query(db, duck.sql);
      const row = result.rows[0]!;
      expect(row[`${v}·renamed`]).toBe(v + v + v);
      expect(row[`${v}·copy`]).toBe(v);
      expect(row[col]).toBe(v);
      expect(row[`${v}·flag`]).toBe(true);
      const spark = compileRecipe({
        spec: spec as never,
        inputs: [{ ...inputs[0]!, location: { format: "parquet", path: "dbfs:/mnt/evil" } }],
        dialect: "spark",
      });
      expect(sparkSyntaxErrors(spark.sql)).toEqual([]);
      expect(sparkStatementCount(spark.sql)).toBe(1);
    }
    expect((await query(db, "SELECT answer FROM sentinel")).rows).toEqual([{ answer: 42 }]);
  });
});
