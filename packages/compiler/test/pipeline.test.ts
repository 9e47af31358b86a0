import { join } from "node:path";
import type { DatasetSchema } from "@sous/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CompileError,
  type CompileInput,
  compilePipeline,
  type PipelineStep,
  renderWriteParquet,
} from "../src/index.ts";
import { type Db, openDb, query, sortRows, writeParquetDir } from "./helpers/duckdb.ts";
import { sparkStatementCount, sparkSyntaxErrors } from "./helpers/spark.ts";

const orders: DatasetSchema = [
  { name: "cid", type: "integer" },
  { name: "amount", type: "double" },
  { name: "status", type: "string" },
];
const customers: DatasetSchema = [
  { name: "id", type: "integer" },
  { name: "name", type: "string" },
];

let db: Db;
let input: (name: string) => CompileInput;
beforeAll(async () => {
  db = await openDb();
  await writeParquetDir(db, join(db.dir, "orders"), orders, [
    { cid: 1, amount: 10, status: "paid" },
    { cid: 1, amount: 5, status: "paid" },
    { cid: 2, amount: 7, status: "void" },
    { cid: 2, amount: 3, status: "paid" },
    { cid: 3, amount: 1, status: "void" },
  ]);
  await writeParquetDir(db, join(db.dir, "customers"), customers, [
    { id: 1, name: "ann" },
    { id: 2, name: "bob" },
    { id: 3, name: "cy" },
  ]);
  input = (name) => ({
    name,
    schema: name === "orders" ? orders : customers,
    location: { format: "parquet", path: join(db.dir, name) },
  });
});
afterAll(() => db.close());

const paidTotals = (): PipelineStep[] => [
  {
    name: "paid",
    spec: {
      kind: "filter",
      version: 1,
      params: {
        filter: { combine: "and", rules: [{ column: "status", op: "equals", value: "paid" }] },
        sampling: { method: "all" },
      },
    },
    inputs: [input("orders")],
  },
  {
    name: "totals",
    spec: {
      kind: "group",
      version: 1,
      params: {
        keys: ["cid"],
        globalCount: false,
        aggregations: [{ column: "amount", fn: "sum", as: "total" }],
      },
    },
    inputs: [{ step: 0 }],
  },
];

describe("compilePipeline", () => {
  it("merges filter then group into a single SELECT", async () => {
    const out = compilePipeline({ steps: paidTotals(), dialect: "duckdb" });
    expect(out.sql).not.toContain("WITH");
    expect(out.sql).toContain("WHERE");
    expect(out.sql).toContain("GROUP BY");
    expect(sortRows((await query(db, out.sql)).rows)).toEqual([
      { cid: 1, total: 15 },
      { cid: 2, total: 3 },
    ]);
    expect(out.steps.map((s) => s.id)).toEqual([
      "0/filter",
      "0/params.filter.rules.0",
      "1/group",
      "1/params.aggregations.0",
    ]);
    expect(out.lineage).toEqual([
      [
        { output: "cid", from: [{ input: 0, column: "cid" }] },
        { output: "total", from: [{ input: 0, column: "amount" }] },
      ],
    ]);
  });

  it("chains group -> join -> sort through CTEs, on both engines", async () => {
    const steps: PipelineStep[] = [
      ...paidTotals(),
      {
        name: "named",
        spec: {
          kind: "join",
          version: 1,
          params: { type: "inner", on: [{ left: "cid", right: "id" }], dropRightKeys: true },
        },
        inputs: [{ step: 1 }, input("customers")],
      },
      {
        name: "ranked",
        spec: { kind: "sort", version: 1, params: { keys: [{ column: "total", direction: "desc" }] } },
        inputs: [{ step: 2 }],
      },
    ];
    const duck = compilePipeline({ steps, dialect: "duckdb" });
    expect((await query(db, duck.sql)).rows).toEqual([
      { cid: 1, total: 15, name: "ann" },
      { cid: 2, total: 3, name: "bob" },
    ]);
    expect(duck.inputs.map((i) => i.name)).toEqual(["orders", "customers"]);
    expect(duck.lineage[0]!.find((l) => l.output === "name")).toEqual({
      output: "name",
      from: [{ input: 1, column: "name" }],
    });

    const spark = compilePipeline({ steps, dialect: "spark" });
    const write = renderWriteParquet({
      selectSql: spark.sql,
      path: "dbfs:/mnt/out/ranked",
      dialect: "spark",
    });
    expect(sparkSyntaxErrors(write)).toEqual([]);
    expect(sparkStatementCount(write)).toBe(1);
  });

  it("renders a recipe read twice only once", async () => {
    const steps: PipelineStep[] = [
      paidTotals()[1]!,
      {
        name: "self",
        spec: {
          kind: "join",
          version: 1,
          params: {
            type: "inner",
            on: [{ left: "cid", right: "cid" }],
            rightPrefix: "o_",
            dropRightKeys: true,
          },
        },
        inputs: [{ step: 0 }, { step: 0 }],
      },
    ];
    steps[0] = { ...steps[0]!, inputs: [input("orders")] };
    const out = compilePipeline({ steps, dialect: "duckdb" });
    expect(out.sql.match(/read_parquet/g)).toHaveLength(1);
    expect(sortRows((await query(db, out.sql)).rows)).toEqual([
      { cid: 1, total: 15, o_total: 15 },
      { cid: 2, total: 10, o_total: 10 },
      { cid: 3, total: 1, o_total: 1 },
    ]);
  });

  it("anchors errors in the failing recipe", () => {
    const steps = paidTotals();
    steps[1] = {
      ...steps[1]!,
      spec: { kind: "group", version: 1, params: { keys: ["nope"], globalCount: true, aggregations: [] } },
    };
    let error: unknown;
    try {
      compilePipeline({ steps, dialect: "spark" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CompileError);
    expect(error).toMatchObject({ code: "unknown_column", path: ["steps", 1, "params", "keys", 0] });
    expect((error as Error).message).toMatch(/^Recipe 2 \("totals"\): Column "nope"/);

    const forward = paidTotals();
    forward[0] = { ...forward[0]!, inputs: [{ step: 1 }] };
    expect(() => compilePipeline({ steps: forward, dialect: "duckdb" })).toThrow(
      expect.objectContaining({ code: "invalid_spec", path: ["steps", 0, "inputs", 0] }),
    );
  });
});
