import { AppError } from "@sous/contracts";
import { type ClusterTrainRequest, ClusterTrainRequestSchema, clusterProblems } from "./clustering.ts";
import { mllibTrainScript } from "./mllib-script.ts";

// The Databricks half of clustering: a ClusterTrainRequest as one PySpark MLlib script. Its
// feature handling is the prediction script's own (fit_preprocessing and prep_stages of
// mllibTrainScript, taken from the script that function generates), so both tasks see columns
// alike on MLlib, and as the local trainer does. It writes, under the output path, result.json
// (ClusterResultSchema) and per model <index>-<algorithm>/model (the saved PipelineModel) and
// portable.json (the feature handling and the centroids, plus a bisecting k-means's tree), as
// one-row text folders.

export type MllibClusterRequest = Omit<ClusterTrainRequest, "parquet" | "outputDir">;

/** Where the prediction script's definitions end (its run starts): everything before is reused. */
const HELPERS_END = "\ntry:\n    RESULT = train()";

export function mllibClusterScript(
  request: MllibClusterRequest,
  paths: { input: string; output: string },
): string {
  const parsed = ClusterTrainRequestSchema.safeParse({
    ...request,
    parquet: paths.input,
    outputDir: paths.output,
  });
  if (!parsed.success)
    throw new AppError(
      "invalid_input",
      `invalid clustering request: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  const problems = clusterProblems(parsed.data, "databricks", null);
  if (problems.length > 0) throw new AppError("invalid_input", problems.map((p) => p.message).join(" "));
  // The prediction script for the same features (a placeholder target and model: only its
  // header, constants and feature helpers are kept).
  const names = new Set(parsed.data.features.map((f) => f.name));
  let target = "__sous_no_target";
  while (names.has(target)) target += "_";
  const prediction = mllibTrainScript(
    {
      task: "regression",
      target,
      features: parsed.data.features,
      validation: { kind: "random_split", testRatio: 0.5, seed: parsed.data.seed },
      algorithms: [{ algorithm: "linear", alpha: 1 }],
      metric: "rmse",
      search: { kind: "grid" },
      classWeights: "none",
      sampleRows: 0,
    },
    paths,
  );
  const end = prediction.indexOf(HELPERS_END);
  if (
    end < 0 ||
    !["prep_stages", "fit_preprocessing", "cached", "finite", "json_cell"].every((f) =>
      prediction.slice(0, end).includes(`\ndef ${f}(`),
    )
  )
    throw new Error("mllibTrainScript no longer has the feature helpers mllibClusterScript reuses");
  const { parquet: _p, outputDir: _o, ...cluster } = parsed.data;
  const literal = JSON.stringify(JSON.stringify(cluster)).replace(/[\u2028\u2029]/g, (c) =>
    c === "\u2028" ? "\\u2028" : "\\u2029",
  );
  return `${prediction.slice(0, end)}\n\nCLUSTER = json.loads(${literal})\n${CLUSTER_BODY}`;
}

// biome-ignore lint/complexity/noUselessStringRaw: Python source; a backslash added to it must reach Python as written
const CLUSTER_BODY = String.raw`from pyspark.ml import PipelineModel
from pyspark.ml.clustering import BisectingKMeans, KMeans
from pyspark.ml.evaluation import ClusteringEvaluator

CLUSTER_COL = P + "cluster"


def read_cluster_input():
    df = spark.read.parquet(SPEC["input"])
    types = dict(df.dtypes)
    names = [f["name"] for f in FEATURES]
    missing = [c for c in names if c not in types]
    if missing:
        raise TrainError("ML_COLUMN_NOT_FOUND", f"column(s) not in the dataset: {', '.join(missing)}")
    reserved = [c for c in names if c.startswith(P)]
    if reserved:
        raise TrainError("ML_RESERVED_NAME", f"column names starting with {P} are reserved: {', '.join(reserved)}")
    for f in FEATURES:
        if f["type"] == "numeric" and not is_numeric(types[f["name"]]):
            raise TrainError("ML_FEATURE_TYPE", f"feature {f['name']} is handled as numeric but its column is {types[f['name']]}: handle it as categorical")
    # The input's order (one id per row), for the sample rows.
    return df.withColumn(ID, F.monotonically_increasing_id()), types


def estimator_for(a, k):
    common = dict(k=k, maxIter=a["maxIter"], seed=CLUSTER["seed"], featuresCol=VECTOR, predictionCol=CLUSTER_COL)
    if a["algorithm"] == "kmeans":
        return KMeans(**common)
    if a["algorithm"] == "bisectingKmeans":
        return BisectingKMeans(**common)
    raise TrainError("ML_ALGORITHM_ENGINE", f"{a['algorithm']} trains locally (scikit-learn) only")


def bisecting_tree(stage_path, centers):
    """The tree MLlib's predict walks (from the root to the nearest child, the first on a tie, until
    a leaf): read back from the saved model, the one public form of it (rootId in its metadata, one
    row per node: negative indices inner nodes, 0..k-1 the leaves). Preorder, the root first."""
    meta = json.loads(spark.read.text(f"{stage_path}/data/metadata").first()[0])
    if meta.get("distanceMeasure", "euclidean") != "euclidean":
        raise TrainError("ML_CLUSTER_TREE", f"bisecting k-means with the {meta['distanceMeasure']} distance has no SQL form")
    nodes = {int(r["index"]): r for r in spark.read.parquet(f"{stage_path}/data/data").collect()}
    tree = []

    def add(i):
        r = nodes[i]
        at = len(tree)
        if not r["children"]:
            # A leaf's center is the model's clusterCenters()[index], which SQL reads as the centroid.
            tree.append({"cluster": i})
            return at
        tree.append(None)
        children = [add(int(c)) for c in r["children"]]
        c = r["center"]
        values = c.toArray().tolist() if hasattr(c, "toArray") else c["values"]
        tree[at] = {"center": [finite(x) for x in values], "children": children}
        return at

    add(int(meta["rootId"]))
    leaves = sorted(n["cluster"] for n in tree if "cluster" in n)
    if leaves != list(range(len(centers))):
        raise TrainError("ML_CLUSTER_TREE", f"the bisecting tree's leaves {leaves} are not the model's {len(centers)} clusters")
    return tree


def profiles(scored, types, k):
    """Per cluster and overall: the mean of each numeric feature and the most frequent level (the
    smallest on a tie, as the local trainer) of each categorical one, over raw non-NULL values."""
    numeric, categorical = [], []
    for f in FEATURES:
        name = f["name"]
        if f["type"] == "numeric":
            x = F.expr(numeric_sql(name))
            per = {r[0]: r[1] for r in scored.groupBy(CLUSTER_COL).agg(F.avg(x)).collect()}
            overall = scored.agg(F.avg(x)).first()[0]
            numeric.append({"feature": name, "overall": overall, "clusters": [per.get(c) for c in range(k)]})
        else:
            v = F.expr(text_sql(name, types[name])).alias("v")
            counts = scored.select(CLUSTER_COL, v).where(F.col("v").isNotNull()).groupBy(CLUSTER_COL, "v").count().collect()

            def top(rows):
                total = sum(r["count"] for r in rows)
                if total == 0:
                    return None
                best = min(rows, key=lambda r: (-r["count"], r["v"]))
                return {"level": best["v"], "share": best["count"] / total}

            by = {}
            for r in counts:
                by.setdefault(r[CLUSTER_COL], []).append(r)
            whole = {}
            for r in counts:
                whole[r["v"]] = whole.get(r["v"], 0) + r["count"]
            overall = top([{"v": lv, "count": n} for lv, n in whole.items()])
            categorical.append({"feature": name, "overall": overall, "clusters": [top(by.get(c, [])) for c in range(k)]})
    return {"numeric": numeric, "categorical": categorical}


def cluster():
    df, types = read_cluster_input()
    df = cached(df)
    n = df.count()
    if n == 0:
        raise TrainError("ML_NO_ROWS", "the dataset has no rows to cluster")
    largest = max(max([a["k"], *(a.get("kGrid") or [])]) for a in CLUSTER["algorithms"])
    if largest > n:
        raise TrainError("ML_TOO_FEW_ROWS", f"{largest} clusters need at least {largest} rows; the dataset has {n}: choose a smaller k")
    log(f"read {n} rows, {len(FEATURES)} features")
    portable_features = fit_preprocessing(df, types)
    stages, _columns = prep_stages(portable_features, types)
    prep = Pipeline(stages=stages).fit(df)
    prepared = cached(prep.transform(df))
    sample_n = min(CLUSTER.get("sampleRows", 0), n)
    sample_ids = [r[0] for r in prepared.select(ID).orderBy(ID).limit(sample_n).collect()] if sample_n else []
    evaluator = ClusteringEvaluator(featuresCol=VECTOR, predictionCol=CLUSTER_COL)
    models = []
    for index, a in enumerate(CLUSTER["algorithms"]):
        ks = list(dict.fromkeys(a.get("kGrid") or [a["k"]]))
        t0 = time.monotonic()
        tried, fitted = [], []
        for k in ks:
            model = estimator_for(a, k).fit(prepared)
            scored = model.transform(prepared)
            distinct = scored.select(CLUSTER_COL).distinct().count()
            s = float(evaluator.evaluate(scored)) if distinct > 1 else None
            tried.append({"k": k, "silhouette": s})
            fitted.append(model)
            log(f"{a['algorithm']} k={k}: silhouette {s}")
        best_i = max(range(len(ks)), key=lambda i: -math.inf if tried[i]["silhouette"] is None else tried[i]["silhouette"])
        k, model = ks[best_i], fitted[best_i]
        train_ms = (time.monotonic() - t0) * 1000
        scored = cached(model.transform(prepared))
        per = {r[0]: r[1] for r in scored.groupBy(CLUSTER_COL).count().collect()}
        folder = f"{index}-{a['algorithm']}"
        # The saved model scores raw rows: the feature handling's stages, then the clustering.
        stages = [*prep.stages, model]
        PipelineModel(stages=stages).write().overwrite().save(f"{OUTPUT}/{folder}/model")
        portable_path = f"{folder}/portable.json"
        centers = [[finite(x) for x in c] for c in model.clusterCenters()]
        portable = {
            "format": "sous-portable-clusters",
            "version": 1,
            "features": portable_features,
            "centroids": centers,
        }
        if a["algorithm"] == "bisectingKmeans":
            # Where the pipeline's writer put the clustering stage (Spark's naming, as export_trees).
            stage_path = f"{OUTPUT}/{folder}/model/stages/{str(len(stages) - 1).zfill(len(str(len(stages))))}_{model.uid}"
            portable["tree"] = bisecting_tree(stage_path, centers)
        write_json(f"{OUTPUT}/{portable_path}", portable)
        clusters = {r[0]: int(r[1]) for r in scored.where(F.col(ID).isin(sample_ids)).select(ID, CLUSTER_COL).collect()} if sample_ids else {}
        entry = {
            "algorithm": {**a, "k": k},
            "k": k,
            "metrics": {} if tried[best_i]["silhouette"] is None else {"silhouette": tried[best_i]["silhouette"]},
            "sizes": [int(per.get(c, 0)) for c in range(k)],
            "profiles": profiles(scored, types, k),
            "trainMs": train_ms,
            "pickle": f"{folder}/model",
            "portable": portable_path,
            "sample": {"cluster": [clusters[i] for i in sample_ids]},
        }
        if len(ks) > 1:
            entry["kSearch"] = {"tried": tried, "best": best_i}
        log(f"{a['algorithm']}: k={k} trained in {train_ms:.0f} ms, sizes {entry['sizes']}")
        models.append(entry)
    best = max(range(len(models)), key=lambda i: models[i]["metrics"].get("silhouette", -math.inf))
    names = [f["name"] for f in FEATURES]
    rows = prepared.where(F.col(ID).isin(sample_ids)).orderBy(ID).select(*[F.col(ident(c)) for c in names]).collect() if sample_ids else []
    return {
        "ok": True,
        "task": "clustering",
        "rows": {"read": n},
        "models": models,
        "best": {"index": best, "metric": "silhouette"},
        "sample": [{c: json_cell(r[i]) for i, c in enumerate(names)} for r in rows],
        "totalMs": (time.monotonic() - STARTED) * 1000,
    }


try:
    RESULT = cluster()
except TrainError as e:
    log(f"refused: {e}")
    RESULT = {"ok": False, "error": {"code": e.code, "message": str(e)}}
finally:
    for df in CACHED:
        df.unpersist()
write_json(f"{OUTPUT}/result.json", RESULT)
log("wrote " + ("the result" if RESULT["ok"] else "the refusal") + f" to {OUTPUT}/result.json")
`;
