import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { DatasetSchema } from "@sous/contracts";
import { seededRandom } from "@sous/contracts";
import { type PortableModel, scorePortable } from "@sous/ml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CompileError, compileScoringSql, doubleLiteral } from "../src/index.ts";
import { float32Cut } from "../src/scoring/float32.ts";

// Scoring SQL against the TypeScript reference scorer (scorePortable, itself checked against
// scikit-learn in packages/ml-local), on real DuckDB: hand-written models whose every branch is
// known, with NULLs, NaN, unseen levels, awkward names and labels. The trained-model checks
// (scikit-learn and Spark as oracles) are in scoring.int.test.ts.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const nextDouble = (x: number, dir: 1 | -1) => {
  f64[0] = x;
  u64[0] = x > 0 === dir > 0 ? u64[0]! + 1n : u64[0]! - 1n;
  return f64[0]!;
};

describe("float32Cut: fround(x) <= t exactly when x <= float32Cut(t)", () => {
  it("holds at and around every tie between neighbouring float32 values, and on random doubles", () => {
    const random = seededRandom(7);
    let checked = 0;
    const wrong: string[] = [];
    for (let i = 0; i < 4000; i++) {
      // Thresholds as scikit-learn makes them (midpoints of float32 values), and arbitrary ones.
      f32[0] = (random() - 0.5) * 10 ** Math.floor(random() * 20 - 10);
      const a = f32[0]!;
      u32[0] = u32[0]! + 1;
      const b = f32[0]!;
      const t = i % 2 === 0 ? (a + b) / 2 : (random() - 0.5) * 10 ** Math.floor(random() * 20 - 10);
      const cut = float32Cut(t);
      const xs = [a, b, (a + b) / 2, cut, t];
      for (const x of [...xs]) xs.push(nextDouble(x, 1), nextDouble(x, -1));
      for (let k = 0; k < 20; k++) xs.push(t + (random() - 0.5) * Math.abs(b - a) * 4);
      for (const x of xs) {
        if (Math.fround(x) <= t !== x <= cut) wrong.push(`x=${x} t=${t}`);
        checked++;
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(100_000);
  });

  it("handles zero, subnormals and the float32 range's ends", () => {
    for (const t of [
      0,
      -0,
      2 ** -149,
      -(2 ** -149),
      2 ** -150,
      3.4028234663852886e38,
      3.5e38,
      -3.5e38,
      1e300,
    ]) {
      const cut = float32Cut(t);
      // Past float32's range scikit-learn refuses the row.
      for (const x of [cut, nextDouble(cut, 1), nextDouble(cut, -1), 0, -0, 2 ** -150, -(2 ** -150)])
        if (Math.abs(x) <= 3.4028234663852886e38) expect(Math.fround(x) <= t, `x=${x} t=${t}`).toBe(x <= cut);
    }
  });
});

describe("doubleLiteral", () => {
  it("writes the shortest exponent form (a DOUBLE on both engines), negatives in parentheses", () => {
    expect([0.1, 5, -2.5e-300, 1.2345678901234567e20, -0].map(doubleLiteral)).toEqual([
      "1e-1",
      "5e0",
      "(-2.5e-300)",
      "1.2345678901234567e20",
      "(-0e0)",
    ]);
  });
});

// ---- hand-written models --------------------------------------------------------------------

const features: PortableModel["features"] = [
  { name: "x", type: "numeric", impute: 2.5, rescale: { kind: "standard", mean: 1.5, scale: 2 } },
  { name: "y", type: "numeric", impute: -1, rescale: { kind: "minmax", scale: 0.25, offset: -0.5 } },
  // Levels with quotes and backslashes; "others" takes grouped and unseen levels.
  { name: "it's", type: "categorical", impute: "b'\\", levels: ["a", "b'\\"], others: true },
  // No "others": an unseen level is all zeros. Its column is boolean.
  { name: "flag", type: "categorical", impute: "false", levels: ["false", "true"], others: false },
  // An integer column; the imputed level is not kept, so a NULL goes nowhere (all zeros).
  { name: "n", type: "categorical", impute: "9", levels: ["1", "2"], others: false },
];
const width = 2 + 3 + 2 + 2;
const schema: DatasetSchema = [
  { name: "id", type: "integer" },
  { name: "x", type: "double" },
  { name: "y", type: "bigint" },
  { name: "it's", type: "string" },
  { name: "flag", type: "boolean" },
  { name: "n", type: "integer" },
];
// x, y, it's, flag, n: NULLs, NaN, unseen text, an unkept integer.
const rows: unknown[][] = [
  [1, 0.5, 3, "a", true, 1],
  [2, null, null, null, null, null],
  [3, Number.NaN, 10, "b'\\", false, 2],
  [4, -7.25, -4, "zzz", true, 7],
  [5, 3.75, 0, "b'\\", null, 2],
  [6, 1e6, 100, "A", false, 1],
];

const coefs = (k: number) =>
  Array.from({ length: width }, (_, i) => (((i + 1) * (k + 2) * 0.37) % 1.9) - 0.8);
const linear = (link: "identity" | "logistic" | "softmax", rows_: number): PortableModel["model"] => ({
  kind: "linear",
  link,
  coefficients: Array.from({ length: rows_ }, (_, k) => coefs(k)),
  intercepts: Array.from({ length: rows_ }, (_, k) => 0.1 * (k - 1)),
});

/** A full tree of `depth` over every column, leaves numbered, thresholds near the values used. */
function tree(depth: number, outputs: number, salt: number) {
  const t = {
    feature: [] as number[],
    threshold: [] as number[],
    left: [] as number[],
    right: [] as number[],
    value: [] as number[][],
  };
  const add = (d: number): number => {
    const i = t.feature.length;
    t.feature.push(-2);
    t.threshold.push(-2);
    t.left.push(-1);
    t.right.push(-1);
    t.value.push([]);
    if (d === depth) {
      const raw = Array.from({ length: outputs }, (_, k) => ((i * 7 + k * 3 + salt) % 11) + 1);
      const total = raw.reduce((a, b) => a + b, 0);
      t.value[i] = outputs === 1 ? [raw[0]! * 1.5 - 4] : raw.map((r) => r / total);
      return i;
    }
    const f = (i + salt) % width;
    t.feature[i] = f;
    t.threshold[i] = f < 2 ? ((i * 13 + salt) % 7) / 3 - 1 : 0.5;
    t.left[i] = add(d + 1);
    t.right[i] = add(d + 1);
    return i;
  };
  add(0);
  return t;
}
/** The same tree numbered breadth first: a left child is no longer the next node. */
function breadthFirst(t: ReturnType<typeof tree>): ReturnType<typeof tree> {
  const order = [0];
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (t.left[i] !== -1) order.push(t.left[i]!, t.right[i]!);
  }
  const at = new Map(order.map((old, i) => [old, i]));
  const child = (c: number) => (c === -1 ? -1 : at.get(c)!);
  return {
    feature: order.map((i) => t.feature[i]!),
    threshold: order.map((i) => t.threshold[i]!),
    left: order.map((i) => child(t.left[i]!)),
    right: order.map((i) => child(t.right[i]!)),
    value: order.map((i) => t.value[i]!),
  };
}
const trees = (n: number, depth: number, outputs: number): PortableModel["model"] => ({
  kind: "trees",
  inputFloat32: true,
  trees: Array.from({ length: n }, (_, s) => tree(depth, outputs, s)),
});
/**
 * Boosted trees adding to `outputs` raw scores in turn, with uneven weights; a one-leaf tree
 * among them, and enough trees for several summing layers.
 */
const boosted = (
  link: "identity" | "logistic" | "softmax",
  n: number,
  outputs: number,
  inputFloat32: boolean,
): PortableModel["model"] => ({
  kind: "boosted",
  inputFloat32,
  link,
  base: Array.from({ length: outputs }, (_, k) => 0.3 * k - 0.45),
  trees: Array.from({ length: n }, (_, s) => tree(s === 1 ? 0 : 2 + (s % 3), 1, s)),
  weights: Array.from({ length: n }, (_, s) => 0.1 + (s % 5) * 0.037),
  outputs: Array.from({ length: n }, (_, s) => s % outputs),
});

const models: Record<string, PortableModel> = {
  "linear regression": {
    format: "sous-portable-model",
    version: 1,
    task: "regression",
    classes: null,
    features,
    model: linear("identity", 1),
  },
  "logistic binary": {
    format: "sous-portable-model",
    version: 1,
    task: "binary",
    classes: [false, true],
    features,
    model: linear("logistic", 1),
  },
  "softmax multiclass": {
    format: "sous-portable-model",
    version: 1,
    task: "multiclass",
    classes: ["lo w", "mid'", "HIGH"],
    features,
    model: linear("softmax", 3),
  },
  "tree binary": {
    format: "sous-portable-model",
    version: 1,
    task: "binary",
    classes: [0, 1],
    features,
    model: trees(1, 6, 2),
  },
  "forest multiclass": {
    format: "sous-portable-model",
    version: 1,
    task: "multiclass",
    classes: [3, 1, 2],
    features,
    model: trees(7, 5, 3),
  },
  "tree numbered breadth first": {
    format: "sous-portable-model",
    version: 1,
    task: "multiclass",
    classes: ["a", "b", "c"],
    features,
    model: { kind: "trees", inputFloat32: true, trees: [breadthFirst(tree(5, 3, 4)), tree(4, 3, 1)] },
  },
  "boosted binary": {
    format: "sous-portable-model",
    version: 1,
    task: "binary",
    classes: ["no", "yes"],
    features,
    model: boosted("logistic", 12, 1, true),
  },
  "boosted multiclass (several summing layers)": {
    format: "sous-portable-model",
    version: 1,
    task: "multiclass",
    classes: [3, 1, 2],
    features,
    model: boosted("softmax", 240, 3, true),
  },
  "boosted regression, float64 comparisons (MLlib's)": {
    format: "sous-portable-model",
    version: 1,
    task: "regression",
    classes: null,
    features,
    model: boosted("identity", 9, 1, false),
  },
  "forest regression": {
    format: "sous-portable-model",
    version: 1,
    task: "regression",
    classes: null,
    features,
    model: trees(5, 4, 1),
  },
};

describe("compileScoringSql on DuckDB equals scorePortable", () => {
  let instance: DuckDBInstance;
  let c: DuckDBConnection;
  const from = "scoring_input";
  beforeAll(async () => {
    instance = await DuckDBInstance.create(":memory:");
    c = await instance.connect();
    const lit = (v: unknown) =>
      v === null
        ? "NULL"
        : typeof v === "string"
          ? `'${v.replaceAll("'", "''")}'`
          : Number.isNaN(v)
            ? "'NaN'::DOUBLE"
            : String(v);
    await c.run(
      `CREATE TABLE scoring_input ("id" INTEGER, "x" DOUBLE, "y" BIGINT, "it's" VARCHAR, "flag" BOOLEAN, "n" INTEGER)`,
    );
    await c.run(
      `INSERT INTO scoring_input VALUES ${rows.map((r) => `(${r.map(lit).join(", ")})`).join(", ")}`,
    );
  });
  afterAll(() => {
    c?.closeSync();
    instance?.closeSync();
  });

  const cases: { name: string; model: PortableModel; trees?: "walk" | "case"; caseLevels?: number }[] = [];
  for (const [name, model] of Object.entries(models)) {
    if (model.model.kind === "linear") cases.push({ name, model });
    else {
      for (const trees of ["walk", "case"] as const) cases.push({ name: `${name} (${trees})`, model, trees });
      // The walk's two parts alone and split mid-tree: all arrays, and nested if() for 2 levels.
      for (const caseLevels of [0, 2])
        cases.push({ name: `${name} (walk, ${caseLevels} if levels)`, model, trees: "walk", caseLevels });
    }
  }
  for (const { name, model, trees, caseLevels } of cases) {
    it(name, async () => {
      const out = compileScoringSql({
        model,
        dialect: "duckdb",
        input: { from, schema },
        trees,
        ...(caseLevels === undefined ? {} : { caseLevels }),
      });
      const reader = await c.runAndReadAll(`${out.sql} ORDER BY "id"`);
      expect(reader.columnNames()).toEqual(out.outputSchema.map((col) => col.name));
      const got = reader.getRowObjectsJS();
      expect(got).toHaveLength(rows.length);
      rows.forEach((r, i) => {
        const row = Object.fromEntries(schema.map((col, k) => [col.name, r[k]]));
        const expected = scorePortable(model, row);
        const g = got[i]!;
        expect(g.id).toBe(r[0]);
        if (typeof expected.prediction === "number" && model.task === "regression")
          expect(Math.abs((g.prediction as number) - expected.prediction), `row ${i}`).toBeLessThan(1e-12);
        else
          expect(
            g.prediction === undefined
              ? undefined
              : typeof g.prediction === "bigint"
                ? Number(g.prediction)
                : g.prediction,
          ).toEqual(expected.prediction);
        out.probabilityColumns.forEach((p, k) => {
          expect(
            Math.abs((g[p.column] as number) - expected.probabilities![k]!),
            `${p.column} row ${i}`,
          ).toBeLessThan(1e-12);
        });
      });
    });
  }

  it("names probability columns safely, one per class, in class order", () => {
    const out = compileScoringSql({
      model: models["softmax multiclass"],
      dialect: "spark",
      input: { from, schema },
    });
    expect(out.probabilityColumns).toEqual([
      { label: "lo w", column: "proba_lo_w" },
      { label: "mid'", column: "proba_mid_" },
      { label: "HIGH", column: "proba_HIGH" },
    ]);
    expect(out.outputSchema.slice(schema.length)).toEqual([
      { name: "prediction", type: "string" },
      { name: "proba_lo_w", type: "double" },
      { name: "proba_mid_", type: "double" },
      { name: "proba_HIGH", type: "double" },
    ]);
    const dupes = compileScoringSql({
      model: { ...models["logistic binary"], classes: ["a b", "a_b"] },
      dialect: "duckdb",
      input: { from, schema },
    });
    expect(dupes.probabilityColumns.map((p) => p.column)).toEqual(["proba_a_b", "proba_a_b_2"]);
  });

  it("keeps internal columns clear of the input's, whatever their names", async () => {
    const clash: DatasetSchema = [...schema, { name: "__Sf0", type: "integer" }];
    const out = compileScoringSql({
      model: models["forest multiclass"],
      dialect: "duckdb",
      input: { from: `(SELECT *, 1 AS "__Sf0" FROM ${from})`, schema: clash },
    });
    expect(out.sql).toContain('"__s1f0"');
    expect(out.sql).not.toContain('"__sf0"');
    const reader = await c.runAndReadAll(out.sql);
    expect(reader.columnNames()).toEqual(out.outputSchema.map((col) => col.name));
  });

  it("maps features to differently named columns", async () => {
    const renamed = schema.map((col) => (col.name === "x" ? { ...col, name: "x renamed" } : col));
    const out = compileScoringSql({
      model: models["linear regression"],
      dialect: "duckdb",
      input: { from: `(SELECT * RENAME ("x" AS "x renamed") FROM ${from})`, schema: renamed },
      columns: { x: "x renamed" },
    });
    const reader = await c.runAndReadAll(`${out.sql} ORDER BY "id"`);
    const expected = scorePortable(models["linear regression"]!, {
      x: 0.5,
      y: 3,
      "it's": "a",
      flag: true,
      n: 1,
    });
    expect(reader.getRowObjectsJS()[0]!.prediction).toBeCloseTo(expected.prediction as number, 12);
  });
});

describe("compileScoringSql: the SQL itself", () => {
  const model = models["logistic binary"]!;
  it("quotes identifiers and literals with each dialect's own rules (golden)", async () => {
    for (const dialect of ["duckdb", "spark"] as const) {
      const out = compileScoringSql({ model, dialect, input: { from: "t", schema } });
      await expect(`${out.sql}\n`).toMatchFileSnapshot(`./__snapshots__/scoring-logistic.${dialect}.sql`);
    }
    const spark = compileScoringSql({
      model: models["forest multiclass"],
      dialect: "spark",
      input: { from: "t", schema },
    }).sql;
    expect(spark).toContain("`it's`");
    expect(spark).toContain("'b\\'\\\\'");
    expect(spark).toMatch(/element_at\(array\(/);
    const duck = compileScoringSql({
      model: models["forest multiclass"],
      dialect: "duckdb",
      input: { from: "t", schema },
    }).sql;
    expect(duck).toContain(`"it's"`);
    expect(duck).toContain(`'b''\\'`);
    expect(duck).not.toContain("element_at");
  });

  it("reads a stored dataset through the dialect's Parquet source", () => {
    const out = compileScoringSql({
      model,
      dialect: "spark",
      input: { name: "in", schema, location: { format: "parquet", path: "/data/x" } },
    });
    expect(out.sql).toContain("FROM parquet.`/data/x` AS");
    expect(() =>
      compileScoringSql({
        model,
        dialect: "duckdb",
        input: { name: "in", schema, location: { format: "parquet", path: "/data/x'; DROP TABLE t; --" } },
      }),
    ).toThrow(expect.objectContaining({ code: "unsafe_path" }));
  });

  // Compiles a 100-tree forest twice: seconds on a busy machine, over vitest's default 5 s.
  it("stays small for 100 trees of depth 10 on 30 features", { timeout: 60_000 }, () => {
    const big: PortableModel = {
      format: "sous-portable-model",
      version: 1,
      task: "binary",
      classes: [0, 1],
      features: Array.from({ length: 30 }, (_, i) => ({
        name: `c${i}`,
        type: "numeric" as const,
        impute: 0,
        rescale: { kind: "none" as const },
      })),
      model: {
        kind: "trees",
        inputFloat32: true,
        trees: Array.from({ length: 100 }, (_, s) => {
          const t = tree(10, 2, s);
          return {
            ...t,
            feature: t.feature.map((f) => (f < 0 ? f : (f * 7 + s) % 30)),
            threshold: t.threshold.map((x, i) => (x === -2 ? x : Math.sin(i + s) * 3.1)),
          };
        }),
      },
    };
    const bigSchema = big.features.map((f) => ({ name: f.name, type: "double" as const }));
    const json = JSON.stringify(big).length;
    const size = (trees: "walk" | "case") =>
      compileScoringSql({ model: big, dialect: "duckdb", input: { from: "t", schema: bigSchema }, trees }).sql
        .length;
    const walk = size("walk");
    const nested = size("case");
    console.log(
      `scoring SQL for 100 trees of depth 10 (204,700 nodes): ${(walk / 1e6).toFixed(2)} MB as arrays (walk), ${(nested / 1e6).toFixed(2)} MB as nested if() (case); the portable JSON ${(json / 1e6).toFixed(2)} MB`,
    );
    // About the model's own size: each node's split once, each leaf's values once.
    expect(nested).toBeLessThan(json);
    expect(walk).toBeLessThan(json * 1.25);
  });
});

describe("compileScoringSql refuses what it cannot score, saying why", () => {
  const model = models["forest multiclass"]!;
  const input = { from: "t", schema };
  it("a model that is not a portable model", () => {
    expect(() => compileScoringSql({ model: { ...model, version: 2 }, dialect: "duckdb", input })).toThrow(
      expect.objectContaining({
        code: "invalid_spec",
        message: expect.stringContaining("it is not a portable model (version"),
      }),
    );
    const bad = structuredClone(model);
    if (bad.model.kind === "trees") bad.model.trees[0]!.feature[0] = 99;
    expect(() => compileScoringSql({ model: bad, dialect: "duckdb", input })).toThrow(
      /tree 0 splits on column 99; the features have 9/,
    );
    expect(() =>
      compileScoringSql({
        model: { ...models["logistic binary"], classes: [1, 2, 3] },
        dialect: "duckdb",
        input,
      }),
    ).toThrow(/logistic link does not fit/);
    // Boosted trees: a softmax needs one base score per class, a leaf holds one value.
    const multi = models["boosted multiclass (several summing layers)"]!;
    expect(() =>
      compileScoringSql({
        model: { ...multi, classes: [1, 2, 3, 4] },
        dialect: "duckdb",
        input,
      }),
    ).toThrow(/expected 4 base score\(s\), not 3/);
    expect(() =>
      compileScoringSql({ model: { ...multi, task: "regression", classes: null }, dialect: "duckdb", input }),
    ).toThrow(/softmax link does not fit a regression task/);
    const wide = structuredClone(models["boosted binary"]!);
    if (wide.model.kind === "boosted")
      wide.model.trees[0]!.value = wide.model.trees[0]!.value.map((v) => [...v, 0]);
    expect(() => compileScoringSql({ model: wide, dialect: "duckdb", input })).toThrow(
      /tree 0 has 2 values per node, not 1/,
    );
  });
  it("a feature whose column is missing or of the wrong type", () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as CompileError;
      }
      throw new Error("no error");
    };
    const missing = err(() =>
      compileScoringSql({
        model,
        dialect: "duckdb",
        input: { from: "t", schema: schema.filter((c) => c.name !== "y") },
      }),
    );
    expect(missing).toBeInstanceOf(CompileError);
    expect(missing).toMatchObject({
      code: "unknown_column",
      message: 'The model\'s feature y needs the column "y", which the input does not have.',
    });
    const typed = err(() =>
      compileScoringSql({
        model,
        dialect: "duckdb",
        input: {
          from: "t",
          schema: schema.map((c) => (c.name === "x" ? { ...c, type: "string" as const } : c)),
        },
      }),
    );
    expect(typed).toMatchObject({
      code: "invalid_column_type",
      message: 'The model\'s feature x (numeric) expects a number; the column "x" is string.',
    });
  });
  it("an output name the input already has", () => {
    expect(() =>
      compileScoringSql({
        model,
        dialect: "duckdb",
        input: { from: "t", schema: [...schema, { name: "Prediction", type: "double" }] },
      }),
    ).toThrow(expect.objectContaining({ code: "duplicate_output_name" }));
    expect(() =>
      compileScoringSql({ model, dialect: "duckdb", input, probabilityPrefix: "", predictionColumn: "1" }),
    ).toThrow(/probability "1" is already a column/);
  });
});
