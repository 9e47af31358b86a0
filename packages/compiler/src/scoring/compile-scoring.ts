import { type ColumnType, type DatasetSchema, DatasetSchemaSchema } from "@sous/contracts";
import {
  type PortableFeature,
  type PortableModel,
  PortableModelSchema,
  portableFeatureWidth,
} from "@sous/ml";
import { CompileError } from "../errors.ts";
import type { CompileInput, Dialect } from "../types.ts";
import { validateInputs } from "../validate/inputs.ts";
import { SCORING_HOOKS, type ScoringDialect } from "./dialect.ts";
import { extraFeatureSql } from "./feature-sql.ts";
import { float32Cut } from "./float32.ts";
import { labelText, type ScoringLabel, scoringColumns } from "./output-columns.ts";

/**
 * Portable model (@sous/ml) -> one SELECT that scores rows in SQL, with no Python: the input's
 * columns, then the prediction and, for classifiers, one probability column per class.
 *
 * It repeats scikit-learn's float64 operations in scikit-learn's order, as scorePortable does:
 * impute, rescale, one-hot, then the model. Each stage is a nested SELECT that adds columns
 * under an internal prefix, so an expression is computed once per row and referenced by name:
 *   1. features: each numeric feature imputed and rescaled; each categorical one as the index of
 *      its level (-1 for "others": a grouped or unseen level);
 *   2. the model: a linear model's decision values, or the leaf each tree sends the row to;
 *   3. sums of the trees' leaf values (in tree order: the order scikit-learn adds them);
 *   4. probabilities, then the prediction (the first most probable class, as numpy's argmax).
 */

export type { ScoringLabel };

export interface CompileScoringArgs {
  /** A portable model (validated here: it usually comes from storage). */
  model: unknown;
  dialect: Dialect;
  /**
   * The rows to score: a stored dataset, or any FROM item already rendered for the dialect (a
   * table or CTE name, a parenthesised query) with its schema.
   */
  input: CompileInput | { from: string; schema: DatasetSchema };
  /** Feature name -> input column, for features whose column has another name. */
  columns?: Readonly<Record<string, string>>;
  /** Default `prediction`. */
  predictionColumn?: string;
  /** Each class's probability column is this prefix + the class as text. Default `proba_`. */
  probabilityPrefix?: string;
  /** How trees are written (see walkTrees and caseTrees); for tests and benchmarks. */
  trees?: TreeStrategy;
  /** For "walk": how many levels of each tree are nested if() before the walk (tests, benchmarks). */
  caseLevels?: number;
}

export type TreeStrategy = "walk" | "case";

export interface CompiledScoring {
  /** One SELECT, no trailing semicolon. */
  sql: string;
  /** The input's columns, then the prediction, then the probabilities. */
  outputSchema: DatasetSchema;
  predictionColumn: string;
  /** Per class, in the model's class order; empty for regression. */
  probabilityColumns: { label: ScoringLabel; column: string }[];
}

/**
 * Levels of each tree written as nested if() before the array walk (see walkTrees). DuckDB pays
 * each if() per batch of 2048 rows that reaches it, the walk a few array lookups per row and
 * level. 200k rows, a 100-tree forest of depth 10, a loaded machine: in one run 0 levels (the
 * walk alone) took 116 s, 5 took 75 s, 7 took 67 s; in another 7 took 57 s, 8 99 s, 9 91 s.
 */
const CASE_LEVELS = 7;
/** Trees summed per nested SELECT: bounds the depth of the `a + b + ...` chain (DuckDB allows 1000). */
const SUM_CHUNK = 100;
const NUMERIC: ReadonlySet<ColumnType> = new Set(["integer", "bigint", "double", "decimal"]);
const CATEGORY_TYPES: ReadonlySet<ColumnType> = new Set([
  "string",
  "boolean",
  "integer",
  "bigint",
  "double",
  "decimal",
]);
/** A level as Python's str() writes a float or an int (the trainer's category_text). */
const NUMBER_TEXT = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A float64 as a DOUBLE literal on both engines (an exponent makes it DOUBLE, not DECIMAL). */
export function doubleLiteral(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`compiler bug: non-finite model value ${v}`);
  if (Object.is(v, -0)) return "(-0e0)";
  // toExponential() without digits: the shortest text that reads back as exactly v.
  const text = v.toExponential().replace("e+", "e");
  // Parenthesised so that `a - -1e0` can never read as a `--` comment.
  return v < 0 ? `(${text})` : text;
}

