import { type DatasetSchema, DatasetSchemaSchema } from "@sous/contracts";
import { type PortableClusterModel, PortableClusterModelSchema, type PortableFeature } from "@sous/ml";
import { CompileError } from "../errors.ts";
import type { CompileInput, Dialect } from "../types.ts";
import { validateInputs } from "../validate/inputs.ts";
import { baseFeatureSql, doubleLiteral, featureInput, type VectorColumn } from "./compile-scoring.ts";
import { SCORING_HOOKS } from "./dialect.ts";

/**
 * Portable k-means (@sous/ml's PortableClusterModel) -> one SELECT: the input's columns, then the
 * cluster of each row, the index of its nearest centroid (the first on a tie, as scikit-learn's
 * and MLlib's argmin). Two nested SELECTs: the feature handling (the trainer's: impute, rescale,
 * each categorical as the index of its level, -1 for "others"), then the squared distance to each
 * centroid; the outer one picks the smallest. A bisecting k-means (a model with a tree) takes the
 * distance to each node's center instead, and the outer one walks the tree with nested CASEs.
 */

export interface CompileClustersArgs {
  /** A portable cluster model (validated here: it usually comes from storage). */
  model: unknown;
  dialect: Dialect;
  input: CompileInput | { from: string; schema: DatasetSchema };
  /** Feature name -> input column, for features whose column has another name. */
  columns?: Readonly<Record<string, string>>;
  /** Default `cluster`. */
  clusterColumn?: string;
}

export interface CompiledClusters {
  sql: string;
  outputSchema: DatasetSchema;
  clusterColumn: string;
}

function invalid(message: string, path: (string | number)[] = ["model"]): never {
  throw new CompileError("invalid_spec", `The clustering model cannot be scored in SQL: ${message}`, path);
}

export function compileClustersSql(args: CompileClustersArgs): CompiledClusters {
  const parsed = PortableClusterModelSchema.safeParse(args.model);
  if (!parsed.success)
    invalid(
      `it is not a portable k-means (${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join(".") || "model"}: ${i.message}`)
        .join("; ")})`,
    );
  const model: PortableClusterModel = parsed.data;
  const d = SCORING_HOOKS[args.dialect];
  const q = d.sql.quoteIdent;
  if ("location" in args.input) validateInputs([args.input]);
  else if (!DatasetSchemaSchema.safeParse(args.input.schema).success)
    throw new CompileError("invalid_schema", "The input to score has an invalid schema.", ["input"]);
  const schema = args.input.schema;
  const from = "location" in args.input ? d.sql.parquetSource(args.input.location.path) : args.input.from;
  const taken = schema.map((c) => c.name.toLowerCase());
  let prefix = "__k";
  for (let n = 1; taken.some((c) => c.startsWith(prefix)); n++) prefix = `__k${n}`;
  const ref = (name: string) => q(`${prefix}${name}`);
  const clusterColumn = args.clusterColumn ?? "cluster";
  if (taken.includes(clusterColumn.toLowerCase()))
    throw new CompileError(
      "duplicate_output_name",
      `The scoring output "${clusterColumn}" is already a column of the input: choose another name.`,
      ["clusterColumn"],
    );

  // Layer 1: the features. Per input-vector column, what the distance sees: a numeric value, or
  // 1 when the feature's level index equals `index` (a one-hot column), else 0.
  const byName = new Map(schema.map((c) => [c.name, c.type]));
  const featureColumns: string[] = [];
  const vector: VectorColumn[] = [];
  model.features.forEach((f, i) => {
    const { column, type } = featureInput(f, args.columns, byName);
    // Feature kinds beyond numeric and one-hot (added by other encodings) do not compile here yet.
    if (f.type !== "numeric" && f.type !== "categorical")
      invalid(
        `feature ${f.name} is ${(f as PortableFeature).type}: only numeric and one-hot features compile`,
      );
    const base = baseFeatureSql(f, column, type, ref(`f${i}`), d);
    featureColumns.push(base.column);
    vector.push(...base.vector);
  });

  // Layer 2: the squared distance to each centroid, summed column by column in vector order.
  const distance = (c: readonly number[], alias: string) => {
    const terms = vector.map((v, i) => {
      const ci = doubleLiteral(c[i]!);
      if (v.kind === "numeric") return `(${v.ref} - ${ci}) * (${v.ref} - ${ci})`;
      // (onehot - c)^2 is (1 - c)^2 on the row's level and c^2 elsewhere: constants, computed
      // here with the same float64 operations.
      const on = doubleLiteral((1 - c[i]!) * (1 - c[i]!));
      const off = doubleLiteral(c[i]! * c[i]!);
      return `CASE WHEN ${v.ref} = ${v.index} THEN ${on} ELSE ${off} END`;
    });
    return `${terms.join(" + ")} AS ${alias}`;
  };
  const inner = `(SELECT *,\n  ${featureColumns.join(",\n  ")}\nFROM ${from} AS ${ref("in")}) AS ${ref("l0")}`;
  let body: string;
  let cluster: string;
  if (model.tree) {
    // A bisecting k-means: the distance to every node's center but the root's, then from the root
    // down to the nearest child (the first on a tie) until a leaf, as MLlib's predict.
    const tree = model.tree;
    const distances = tree.flatMap((n, i) =>
      i === 0 ? [] : [distance("cluster" in n ? model.centroids[n.cluster]! : n.center, ref(`t${i}`))],
    );
    const descend = (i: number): string => {
      const n = tree[i]!;
      if ("cluster" in n) return String(n.cluster);
      const ts = n.children.map((c) => ref(`t${c}`));
      const whens = n.children
        .slice(0, -1)
        .map(
          (c, j) =>
            `WHEN ${ts[j]} <= ${ts.length - j === 2 ? ts[j + 1] : `least(${ts.slice(j + 1).join(", ")})`} THEN ${descend(c)}`,
        );
      return `CASE ${whens.join(" ")} ELSE ${descend(n.children[n.children.length - 1]!)} END`;
    };
    body = distances.length
      ? `(SELECT *,\n  ${distances.join(",\n  ")}\nFROM ${inner}) AS ${ref("l1")}`
      : inner;
    cluster = descend(0);
  } else {
    const distances = model.centroids.map((c, j) => distance(c, ref(`d${j}`)));
    const ds = model.centroids.map((_, j) => ref(`d${j}`));
    // The nearest: the first centroid whose distance is the row's smallest.
    cluster =
      ds.length === 1
        ? "0"
        : `CASE ${ds
            .slice(0, -1)
            .map((dj, j) => `WHEN ${dj} = ${ref("min")} THEN ${j}`)
            .join(" ")} ELSE ${ds.length - 1} END`;
    const dist = `(SELECT *,\n  ${distances.join(",\n  ")}\nFROM ${inner}) AS ${ref("l1")}`;
    body = `(SELECT *, ${ds.length === 1 ? ds[0] : `least(${ds.join(", ")})`} AS ${ref("min")}\nFROM ${dist}) AS ${ref("l2")}`;
  }
  const select = [...schema.map((c) => q(c.name)), `CAST(${cluster} AS INT) AS ${q(clusterColumn)}`];
  return {
    sql: `SELECT ${select.join(",\n  ")}\nFROM ${body}`,
    outputSchema: [
      ...schema.map(({ name, type }) => ({ name, type })),
      { name: clusterColumn, type: "integer" },
    ],
    clusterColumn,
  };
}
