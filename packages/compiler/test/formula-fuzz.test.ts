import { join } from "node:path";
import type { DatasetSchema } from "@sous/contracts";
import { seededRandom } from "@sous/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkFormula, formulaFunctions, lowerFormula } from "../src/index.ts";
import { createIdGen } from "../src/ir/ids.ts";
import { derived, project, source } from "../src/ir/rel.ts";
import { DIALECT_HOOKS } from "../src/render/dialects.ts";
import { renderSql } from "../src/render/renderer.ts";
import { type Db, logicalType, openDb, query, writeParquetDir } from "./helpers/duckdb.ts";
import { sparkSyntaxErrors } from "./helpers/spark.ts";

/**
 * Property test: random well-typed formulas built from the catalog (seeded, so failures
 * reproduce) run on DuckDB over rows with NULLs and edge values without an engine error, return
 * the type the checker promised, and render Spark SQL the Spark grammar accepts.
 */
const schema: DatasetSchema = [
  { name: "s", type: "string" },
  { name: "t", type: "string" },
  { name: "i", type: "integer" },
  { name: "b", type: "bigint" },
  { name: "x", type: "double" },
  { name: "m", type: "decimal" },
  { name: "f", type: "boolean" },
  { name: "d", type: "date" },
  { name: "ts", type: "timestamp" },
];
const rows = [
  {},
  {
    s: "Hello World",
    t: "",
    i: 3,
    b: 12,
    x: 2.5,
    m: "1.25",
    f: true,
    d: "2024-02-29",
    ts: "2024-02-29 23:59:59",
  },
  {
    s: " a,b ",
    t: "b",
    i: -2,
    b: -7,
    x: -0.5,
    m: "-3.10",
    f: false,
    d: "1999-12-31",
    ts: "2000-01-01 00:00:00",
  },
  { s: "名前🚀", t: "ö", i: 0, b: 0, x: 0, m: "0.00", f: true, d: "2024-01-01", ts: "2024-01-01 12:00:00" },
];

type Kind = "string" | "number" | "integral" | "boolean" | "temporal" | "any";
const LEAVES: Record<Exclude<Kind, "any" | "number">, string[]> = {
  string: ["s", "t", '"abc"', '""', '" x y "'],
  integral: ["i", "b", "0", "2", "-1"],
  boolean: ["f", "true", "i > 0", "isNull(s)"],
  temporal: ["d", "ts", '"2024-03-31"'],
};
const NUMBERS = ["i", "b", "x", "m", "1.5", "-3"];

/** Arguments the catalog requires as literals, or that must stay valid at run time. */
const FIXED: Record<string, (gen: (k: Kind) => string) => string> = {
  round: (g) => `round(${g("number")}, 1)`,
  regexMatch: (g) => `regexMatch(${g("string")}, "^[a-z ]+$")`,
  regexExtract: (g) => `regexExtract(${g("string")}, "([a-z]+)", 1)`,
  regexReplace: (g) => `regexReplace(${g("string")}, "([a-z])", "<$1>")`,
  split: (g) => `split(${g("string")}, ${g("string")}, 2)`,
  datePart: (g) => `datePart(${g("temporal")}, "dayOfWeek")`,
  dateAdd: (g) => `dateAdd(${g("temporal")}, ${g("integral")}, "months")`,
  parseDate: (g) => `parseDate(${g("string")}, "dd/MM/yyyy")`,
  formatDate: (g) => `formatDate(${g("temporal")}, "EEE d MMM yyyy HH:mm")`,
  trunc: (g) => `trunc(${g("temporal")}, "quarter")`,
  repeat: (g) => `repeat(${g("string")}, 2)`,
  switch: (g) => `switch(${g("integral")}, 1, ${g("string")}, 2, ${g("string")}, ${g("string")})`,
};

const catalog = formulaFunctions();
const RETURNS: Record<string, Kind> = {};
for (const f of catalog) {
  const r = f.returns;
  RETURNS[f.name] =
    r === "string"
      ? "string"
      : r === "boolean"
        ? "boolean"
        : r.startsWith("integer") || r.startsWith("bigint")
          ? "integral"
          : r === "double"
            ? "number"
            : r.startsWith("date") || r === "timestamp"
              ? "temporal"
              : "any";
}