function invalid(message: string, path: (string | number)[] = ["model"]): never {
  throw new CompileError("invalid_spec", `The model cannot be scored in SQL: ${message}`, path);
}

/** Width of the model's input vector, and checks that the model's parts agree with it. */
function checkModel(model: PortableModel): void {
  const width = model.features.reduce((n, f) => n + portableFeatureWidth(f), 0);
  const classes = model.classes;
  const classifier = model.task !== "regression";
  if (classifier !== (classes !== null))
    invalid(`a ${model.task} model ${classifier ? "needs" : "has no"} classes`);
  if (classes && classes.length < 2) invalid("a classifier needs at least two classes");
  const m = model.model;
  if (m.kind === "linear") {
    const rows = m.link === "softmax" ? classes?.length : 1;
    if (m.link === "identity" ? classifier : m.link === "logistic" ? classes?.length !== 2 : !classifier)
      invalid(`a ${m.link} link does not fit a ${model.task} task`);
    if (m.coefficients.length !== rows || m.intercepts.length !== rows)
      invalid(`expected ${rows} row(s) of coefficients and intercepts`);
    if (m.coefficients.some((c) => c.length !== width))
      invalid(`the coefficients do not match the ${width} input columns of the features`);
    return;
  }
  if (m.kind === "boosted") {
    // raw has one value per class under softmax, else one (logistic: the second class's margin).
    const raws = m.link === "softmax" ? classes?.length : 1;
    if (m.link === "identity" ? classifier : m.link === "logistic" ? classes?.length !== 2 : !classifier)
      invalid(`a ${m.link} link does not fit a ${model.task} task`);
    if (m.base.length !== raws) invalid(`expected ${raws} base score(s), not ${m.base.length}`);
  }
  const outputs = m.kind === "boosted" ? 1 : (classes?.length ?? 1);
  m.trees.forEach((t, i) => {
    t.feature.forEach((f, n) => {
      if (t.left[n] !== -1 && (f < 0 || f >= width))
        invalid(`tree ${i} splits on column ${f}; the features have ${width}`);
      if (t.left[n] === -1 && t.value[n]!.length !== outputs)
        invalid(`tree ${i} has ${t.value[n]!.length} values per node, not ${outputs}`);
    });
  });
}

/** One column of the model's input vector, as the SQL sees it. */
export type VectorColumn =
  | { kind: "numeric"; ref: string }
  /** A one-hot column: 1 when the feature's level index equals `index` (-1: "others"). */
  | { kind: "onehot"; ref: string; index: number };

interface Names {
  internal(name: string): string;
}

class Layers {
  private readonly layers: { columns: string[]; constants?: string[] }[] = [];
  constructor(
    private readonly d: ScoringDialect,
    private readonly from: string,
    private readonly names: Names,
  ) {}
  /**
   * A nested SELECT adding these `expr AS alias` columns; they may use earlier layers' aliases.
   * `constants` are computed once, in a one-row relation joined to every row.
   */
  add(columns: readonly string[], constants?: readonly string[]): void {
    if (columns.length > 0 || constants?.length)
      this.layers.push({
        columns: [...columns],
        ...(constants?.length ? { constants: [...constants] } : {}),
      });
  }
  /** The final SELECT of `columns` over every layer. */
  render(columns: readonly string[]): string {
    const q = this.d.sql.quoteIdent;
    let from = `${this.from} AS ${q(this.names.internal("in"))}`;
    this.layers.forEach((layer, i) => {
      const select = ["*", ...layer.columns].join(",\n  ");
      const joined = layer.constants
        ? `, (SELECT ${layer.constants.join(",\n  ")}) AS ${q(this.names.internal(`c${i}`))}`
        : "";
      from = `(SELECT ${select}\nFROM ${from}${joined}) AS ${q(this.names.internal(`l${i}`))}`;
    });
    return `SELECT ${columns.join(",\n  ")}\nFROM ${from}`;
  }
}

