import type { DatasetSchema, EvaluateParams } from "@sous/contracts";
import { CompileError } from "../errors.ts";
import type { CompiledRecipe, CompileInput, Dialect, Translatability } from "../types.ts";
import { validateInputs } from "../validate/inputs.ts";
import { labelLiterals, type ScoringLabel } from "./compile-scoring.ts";
import { SCORING_HOOKS } from "./dialect.ts";
import { compileScoreRecipe, isClusteringModel, type ScoringModelContext } from "./score-recipe.ts";

/**
 * An evaluation recipe: the score recipe's SELECT plus a `correct` (classifiers) or `error`
 * (regression: prediction - label) column as output 0, and one row of metrics over the rows with a
 * label as output 1. The metrics are plain aggregates and window functions that read the same on
 * DuckDB and SparkSQL, written to equal scikit-learn's:
 *   - AUC: the Mann-Whitney form with average ranks for tied scores (= the trapezoidal ROC area
 *     roc_auc_score computes); null when the rows hold one class only (scikit-learn raises);
 *   - precision/recall/F1 of the positive class (the model's second class, as predict_proba's
 *     column 1), 0 when undefined (scikit-learn's zero_division default, with its warning);
 *   - macro F1 over the labels that occur as a label or a prediction (scikit-learn's
 *     unique_labels), per class 2·tp / (support + predicted);
 *   - log loss with the true class's probability clipped to [eps, 1 - eps], eps = float64's
 *     machine epsilon (log_loss's clip); a label the model does not know counts as probability 0
 *     (scikit-learn raises instead);
 *   - R² with scikit-learn's force_finite rule (constant labels: 1 if perfect, else 0).
 */

const FULL: Translatability = { level: "full" };
/** numpy.finfo(float64).eps, as log_loss clips with. */
const EPS = "2.220446049250313e-16";

export interface EvaluateContext {
  /** When the run happened (ISO 8601, UTC): the metrics row's evaluated_at. Default: the engine's clock. */
  evaluatedAt?: string;
}