function generator(seed: number) {
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const gen = (kind: Kind, depth: number): string => {
    if (depth <= 0 || rand() < 0.45) {
      if (kind === "any") return pick([...LEAVES.string, ...NUMBERS, ...LEAVES.temporal, "f"]);
      if (kind === "number") return pick(NUMBERS);
      return pick(LEAVES[kind]);
    }
    const sub0 = (k: Kind) => gen(k, depth - 1);
    if (rand() < 0.3) {
      // Operators, typed by what the slot needs.
      if (kind === "boolean" || (kind === "any" && rand() < 0.3)) {
        const op = pick(["&&", "||", "==", "!=", "<", ">=", "!"]);
        if (op === "!") return `!(${sub0("boolean")})`;
        if (op === "&&" || op === "||") return `(${sub0("boolean")} ${op} ${sub0("boolean")})`;
        const side = pick<Kind>(["number", "string", "temporal"]);
        return `(${sub0(side)} ${op} ${sub0(side)})`;
      }
      if (kind === "number" || kind === "integral" || kind === "any") {
        const k: Kind = kind === "integral" ? "integral" : "number";
        const op = kind === "integral" ? pick(["+", "-", "*", "%"]) : pick(["+", "-", "*", "/", "%"]);
        return rand() < 0.15 ? `-(${sub0(k)})` : `(${sub0(k)} ${op} ${sub0(k)})`;
      }
      if (kind === "string")
        return `(${sub0("string")} + ${sub0(pick<Kind>(["string", "number", "temporal"]))})`;
    }
    const fits = catalog.filter(
      (f) =>
        kind === "any" || RETURNS[f.name] === kind || (kind === "number" && RETURNS[f.name] === "integral"),
    );
    const f = pick(fits);
    const sub = (k: Kind) => gen(k, depth - 1);
    const fixed = FIXED[f.name];
    if (fixed) return fixed(sub);
    const args: string[] = [];
    for (const p of f.params) {
      if (p.optional && rand() < 0.5) break;
      const k: Kind = p.type === "integer" ? "integral" : p.type === "date" ? "temporal" : (p.type as Kind);
      args.push(sub(k));
      if (p.variadic && rand() < 0.5) args.push(sub(k));
    }
    return `${f.name}(${args.join(", ")})`;
  };
  return gen;
}

const render = (formulas: string[], path: string, dialect: "spark" | "duckdb") => {
  const ids = createIdGen();
  const src = source(ids, 0, path, schema);
  const cols = formulas.map((f, i) => derived(ids, `v${i}`, lowerFormula(f, src.columns).expr));
  return renderSql(project(ids, src, cols), DIALECT_HOOKS[dialect]);
};

let db: Db;
let dir: string;
beforeAll(async () => {
  db = await openDb();
  dir = join(db.dir, "fuzz");
  await writeParquetDir(db, dir, schema, rows);
});
afterAll(() => db.close());

describe("random formulas", () => {
  it.each([1, 2, 3, 4, 5, 6])(
    "seed %i: 40 well-typed formulas run on DuckDB and parse as Spark",
    async (seed) => {
      const gen = generator(seed);
      const formulas: string[] = [];
      while (formulas.length < 40) {
        const f = gen("any", 3);
        if (checkFormula(f, schema).errors.length === 0) formulas.push(f);
      }
      expect(sparkSyntaxErrors(render(formulas, "dbfs:/mnt/sous/fuzz", "spark"))).toEqual([]);
      for (const f of formulas) {
        let result: Awaited<ReturnType<typeof query>>;
        try {
          result = await query(db, render([f], dir, "duckdb"));
        } catch (e) {
          throw new Error(`${f}\n${render([f], dir, "duckdb")}\n${(e as Error).message}`);
        }
        // DuckDB folds an expression that is NULL whatever the row (e.g. m + length("") % 0) into an
        // untyped NULL; its column type is then DuckDB's guess. Only typed values are compared.
        if (result.rows.some((r) => r.v0 !== null)) {
          expect(logicalType(result.columns[0]!.type), f).toBe(checkFormula(f, schema).type);
        }
        expect(result.rows).toHaveLength(rows.length);
      }
    },
    30_000,
  );
});