export function compileScoringSql(args: CompileScoringArgs): CompiledScoring {
  const parsed = PortableModelSchema.safeParse(args.model);
  if (!parsed.success)
    invalid(
      `it is not a portable model (${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join(".") || "model"}: ${i.message}`)
        .join("; ")})`,
    );
  const model = parsed.data;
  checkModel(model);
  const d = SCORING_HOOKS[args.dialect];
  const caseLevels = args.caseLevels ?? CASE_LEVELS;
  const q = d.sql.quoteIdent;
  // The same checks as a recipe's inputs: a valid schema, and a path that cannot escape its quotes.
  if ("location" in args.input) validateInputs([args.input]);
  else if (!DatasetSchemaSchema.safeParse(args.input.schema).success)
    throw new CompileError("invalid_schema", "The input to score has an invalid schema.", ["input"]);
  const schema = args.input.schema;
  const from = "location" in args.input ? d.sql.parquetSource(args.input.location.path) : args.input.from;

  // Internal columns get a prefix no input column starts with (engines compare names ignoring case).
  const taken = schema.map((c) => c.name.toLowerCase());
  // Short: a forest's SQL names them at every split.
  let prefix = "__s";
  for (let n = 1; taken.some((c) => c.startsWith(prefix)); n++) prefix = `__s${n}`;
  const names: Names = { internal: (name) => `${prefix}${name}` };
  // Output names: the ones the model's own runtime writes too (one place names them).
  const classes = model.classes ?? [];
  const { predictionColumn, probabilityColumns } = scoringColumns({
    schema,
    classes: model.classes ?? null,
    ...(args.predictionColumn !== undefined ? { predictionColumn: args.predictionColumn } : {}),
    ...(args.probabilityPrefix !== undefined ? { probabilityPrefix: args.probabilityPrefix } : {}),
  });

  const layers = new Layers(d, from, names);
  const vector = featureLayer(model, args, d, names, layers);
  const outputs =
    model.model.kind === "linear"
      ? linearLayers(model.model, vector, d, names, layers)
      : model.model.kind === "boosted"
        ? boostedLayers(model.model, vector, d, names, layers, args.trees ?? "walk", caseLevels)
        : treeLayers(model, model.model, vector, d, names, layers, args.trees ?? "walk", caseLevels);

  // The prediction: the regression value, or the first class whose probability (decision value
  // for linear models, as scikit-learn's predict) is the largest.
  const labels = labelLiterals(classes, d);
  let prediction: string;
  if (model.task === "regression") prediction = outputs.scores[0]!;
  else if (outputs.scores.length === 1)
    prediction = `CASE WHEN ${outputs.scores[0]} > 0e0 THEN ${labels.sql[1]} ELSE ${labels.sql[0]} END`;
  else {
    const s = outputs.scores;
    const whens = s.slice(0, -1).map((sk, k) => {
      const rest = s.slice(k + 1).map((sj) => `${sk} >= ${sj}`);
      return `WHEN ${rest.join(" AND ")} THEN ${labels.sql[k]}`;
    });
    prediction = `CASE ${whens.join(" ")} ELSE ${labels.sql[s.length - 1]} END`;
  }
  const select = [
    ...schema.map((c) => q(c.name)),
    `${prediction} AS ${q(predictionColumn)}`,
    ...outputs.probabilities.map((p, k) => `${p} AS ${q(probabilityColumns[k]!.column)}`),
  ];
  return {
    sql: layers.render(select),
    outputSchema: [
      ...schema.map(({ name, type }) => ({ name, type })),
      { name: predictionColumn, type: model.task === "regression" ? "double" : labels.type },
      ...probabilityColumns.map((p) => ({ name: p.column, type: "double" as const })),
    ],
    predictionColumn,
    probabilityColumns,
  };
}

/** Class labels as SQL literals of one type (mixed labels as text, as the trainer compares them). */
export function labelLiterals(
  classes: readonly ScoringLabel[],
  d: ScoringDialect,
): { sql: string[]; type: ColumnType } {
  if (classes.every((c) => typeof c === "boolean"))
    return { sql: classes.map((c) => (c ? "TRUE" : "FALSE")), type: "boolean" };
  if (classes.every((c) => typeof c === "number")) {
    const integral = classes.every((c) => Number.isSafeInteger(c));
    return integral
      ? { sql: classes.map((c) => `CAST(${c} AS ${d.sql.typeName("bigint")})`), type: "bigint" }
      : { sql: classes.map((c) => doubleLiteral(c as number)), type: "double" };
  }
  return { sql: classes.map((c) => d.sql.stringLiteral(labelText(c))), type: "string" };
}

/** Layer 1: each feature as the model's input sees it. Returns the vector's columns. */
function featureLayer(
  model: PortableModel,
  args: CompileScoringArgs,
  d: ScoringDialect,
  names: Names,
  layers: Layers,
): VectorColumn[] {
  const q = d.sql.quoteIdent;
  const byName = new Map(args.input.schema.map((c) => [c.name, c.type]));
  const columns: string[] = [];
  const vector: VectorColumn[] = [];
  model.features.forEach((f, i) => {
    const { column, type } = featureInput(f, args.columns, byName);
    const alias = q(names.internal(`f${i}`));
    const x = q(column);
    // NaN is a missing value to scikit-learn's imputers (and to scorePortable).
    const missing = type === "double" ? `${x} IS NULL OR isnan(${x})` : `${x} IS NULL`;
    if (f.type !== "numeric" && f.type !== "categorical") {
      const out = extraFeatureSql({
        ...{ feature: f, x, type, missing, d, doubleLiteral, levelTest },
        alias: (k) => q(names.internal(`f${i}_${k}`)),
      });
      columns.push(...out.map((o) => o.column));
      vector.push(...out.map((o) => ({ kind: "numeric" as const, ref: o.ref })));
      return;
    }
    const base = baseFeatureSql(f, column, type, alias, d);
    columns.push(base.column);
    vector.push(...base.vector);
  });
  layers.add(columns);
  return vector;
}

/** The input column a feature reads (renamed by `columns`, else its own name) and its type. */
export function featureInput(
  f: PortableFeature,
  columns: Readonly<Record<string, string>> | undefined,
  byName: ReadonlyMap<string, ColumnType>,
): { column: string; type: ColumnType } {
  const column = columns?.[f.name] ?? f.name;
  const type = byName.get(column);
  if (type === undefined)
    throw new CompileError(
      "unknown_column",
      `The model's feature ${f.name} needs the column "${column}", which the input does not have.`,
      ["columns", f.name],
    );
  return { column, type };
}