export function compileEvaluateRecipe(args: {
  params: EvaluateParams;
  input: CompileInput | { from: string; schema: DatasetSchema };
  dialect: Dialect;
  model: ScoringModelContext | undefined;
  evaluatedAt?: string;
  previousMetrics?: CompileInput;
}): CompiledRecipe {
  const p = args.params;
  const schema = args.input.schema;
  const labelCol = schema.find((c) => c.name === p.labelColumn);
  if (!labelCol)
    throw new CompileError(
      "unknown_column",
      `The label column "${p.labelColumn}" is not a column of ${"name" in args.input ? args.input.name : "the input"}.`,
      ["params", "labelColumn"],
    );
  // A clustering has no label to compare with: its silhouette is the Lab's, not a recipe's yet.
  if (args.model && isClusteringModel(args.model))
    throw new CompileError(
      "invalid_spec",
      `Saved model ${args.model.savedModelName} (version ${args.model.versionNumber}) is a clustering: evaluation recipes do not support clustering models yet. Score it with a Score recipe (a cluster column) instead.`,
      ["params", "savedModelId"],
    );
  // A model without a portable form scores through its runtime (a Score recipe), not in SQL.
  if (args.model && args.model.portable === null)
    throw new CompileError(
      "invalid_spec",
      `Saved model ${args.model.savedModelName} (version ${args.model.versionNumber}) has no portable form: an evaluation recipe scores in SQL only. Score it with a Score recipe (scikit-learn), or activate a version with a portable form.`,
      ["params", "savedModelId"],
    );
  const scored = compileScoreRecipe({
    params: {
      savedModelId: p.savedModelId,
      ...(p.predictionColumn ? { predictionColumn: p.predictionColumn } : {}),
      ...(p.probabilityPrefix ? { probabilityPrefix: p.probabilityPrefix } : {}),
    },
    input: args.input,
    dialect: args.dialect,
    model: args.model,
  });
  const m = args.model!;
  const portable = m.portable as {
    task: "binary" | "multiclass" | "regression";
    classes: ScoringLabel[] | null;
  };
  const d = SCORING_HOOKS[args.dialect];
  const q = d.sql.quoteIdent;
  const scoredSchema = scored.outputSchemas[0]!;
  const predName = p.predictionColumn ?? "prediction";
  const regression = portable.task === "regression";
  const extraName = regression ? "error" : "correct";
  if (scoredSchema.some((c) => c.name.toLowerCase() === extraName))
    throw new CompileError(
      "duplicate_output_name",
      `The evaluation adds a column "${extraName}", which the input already has: rename that column first.`,
      ["inputs"],
    );
  const lab = q(p.labelColumn);
  const pred = q(predName);
  const dbl = d.sql.typeName("double");
  if (regression && !["integer", "bigint", "double", "decimal"].includes(labelCol.type))
    throw new CompileError(
      "invalid_spec",
      `A regression model is evaluated against a numeric label: "${p.labelColumn}" is ${labelCol.type}.`,
      ["params", "labelColumn"],
    );
  const extra = regression
    ? `CAST(${pred} AS ${dbl}) - CAST(${lab} AS ${dbl})`
    : `CASE WHEN ${lab} IS NULL THEN NULL ELSE ${pred} = ${lab} END`;
  const rowsSql = `SELECT *, ${extra} AS ${q(extraName)}\nFROM (${scored.sql}) AS ${q("__ev_scored")}`;
  const rowsSchema: DatasetSchema = [
    ...scoredSchema,
    { name: extraName, type: regression ? "double" : "boolean" },
  ];

  // Metrics over the labelled rows.
  const base = `(SELECT * FROM (${scored.sql}) AS ${q("__ev_s")} WHERE ${lab} IS NOT NULL)`;
  const at = args.evaluatedAt
    ? `CAST(${d.sql.stringLiteral(isoToSql(args.evaluatedAt))} AS ${d.sql.typeName("timestamp")})`
    : `CAST(current_timestamp AS ${d.sql.typeName("timestamp")})`;
  const head = [
    `${at} AS ${q("evaluated_at")}`,
    `${d.sql.stringLiteral(m.savedModelName)} AS ${q("saved_model")}`,
    `CAST(${m.versionNumber} AS ${d.sql.typeName("bigint")}) AS ${q("model_version")}`,
  ];
  const headSchema: DatasetSchema = [
    { name: "evaluated_at", type: "timestamp" },
    { name: "saved_model", type: "string" },
    { name: "model_version", type: "bigint" },
    { name: "rows", type: "bigint" },
  ];
  const bigint = d.sql.typeName("bigint");
  const one = (cond: string) => `CASE WHEN ${cond} THEN 1e0 ELSE 0e0 END`;
  const clip = (x: string) => `LEAST(GREATEST(${x}, ${EPS}), 1e0 - ${EPS})`;
  let metricsSql: string;
  let metricNames: string[];
  if (regression) {
    metricNames = ["r2", "rmse", "mae"];
    const y = `CAST(${lab} AS ${dbl})`;
    const yhat = `CAST(${pred} AS ${dbl})`;
    const inner = `SELECT ${y} AS y, ${yhat} AS yhat, AVG(${y}) OVER () AS ybar FROM ${base} AS ${q("__ev_b")}`;
    const agg = `SELECT COUNT(*) AS n, SUM((y - yhat) * (y - yhat)) AS ss_res, SUM((y - ybar) * (y - ybar)) AS ss_tot, SUM(ABS(y - yhat)) AS sae FROM (${inner}) AS ${q("__ev_r")}`;
    metricsSql = `SELECT ${[
      ...head,
      `CAST(n AS ${bigint}) AS ${q("rows")}`,
      `CASE WHEN n = 0 THEN NULL WHEN ss_tot = 0e0 THEN (CASE WHEN ss_res = 0e0 THEN 1e0 ELSE 0e0 END) ELSE 1e0 - ss_res / ss_tot END AS ${q("r2")}`,
      `CASE WHEN n = 0 THEN NULL ELSE SQRT(ss_res / n) END AS ${q("rmse")}`,
      `CASE WHEN n = 0 THEN NULL ELSE sae / n END AS ${q("mae")}`,
    ].join(",\n  ")}\nFROM (${agg}) AS ${q("__ev_a")}`;
  } else {
    const classes = portable.classes!;
    const labels = labelLiterals(classes, d).sql;
    const probCols = scoredSchema.slice(schema.length + 1).map((c) => q(c.name));
    const pTrue = `CASE ${labels.map((l, k) => `WHEN ${lab} = ${l} THEN ${probCols[k]}`).join(" ")} ELSE 0e0 END`;
    const logLoss = `AVG(-LN(${clip(pTrue)}))`;
    if (portable.task === "binary") {
      metricNames = ["auc", "accuracy", "precision", "recall", "f1", "log_loss"];
      const pos = labels[1]!;
      const s = probCols[1]!;
      // Average ranks of tied scores: the first rank of the tie + (size of the tie - 1) / 2.
      const ranked = `SELECT ${lab} AS y, ${pred} AS yhat, ${s} AS s, ${pTrue} AS ptrue, RANK() OVER (ORDER BY ${s}) AS r, COUNT(*) OVER (PARTITION BY ${s}) AS t FROM ${base} AS ${q("__ev_b")}`;
      const agg = `SELECT COUNT(*) AS n,
  SUM(${one(`y = ${pos}`)}) AS npos,
  SUM(CASE WHEN y = ${pos} THEN CAST(r AS ${dbl}) + (CAST(t AS ${dbl}) - 1e0) / 2e0 ELSE 0e0 END) AS rsum,
  SUM(${one("yhat = y")}) AS ncorrect,
  SUM(${one(`yhat = ${pos} AND y = ${pos}`)}) AS tp,
  SUM(${one(`yhat = ${pos} AND NOT (y = ${pos})`)}) AS fp,
  SUM(${one(`NOT (yhat = ${pos}) AND y = ${pos}`)}) AS fn,
  AVG(-LN(${clip("ptrue")})) AS ll
FROM (${ranked}) AS ${q("__ev_r")}`;
      metricsSql = `SELECT ${[
        ...head,
        `CAST(n AS ${bigint}) AS ${q("rows")}`,
        `CASE WHEN npos = 0e0 OR npos = n THEN NULL ELSE (rsum - npos * (npos + 1e0) / 2e0) / (npos * (n - npos)) END AS ${q("auc")}`,
        `CASE WHEN n = 0 THEN NULL ELSE ncorrect / n END AS ${q("accuracy")}`,
        `CASE WHEN n = 0 THEN NULL WHEN tp + fp = 0e0 THEN 0e0 ELSE tp / (tp + fp) END AS ${q("precision")}`,
        `CASE WHEN n = 0 THEN NULL WHEN tp + fn = 0e0 THEN 0e0 ELSE tp / (tp + fn) END AS ${q("recall")}`,
        `CASE WHEN n = 0 THEN NULL WHEN tp + fp + fn = 0e0 THEN 0e0 ELSE 2e0 * tp / (2e0 * tp + fp + fn) END AS ${q("f1")}`,
        `ll AS ${q("log_loss")}`,
      ].join(",\n  ")}\nFROM (${agg}) AS ${q("__ev_a")}`;
    } else {
      metricNames = ["accuracy", "macro_f1", "log_loss"];
      // Per label seen as a label or a prediction: 2·tp / (support + predicted), then their mean.
      const t = `SELECT ${lab} AS c, COUNT(*) AS support, SUM(${one(`${pred} = ${lab}`)}) AS tp FROM ${base} AS ${q("__ev_t")} GROUP BY ${lab}`;
      const pr = `SELECT ${pred} AS c, COUNT(*) AS predicted FROM ${base} AS ${q("__ev_p")} GROUP BY ${pred}`;
      const f1 = `SELECT AVG(2e0 * COALESCE(${q("__ev_t")}.tp, 0e0) / (COALESCE(${q("__ev_t")}.support, 0) + COALESCE(${q("__ev_p")}.predicted, 0))) AS macro_f1
FROM (${t}) AS ${q("__ev_t")} FULL OUTER JOIN (${pr}) AS ${q("__ev_p")} ON ${q("__ev_t")}.c = ${q("__ev_p")}.c`;
      const agg = `SELECT COUNT(*) AS n, SUM(${one(`${pred} = ${lab}`)}) AS ncorrect, ${logLoss} AS ll FROM ${base} AS ${q("__ev_b")}`;
      metricsSql = `SELECT ${[
        ...head,
        `CAST(n AS ${bigint}) AS ${q("rows")}`,
        `CASE WHEN n = 0 THEN NULL ELSE ncorrect / n END AS ${q("accuracy")}`,
        `CASE WHEN n = 0 THEN NULL ELSE macro_f1 END AS ${q("macro_f1")}`,
        `ll AS ${q("log_loss")}`,
      ].join(",\n  ")}\nFROM (${agg}) AS ${q("__ev_a")}, (${f1}) AS ${q("__ev_f")}`;
    }
  }
  const metricsSchema: DatasetSchema = [
    ...headSchema,
    ...metricNames.map((name) => ({ name, type: "double" as const })),
  ];
  // The earlier runs' rows stay, then this run's. Rows of another shape (the model's task changed)
  // cannot go in the same table: the run starts the table again and says so (the older rows are
  // still in the dataset's earlier versions).
  const warnings: string[] = [];
  const prev = args.previousMetrics;
  if (prev) {
    validateInputs([prev]);
    const same =
      prev.schema.length === metricsSchema.length &&
      prev.schema.every((c, i) => c.name === metricsSchema[i]!.name && c.type === metricsSchema[i]!.type);
    if (same) {
      const cols = metricsSchema.map((c) => q(c.name)).join(", ");
      metricsSql = `SELECT ${cols} FROM ${d.sql.parquetSource(prev.location.path)} AS ${q("__ev_prev")}\nUNION ALL\nSELECT ${cols} FROM (${metricsSql}) AS ${q("__ev_new")}`;
    } else
      warnings.push(
        `The metrics dataset ${prev.name} has other columns than this model's metrics (${metricsSchema.map((c) => c.name).join(", ")}): this run starts it again; its earlier rows stay in its earlier versions.`,
      );
  }
  const inputNames = new Set(schema.map((c) => c.name));
  const scoredLineage = scored.lineage[0]!;
  const labelFrom = [{ input: 0, column: p.labelColumn }];
  const modelFrom = scoredLineage.find((l) => l.output === predName)?.from ?? [];
  return {
    sql: rowsSql,
    sqlPerOutput: [rowsSql, metricsSql],
    outputSchemas: [rowsSchema, metricsSchema],
    steps: [
      { id: "score", engines: { spark: FULL, duckdb: FULL } },
      { id: "metrics", engines: { spark: FULL, duckdb: FULL } },
    ],
    blocking: null,
    warnings,
    lineage: [
      [...scoredLineage, { output: extraName, from: [...modelFrom, ...labelFrom] }],
      metricsSchema.map((c) => ({
        output: c.name,
        from: ["evaluated_at", "saved_model", "model_version"].includes(c.name)
          ? []
          : [...modelFrom, ...labelFrom].filter((f) => inputNames.has(f.column)),
      })),
    ],
  };
}

/** '2026-12-07T07:30:00.123Z' -> '2026-12-07 07:30:00.123' (a TIMESTAMP both engines read). */
function isoToSql(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}(\.\d{1,6})?)Z?$/.exec(iso);
  if (!m) throw new CompileError("invalid_spec", `Not an ISO timestamp: ${iso}`, ["context", "evaluatedAt"]);
  return `${m[1]} ${m[2]}`;
}
