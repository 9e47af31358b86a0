"""Clusters a dataset's Parquet with scikit-learn: `python -m sous_ml.clustering <request.json>`
(or the request on stdin). The request and the result mirror @sous/ml's zod schemas
(packages/ml/src/clustering.ts), which validate both sides.

The feature handling is the prediction trainer's (train.feature_matrix and train.preprocessor:
impute, rescale, one-hot), so a clustering sees its columns exactly as a prediction model would.
Per algorithm it writes `<outputDir>/<index>-<algorithm>/model.pkl` (the fitted pipeline) and,
for k-means, `portable.json`: the fitted feature handling plus the centroids, which the compiler
turns into SQL (nearest centroid). A Gaussian mixture has no portable form: it scores through
its pickle.

stdout gets exactly one JSON document, `{"ok": true, ...}` or `{"ok": false, "error": ...}`
(exit 2); progress goes to stderr.
"""

import math
import os
import sys
import time

import joblib
import numpy as np
import pyarrow.dataset as ds
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.pipeline import Pipeline

from .json_file import write_json
from .portable import _num, preprocessing
from .train import TrainError, answer_request, feature_matrix, json_value, log, preprocessor

# Silhouette is quadratic in rows: above this many it is measured on a seeded sample of them.
SILHOUETTE_ROWS = 5000


def read_table(request):
    columns = [f["name"] for f in request["features"]]
    dataset = ds.dataset(request["parquet"], format="parquet")
    missing = [c for c in columns if c not in dataset.schema.names]
    if missing:
        raise TrainError("ML_COLUMN_NOT_FOUND", f"column(s) not in the dataset: {', '.join(missing)}")
    return dataset.to_table(columns=columns)


def estimator(algorithm, k, seed):
    kind = algorithm["algorithm"]
    if kind == "kmeans":
        return KMeans(n_clusters=k, random_state=seed, max_iter=algorithm["maxIter"], n_init="auto")
    if kind == "gaussianMixture":
        return GaussianMixture(n_components=k, random_state=seed, max_iter=algorithm["maxIter"])
    raise TrainError("ML_ALGORITHM_ENGINE", f"{kind} trains on Databricks (Spark MLlib) only")


def silhouette(xt, labels, seed):
    """Euclidean silhouette on the transformed features; None with a single cluster."""
    if len(set(labels.tolist())) < 2:
        return None
    n = len(labels)
    size = None if n <= SILHOUETTE_ROWS else SILHOUETTE_ROWS
    return float(silhouette_score(xt, labels, sample_size=size, random_state=seed))


def profiles(table, features, labels, k):
    """Per cluster and overall: each numeric feature's mean and each categorical one's most
    frequent level (with its share), over the raw non-NULL values."""
    numeric, categorical = [], []
    for f in features:
        col = feature_matrix(table, [f])[:, 0]
        if f["type"] == "numeric":
            values = col.astype(np.float64)

            def mean(v):
                v = v[~np.isnan(v)]
                return float(v.mean()) if len(v) else None

            numeric.append(
                {"feature": f["name"], "overall": mean(values), "clusters": [mean(values[labels == c]) for c in range(k)]}
            )
        else:

            def top(v):
                v = np.array([x for x in v if isinstance(x, str)], dtype=object)
                if len(v) == 0:
                    return None
                levels, counts = np.unique(v.astype(str), return_counts=True)
                i = int(np.argmax(counts))  # the first (alphabetically) of the most frequent
                return {"level": str(levels[i]), "share": float(counts[i] / len(v))}

            categorical.append(
                {"feature": f["name"], "overall": top(col), "clusters": [top(col[labels == c]) for c in range(k)]}
            )
    return {"numeric": numeric, "categorical": categorical}


def portable_clusters(pipeline, features):
    centers = pipeline.named_steps["model"].cluster_centers_
    return {
        "format": "sous-portable-clusters",
        "version": 1,
        "features": preprocessing(pipeline.named_steps["prep"], features),
        "centroids": [[_num(x) for x in row] for row in centers],
    }