/**
 * A numeric or one-hot feature as the model's input sees it: its `expr AS alias` column and the
 * vector columns it fills. A number is imputed and scaled with scikit-learn's operations
 * (MinMaxScaler: x * scale_ + min_); a category is the index of the row's level, where a missing
 * cell takes the imputed level and a level the model does not keep (grouped or unseen) is -1,
 * i.e. "others" or no column at all. Supervised and cluster scoring both read features so.
 */
export function baseFeatureSql(
  f: Extract<PortableFeature, { type: "numeric" | "categorical" }>,
  column: string,
  type: ColumnType,
  alias: string,
  d: ScoringDialect,
): { column: string; vector: VectorColumn[] } {
  const x = d.sql.quoteIdent(column);
  // NaN is a missing value to scikit-learn's imputers (and to scorePortable).
  const missing = type === "double" ? `${x} IS NULL OR isnan(${x})` : `${x} IS NULL`;
  if (f.type === "numeric") {
    if (!NUMERIC.has(type)) wrongType(f, column, type, "a number");
    const value = type === "double" ? x : `CAST(${x} AS ${d.sql.typeName("double")})`;
    const imputed = `CASE WHEN ${missing} THEN ${doubleLiteral(f.impute)} ELSE ${value} END`;
    const r = f.rescale;
    const scaled =
      r.kind === "standard"
        ? `(${imputed} - ${doubleLiteral(r.mean)}) / ${doubleLiteral(r.scale)}`
        : r.kind === "minmax"
          ? `${imputed} * ${doubleLiteral(r.scale)} + ${doubleLiteral(r.offset)}`
          : imputed;
    return { column: `${scaled} AS ${alias}`, vector: [{ kind: "numeric", ref: alias }] };
  }
  if (!CATEGORY_TYPES.has(type)) wrongType(f, column, type, "text, a number or a boolean");
  const whens: string[] = [];
  f.levels.forEach((level, k) => {
    const test = levelTest(x, type, level, d);
    if (test !== null) whens.push(`WHEN ${test} THEN ${k}`);
  });
  const vector: VectorColumn[] = f.levels.map((_, k) => ({ kind: "onehot", ref: alias, index: k }));
  if (f.others) vector.push({ kind: "onehot", ref: alias, index: -1 });
  return {
    column: `CASE WHEN ${missing} THEN ${f.levels.indexOf(f.impute)} ${whens.join(" ")} ELSE -1 END AS ${alias}`,
    vector,
  };
}

function wrongType(f: PortableFeature, column: string, type: ColumnType, expected: string): never {
  throw new CompileError(
    "invalid_column_type",
    `The model's feature ${f.name} (${f.type}) expects ${expected}; the column "${column}" is ${type}.`,
    ["columns", f.name],
  );
}

/**
 * When a cell is the level the trainer wrote as `level` (its category_text: booleans as
 * true/false, integral floats without ".0"); null when no cell of this type can be.
 * Numbers compare as numbers, so the engines' own number-to-text rules never matter.
 */
function levelTest(x: string, type: ColumnType, level: string, d: ScoringDialect): string | null {
  if (type === "string") return `${x} = ${d.sql.stringLiteral(level)}`;
  if (type === "boolean") return level === "true" ? `${x} = TRUE` : level === "false" ? `${x} = FALSE` : null;
  if (!NUMBER_TEXT.test(level)) return null;
  if (type === "integer" || type === "bigint") {
    if (!/^-?\d+$/.test(level)) return null;
    const n = BigInt(level);
    if (n < -(2n ** 63n) || n >= 2n ** 63n) return null;
    return `${x} = ${n}`;
  }
  return `CAST(${x} AS ${d.sql.typeName("double")}) = ${doubleLiteral(Number(level))}`;
}

interface ModelOutputs {
  /** What the prediction compares: per class (or one decision value for a logistic link). */
  scores: string[];
  /** Per class; empty for regression. */
  probabilities: string[];
}

/** `a + b + c` evaluates left to right on both engines: the order scikit-learn sums in. */
const sum = (terms: readonly string[]): string => (terms.length === 0 ? "0e0" : terms.join(" + "));

function linearLayers(
  m: PortableModel["model"] & { kind: "linear" },
  vector: readonly VectorColumn[],
  d: ScoringDialect,
  names: Names,
  layers: Layers,
): ModelOutputs {
  const ref = (name: string) => d.sql.quoteIdent(names.internal(name));
  // z_k = x . coef_k + intercept_k. A one-hot block adds 1 * its level's coefficient and exact
  // zeros for the others, so it adds the level's coefficient: one CASE per feature.
  const z = m.coefficients.map((coef, k) => {
    const terms: string[] = [];
    for (let i = 0; i < vector.length; ) {
      const v = vector[i]!;
      if (v.kind === "numeric") {
        if (coef[i] !== 0) terms.push(`${v.ref} * ${doubleLiteral(coef[i]!)}`);
        i++;
        continue;
      }
      const block: { index: number; coef: number }[] = [];
      for (; i < vector.length && vector[i]!.kind === "onehot" && vector[i]!.ref === v.ref; i++)
        block.push({ index: (vector[i] as VectorColumn & { kind: "onehot" }).index, coef: coef[i]! });
      // Unlisted levels take the ELSE: "others" (-1), or 0 when the feature has no such column.
      const otherwise = doubleLiteral(block.find((b) => b.index === -1)?.coef ?? 0);
      const whens = block
        .filter((b) => b.index !== -1 && doubleLiteral(b.coef) !== otherwise)
        .map((b) => `WHEN ${b.index} THEN ${doubleLiteral(b.coef)}`);
      if (whens.length > 0) terms.push(`CASE ${v.ref} ${whens.join(" ")} ELSE ${otherwise} END`);
      else if (otherwise !== "0e0") terms.push(otherwise);
    }
    return `${sum([...terms, doubleLiteral(m.intercepts[k]!)])} AS ${ref(`z${k}`)}`;
  });
  layers.add(z);
  return linkLayers(
    m.link,
    m.coefficients.map((_, k) => ref(`z${k}`)),
    d,
    names,
    layers,
  );
}