def fit(features, algorithm, k, seed, x):
    pipeline = Pipeline([("prep", preprocessor(features)), ("model", estimator(algorithm, k, seed))])
    pipeline.fit(x)
    return pipeline


def cluster(request):
    started = time.monotonic()
    features = request["features"]
    seed = request["seed"]
    table = read_table(request)
    x = feature_matrix(table, features)
    n = table.num_rows
    if n == 0:
        raise TrainError("ML_NO_ROWS", "the dataset has no rows to cluster")
    largest = max(max([a["k"], *(a.get("kGrid") or [])]) for a in request["algorithms"])
    if largest > n:
        raise TrainError("ML_TOO_FEW_ROWS", f"{largest} clusters need at least {largest} rows; the dataset has {n}: choose a smaller k")
    empty = [f["name"] for f in features if table.column(f["name"]).null_count == n]
    if empty:
        raise TrainError("ML_FEATURE_EMPTY", f"feature(s) NULL on every row, nothing to cluster on: {', '.join(empty)}: exclude them")
    log(f"read {n} rows, {len(features)} features")
    out_dir = request["outputDir"]
    os.makedirs(out_dir, exist_ok=True)
    sample_n = min(request.get("sampleRows", 0), n)
    models = []
    for index, algorithm in enumerate(request["algorithms"]):
        kind = algorithm["algorithm"]
        ks = list(dict.fromkeys(algorithm.get("kGrid") or [algorithm["k"]]))
        t0 = time.monotonic()
        tried, fitted = [], []
        for k in ks:
            pipeline = fit(features, algorithm, k, seed, x)
            labels = pipeline.predict(x)
            s = silhouette(pipeline.named_steps["prep"].transform(x), labels, seed)
            tried.append({"k": k, "silhouette": s})
            fitted.append((pipeline, labels))
            log(f"{kind} k={k}: silhouette {s}")
        # The best silhouette (undefined counts as worst); ties keep the first k listed.
        best_i = max(range(len(ks)), key=lambda i: -math.inf if tried[i]["silhouette"] is None else tried[i]["silhouette"])
        pipeline, labels = fitted[best_i]
        k = ks[best_i]
        train_ms = (time.monotonic() - t0) * 1000
        folder = f"{index}-{kind}"
        os.makedirs(os.path.join(out_dir, folder), exist_ok=True)
        joblib.dump(pipeline, os.path.join(out_dir, folder, "model.pkl"))
        portable_path = None
        if kind == "kmeans":
            portable_path = f"{folder}/portable.json"
            write_json(os.path.join(out_dir, portable_path), portable_clusters(pipeline, features))
        chosen = {**algorithm, "k": k}
        sizes = np.bincount(labels, minlength=k).tolist()
        metrics = {} if tried[best_i]["silhouette"] is None else {"silhouette": tried[best_i]["silhouette"]}
        model = {
            "algorithm": chosen,
            "k": k,
            "metrics": metrics,
            "sizes": [int(s) for s in sizes],
            "profiles": profiles(table, features, labels, k),
            "trainMs": train_ms,
            "pickle": f"{folder}/model.pkl",
            "portable": portable_path,
            "sample": {"cluster": [int(c) for c in labels[:sample_n]]},
        }
        if len(ks) > 1:
            model["kSearch"] = {"tried": tried, "best": best_i}
        log(f"{kind}: k={k} trained in {train_ms:.0f} ms, sizes {sizes}")
        models.append(model)
    best = max(range(len(models)), key=lambda i: models[i]["metrics"].get("silhouette", -math.inf))
    names = [f["name"] for f in features]
    return {
        "ok": True,
        "task": "clustering",
        "rows": {"read": n},
        "models": models,
        "best": {"index": best, "metric": "silhouette"},
        "sample": [{nm: json_value(v) for nm, v in zip(names, row)} for row in x[:sample_n].tolist()],
        "totalMs": (time.monotonic() - started) * 1000,
    }


def main(argv):
    return answer_request(argv, cluster)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