/** A linear or boosted model's link applied to its decision values (raw scores) `zs`. */
function linkLayers(
  link: "identity" | "logistic" | "softmax",
  zs: readonly string[],
  d: ScoringDialect,
  names: Names,
  layers: Layers,
): ModelOutputs {
  const ref = (name: string) => d.sql.quoteIdent(names.internal(name));
  if (link === "identity") return { scores: [...zs], probabilities: [] };
  if (link === "logistic") {
    // The sigmoid without overflow: exp of a negative number only.
    const z0 = zs[0]!;
    layers.add([
      `CASE WHEN ${z0} >= 0e0 THEN 1e0 / (1e0 + exp(-${z0})) ELSE exp(${z0}) / (1e0 + exp(${z0})) END AS ${ref("p1")}`,
    ]);
    return { scores: [...zs], probabilities: [`1e0 - ${ref("p1")}`, ref("p1")] };
  }
  // Softmax as scikit-learn's: subtract the row's max, exponentiate, divide by the sum.
  layers.add([`greatest(${zs.join(", ")}) AS ${ref("max")}`]);
  layers.add(zs.map((zk, k) => `exp(${zk} - ${ref("max")}) AS ${ref(`e${k}`)}`));
  const es = zs.map((_, k) => ref(`e${k}`));
  layers.add([`${sum(es)} AS ${ref("esum")}`]);
  return { scores: [...zs], probabilities: es.map((e) => `${e} / ${ref("esum")}`) };
}

type Boosted = PortableModel["model"] & { kind: "boosted" };

/**
 * Boosted trees: each tree's leaf as for a forest, then raw[k] = base[k] + w[t] * leaf(t) + ...
 * over the trees that add to k, in tree order (scikit-learn's predict_stages adds
 * `scale * value` to the running raw score one tree at a time; MLlib sums weight * prediction).
 * Each leaf's w * value is a float64 product, the same whether written here or computed by the
 * engine, so the literal holds it. Then the model's link, as for a linear model.
 */
function boostedLayers(
  m: Boosted,
  vector: readonly VectorColumn[],
  d: ScoringDialect,
  names: Names,
  layers: Layers,
  strategy: TreeStrategy,
  caseLevels: number,
): ModelOutputs {
  const ref = (name: string) => d.sql.quoteIdent(names.internal(name));
  const asTrees: Trees = { kind: "trees", inputFloat32: m.inputFloat32, trees: m.trees };
  const { leafRefs, leafValues } =
    strategy === "walk"
      ? walkTrees(asTrees, 1, vector, d, names, layers, caseLevels)
      : caseTrees(asTrees, 1, vector, d, names, layers);
  const n = m.trees.length;
  let totals = m.base.map((b) => doubleLiteral(b));
  for (let start = 0, chunk = 0; start < n; start += SUM_CHUNK, chunk++) {
    const next = totals.map((_, k) => ref(`r${k}_${chunk}`));
    layers.add(
      totals.map((previous, k) => {
        const terms: string[] = [];
        for (let t = start; t < Math.min(n, start + SUM_CHUNK); t++) {
          if (m.outputs[t] !== k) continue;
          const w = m.weights[t]!;
          const at = leafValues[t]![0]!.map((v) => w * v);
          terms.push(
            at.length === 1 ? doubleLiteral(at[0]!) : d.element(d.array(at.map(doubleLiteral)), leafRefs[t]!),
          );
        }
        return `${sum([previous, ...terms])} AS ${next[k]}`;
      }),
    );
    totals = next;
  }
  return linkLayers(m.link, totals, d, names, layers);
}

type Trees = PortableModel["model"] & { kind: "trees" };
/** Per tree: the column holding the row's leaf, and per output the values it indexes (1-based). */
type Leaves = { leafRefs: string[]; leafValues: number[][][] };

function treeLayers(
  model: PortableModel,
  m: Trees,
  vector: readonly VectorColumn[],
  d: ScoringDialect,
  names: Names,
  layers: Layers,
  strategy: TreeStrategy,
  caseLevels: number,
): ModelOutputs {
  const ref = (name: string) => d.sql.quoteIdent(names.internal(name));
  const outputs = model.classes?.length ?? 1;
  const { leafRefs, leafValues } =
    strategy === "walk"
      ? walkTrees(m, outputs, vector, d, names, layers, caseLevels)
      : caseTrees(m, outputs, vector, d, names, layers);
  // Per output: the trees' values at their leaves, summed in tree order, SUM_CHUNK per layer.
  const n = m.trees.length;
  let totals: string[] = Array.from({ length: outputs }, () => "");
  for (let start = 0, chunk = 0; start < n; start += SUM_CHUNK, chunk++) {
    const next = totals.map((_, k) => ref(`s${k}_${chunk}`));
    layers.add(
      totals.map((previous, k) => {
        const terms = leafValues.slice(start, start + SUM_CHUNK).map((values, i) => {
          const at = values[k]!;
          return at.length === 1
            ? doubleLiteral(at[0]!)
            : d.element(d.array(at.map(doubleLiteral)), leafRefs[start + i]!);
        });
        return `${sum(previous ? [previous, ...terms] : terms)} AS ${next[k]}`;
      }),
    );
    totals = next;
  }
  // A forest's mean; one tree's value as it is (x / 1 would be exact anyway).
  const means = totals.map((s) => (n === 1 ? s : `${s} / ${doubleLiteral(n)}`));
  if (model.task === "regression") return { scores: means, probabilities: [] };
  layers.add(means.map((mean, k) => `${mean} AS ${ref(`p${k}`)}`));
  const ps = means.map((_, k) => ref(`p${k}`));
  return { scores: ps, probabilities: ps };
}

/** Each tree as nested if(): one CASE per split, each reachable leaf numbered. */
function caseTrees(
  m: Trees,
  outputs: number,
  vector: readonly VectorColumn[],
  d: ScoringDialect,
  names: Names,
  layers: Layers,
): Leaves {
  const ref = (name: string) => d.sql.quoteIdent(names.internal(name));
  const leafColumns: string[] = [];
  const leafValues: number[][][] = [];
  m.trees.forEach((tree, t) => {
    const leaves: number[] = [];
    const walk = (node: number): string => {
      if (tree.left[node] === -1) {
        leaves.push(node);
        return String(leaves.length);
      }
      const v = vector[tree.feature[node]!]!;
      const threshold = tree.threshold[node]!;
      if (v.kind === "onehot") {
        // A one-hot value is 0 or 1 (exact in float32): the split is known for each.
        const leftIf1 = 1 <= threshold;
        const leftIf0 = 0 <= threshold;
        if (leftIf0 === leftIf1) return walk(leftIf0 ? tree.left[node]! : tree.right[node]!);
        const test = leftIf0 ? `${v.ref}<>${v.index}` : `${v.ref}=${v.index}`;
        return `if(${test},${walk(tree.left[node]!)},${walk(tree.right[node]!)})`;
      }
      const cut = m.inputFloat32 ? float32Cut(threshold) : threshold;
      // if(c, a, b) (CASE WHEN on both engines) in few bytes: a forest has 10^5 of them.
      return `if(${v.ref}<=${doubleLiteral(cut)},${walk(tree.left[node]!)},${walk(tree.right[node]!)})`;
    };
    leafColumns.push(`${walk(0)} AS ${ref(`t${t}`)}`);
    leafValues.push(Array.from({ length: outputs }, (_, k) => leaves.map((leaf) => tree.value[leaf]![k]!)));
  });
  layers.add(leafColumns);
  return { leafRefs: m.trees.map((_, t) => ref(`t${t}`)), leafValues };
}

/**
 * Each tree walked one level per nested SELECT, its nodes renumbered breadth first so that a
 * node's two children are neighbours: the next node is `left + (x > threshold)`. A node's
 * feature and left child are one integer, `left * M + feature` (decoded with // and %), so each
 * tree and level costs three array lookups (code, the row's value, threshold) and no jump; a
 * leaf points at itself through a feature that is always 0 and a threshold of 0. The first
 * caseLevels levels are nested if() instead, which give the position the walk starts from.
 */
function walkTrees(
  m: Trees,
  outputs: number,
  vector: readonly VectorColumn[],
  d: ScoringDialect,
  names: Names,
  layers: Layers,
  caseLevels: number,
): Leaves {
  const ref = (name: string) => d.sql.quoteIdent(names.internal(name));
  const x = ref("x");
  const int = d.sql.typeName("integer");
  // The input vector (a one-hot column as 0 or 1), then a 0 that leaves compare with 0.
  const items = vector.map((v) =>
    v.kind === "numeric" ? v.ref : `CAST(${v.ref} = ${v.index} AS ${d.sql.typeName("double")})`,
  );
  const zero = items.length + 1;
  // Features are 1..zero, so `code % M` is the feature and `code // M` the left child.
  const M = zero + 1;
  const constants: string[] = [];
  const depths: number[] = [];
  const orders: number[][] = [];
  const starts: string[] = [];
  m.trees.forEach((tree, t) => {
    const n = tree.feature.length;
    const leaf = (i: number) => tree.left[i] === -1;
    // Breadth first: order[p] is the node at position p (0-based), pos[node] its position.
    const order = [0];
    const depth = new Array<number>(n).fill(0);
    for (let k = 0; k < order.length; k++) {
      const i = order[k]!;
      if (leaf(i)) continue;
      order.push(tree.left[i]!, tree.right[i]!);
      depth[tree.left[i]!] = depth[tree.right[i]!] = depth[i]! + 1;
    }
    const pos = new Array<number>(n).fill(0);
    order.forEach((i, p) => {
      pos[i] = p;
    });
    orders.push(order);
    depths.push(Math.max(...order.map((i) => depth[i]!)));
    if (order.length * M >= 2 ** 31)
      invalid(`tree ${t} has too many nodes (${order.length}) for ${zero} input columns`);
    const at = (f: (i: number) => string) => d.array(order.map(f));
    const threshold = (i: number) => (m.inputFloat32 ? float32Cut(tree.threshold[i]!) : tree.threshold[i]!);
    // 1-based positions.
    const code = (i: number) =>
      leaf(i) ? (pos[i]! + 1) * M + zero : (pos[tree.left[i]!]! + 1) * M + tree.feature[i]! + 1;
    // The first levels as nested if() (cheap while few nodes share each batch of rows), giving
    // the position the walk starts from: a node caseLevels deep, or a leaf above it.
    const top = (i: number): string => {
      if (leaf(i) || depth[i]! >= caseLevels) return String(pos[i]! + 1);
      const v = vector[tree.feature[i]!]!;
      const [l, r] = [tree.left[i]!, tree.right[i]!];
      if (v.kind === "onehot") {
        // A one-hot value is 0 or 1 (exact in float32): the split is known for each.
        const leftIf1 = 1 <= tree.threshold[i]!;
        const leftIf0 = 0 <= tree.threshold[i]!;
        if (leftIf0 === leftIf1) return top(leftIf0 ? l : r);
        return `if(${v.ref}${leftIf0 ? "<>" : "="}${v.index},${top(l)},${top(r)})`;
      }
      return `if(${v.ref}<=${doubleLiteral(threshold(i))},${top(l)},${top(r)})`;
    };
    starts.push(top(0));
    constants.push(
      `${at((i) => String(code(i)))} AS ${ref(`ac${t}`)}`,
      `${at((i) => (leaf(i) ? "0e0" : doubleLiteral(threshold(i))))} AS ${ref(`at${t}`)}`,
    );
  });
  layers.add([`${d.array([...items, "0e0"])} AS ${x}`], constants);
  const node = starts.map((s, t) => (caseLevels > 0 && s !== "1" ? ref(`n${t}_top`) : "1"));
  layers.add(starts.flatMap((s, t) => (caseLevels > 0 && s !== "1" ? [`${s} AS ${node[t]}`] : [])));
  for (let level = caseLevels; level < Math.max(...depths); level++) {
    const live = m.trees.map((_, t) => t).filter((t) => depths[t]! > level);
    layers.add(live.map((t) => `${d.element(ref(`ac${t}`), node[t]!)} AS ${ref(`c${t}_${level}`)}`));
    layers.add(
      live.map((t) => {
        const c = ref(`c${t}_${level}`);
        const right = `CAST(${d.element(x, `${c} % ${M}`)} > ${d.element(ref(`at${t}`), node[t]!)} AS ${int})`;
        return `${d.intDiv(c, String(M))} + ${right} AS ${ref(`n${t}_${level}`)}`;
      }),
    );
    for (const t of live) node[t] = ref(`n${t}_${level}`);
  }
  const leafValues = m.trees.map((tree, t) =>
    Array.from({ length: outputs }, (_, k) =>
      orders[t]!.map((i) => (tree.left[i] === -1 ? tree.value[i]![k]! : 0)),
    ),
  );
  return { leafRefs: node, leafValues };
}
