"""Trains scikit-learn models on a dataset's Parquet: `python -m sous_ml.train <request.json>`
(or the request on stdin). The request and the result mirror @sous/ml's zod schemas
(packages/ml/src/contracts.ts), which validate both sides.

stdout gets exactly one JSON document, the result: `{"ok": true, ...}` or
`{"ok": false, "error": {"code", "message"}}` (exit 2: the request or the data is wrong, the
message says what to fix). Progress goes to stderr, one line per step. Per algorithm it writes
`<outputDir>/<index>-<algorithm>/model.pkl` (the fitted pipeline, joblib) and `portable.json`.
"""

import itertools
import json
import math
import os
import random
import sys
import time

import joblib
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
from sklearn import metrics as skm
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import KFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils.class_weight import compute_sample_weight

from . import charts, xgb
from . import features as features_mod
from .json_file import write_json
from .portable import portable

CLASSIFICATION = ("binary", "multiclass")


class TrainError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def log(message):
    print(f"[sous_ml] {message}", file=sys.stderr, flush=True)


def category_text(v):
    """A categorical cell as text, the way scorePortable spells it (integers without '.0')."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def json_value(v):
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return None if math.isnan(v) else v
    return str(v)


def time_column(request):
    v = request["validation"]
    return v["column"] if v["kind"] == "time_split" else None


def read_table(request):
    columns = list(dict.fromkeys([request["target"], *[f["name"] for f in request["features"]], *filter(None, [time_column(request)])]))
    dataset = ds.dataset(request["parquet"], format="parquet")
    missing = [c for c in columns if c not in dataset.schema.names]
    if missing:
        raise TrainError("ML_COLUMN_NOT_FOUND", f"column(s) not in the dataset: {', '.join(missing)}")
    return dataset.to_table(columns=columns)


NUMERIC_TYPES = ("int", "uint", "float", "double", "decimal")


def float_column(col):
    """A numeric column as float64 with NaN for NULL. Integers and floats convert in Arrow (exact:
    float(v) per cell gives the same values); decimals go through Python's correctly rounded float()."""
    if str(col.type).startswith("decimal"):
        return np.array([np.nan if v is None else float(v) for v in col.to_pylist()], dtype=np.float64)
    return pc.fill_null(pc.cast(col, pa.float64()), np.nan).to_numpy()


def text_column(col):
    """A categorical column as text (category_text's spelling) with NaN for NULL."""
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        values = col.to_numpy(zero_copy_only=False).astype(object)
        values[pc.is_null(col).to_numpy(zero_copy_only=False)] = np.nan
        return values
    return np.array([np.nan if v is None else category_text(v) for v in col.to_pylist()], dtype=object)


def has_value(column):
    """Whether a feature's column (float with NaN, or objects with None/NaN) holds any value."""
    if column.dtype.kind == "f":
        return not bool(np.isnan(column).all())
    return any(v is not None and not (isinstance(v, float) and math.isnan(v)) for v in column)


def feature_matrix(table, features):
    """One column per feature: numeric as float (NaN when missing), categorical as text or NaN.
    A float64 matrix when every feature is numeric (no per-cell Python objects), else an object one."""
    cols = []
    for f in features:
        col = table.column(f["name"])
        if f["type"] == "numeric":
            if not str(col.type).startswith(NUMERIC_TYPES):
                raise TrainError(
                    "ML_FEATURE_TYPE",
                    f"feature {f['name']} is handled as numeric but its column is {col.type}: handle it as categorical",
                )
            cols.append(float_column(col))
        elif f["type"] == "date":
            ms = features_mod.date_millis(col)
            if ms is None:
                raise TrainError("ML_FEATURE_TYPE", f"feature {f['name']} is handled as a date but its column is {col.type}")
            cols.append(ms)
        elif f["type"] == "text":
            cols.append(features_mod.text_values(col, f.get("maxChars") or features_mod.DEFAULT_TEXT_MAX_CHARS))
        else:
            cols.append(text_column(col))
    if all(f["type"] == "numeric" for f in features):
        return np.column_stack(cols) if cols else np.empty((table.num_rows, 0))
    x = np.empty((table.num_rows, len(features)), dtype=object)
    for i, c in enumerate(cols):
        x[:, i] = c
    return x


def preprocessor(features, task=None):
    parts = []
    for i, f in enumerate(features):
        if f["type"] == "date":
            parts.append((f["name"], features_mod.date_pipeline(f), [i]))
        elif f["type"] == "text":
            parts.append((f["name"], features_mod.text_pipeline(f), [i]))
        elif f["type"] == "numeric":
            impute = f["impute"]
            imputer = (
                SimpleImputer(strategy="constant", fill_value=float(impute["value"]))
                if impute["method"] == "constant"
                else SimpleImputer(strategy=impute["method"])
            )
            rescale = {"standard": StandardScaler(), "minmax": MinMaxScaler(), "none": "passthrough"}[f["rescale"]]
            parts.append((f["name"], Pipeline([("impute", imputer), ("rescale", rescale)]), [i]))
        else:
            impute = f["impute"]
            imputer = (
                SimpleImputer(strategy="constant", fill_value=str(impute["value"]), missing_values=np.nan)
                if impute["method"] == "constant"
                else SimpleImputer(strategy="most_frequent", missing_values=np.nan)
            )
            coded = features_mod.categorical_encoder(f, task)
            if coded is not None:
                parts.append((f["name"], Pipeline([("impute", imputer), coded]), [i]))
                continue
            # max_categories counts the "others" column: the top N levels plus one for the rest.
            # An unseen level at scoring time goes to "others" when it exists, else all zeros.
            encoder = OneHotEncoder(
                max_categories=f["maxLevels"] + 1, handle_unknown="infrequent_if_exist", sparse_output=False
            )
            parts.append((f["name"], Pipeline([("impute", imputer), ("onehot", encoder)]), [i]))
    return ColumnTransformer(parts, remainder="drop", sparse_threshold=0)


def estimator(algorithm, task, seed):
    kind = algorithm["algorithm"]
    classifier = task in CLASSIFICATION
    if kind == "logistic":
        if not classifier:
            raise TrainError("ML_ALGORITHM_TASK", "logistic regression is for binary or multiclass targets")
        return LogisticRegression(C=algorithm["C"], max_iter=algorithm["maxIter"])
    if kind == "linear":
        if classifier:
            raise TrainError("ML_ALGORITHM_TASK", "linear regression is for a numeric target: use logistic")
        return Ridge(alpha=algorithm["alpha"])
    depth = algorithm.get("maxDepth")
    if kind == "xgboost":
        if not xgb.available():
            raise TrainError("ML_ALGORITHM_UNAVAILABLE", "XGBoost is not installed in the project's Python environment")
        cls = xgb.XGBoostClassifier if classifier else xgb.XGBoostRegressor
        return cls(n_trees=algorithm["nTrees"], learning_rate=algorithm["learningRate"], max_depth=depth, seed=seed)
    leaf = algorithm["minSamplesLeaf"]
    if kind == "decisionTree":
        cls = DecisionTreeClassifier if classifier else DecisionTreeRegressor
        return cls(max_depth=depth, min_samples_leaf=leaf, random_state=seed)
    if kind == "gbt":
        cls = GradientBoostingClassifier if classifier else GradientBoostingRegressor
        return cls(
            n_estimators=algorithm["nTrees"],
            learning_rate=algorithm["learningRate"],
            max_depth=depth,
            min_samples_leaf=leaf,
            random_state=seed,
        )
    cls = RandomForestClassifier if classifier else RandomForestRegressor
    return cls(n_estimators=algorithm["nTrees"], max_depth=depth, min_samples_leaf=leaf, random_state=seed, n_jobs=1)


def score(task, model, x, y, seed):
    """The test metrics and the data of the Lab's charts (charts.py)."""
    if task == "regression":
        return score_output(task, None, model.predict(x), y, seed)
    return score_output(task, model.classes_, model.predict_proba(x), y, seed)


def score_output(task, classes, out, y, seed):
    """Metrics and charts from predictions (regression) or probabilities in the order of `classes`."""
    if task == "regression":
        p = out
        metrics = {
            "r2": float(skm.r2_score(y, p)),
            "rmse": float(math.sqrt(skm.mean_squared_error(y, p))),
            "mae": float(skm.mean_absolute_error(y, p)),
            **charts.regression_extras(y, p),
        }
        return metrics, charts.regression_charts(y, p, seed)
    proba = out
    p = classes[np.argmax(proba, axis=1)]
    names = classes.tolist()
    if task == "binary":
        positive = classes[1]
        truth = y == positive
        metrics = {
            # Undefined (NaN, dropped from the result) on rows of one class, e.g. a small fold.
            "auc": float(skm.roc_auc_score(truth, proba[:, 1])) if 0 < truth.sum() < len(truth) else math.nan,
            "accuracy": float(skm.accuracy_score(y, p)),
            "f1": float(skm.f1_score(truth, p == positive)),
            "logLoss": float(skm.log_loss(y, proba, labels=classes)),
            **charts.binary_extras(truth, proba[:, 1]),
        }
        return metrics, {**charts.binary_charts(truth, proba[:, 1]), "confusion": charts.confusion(y, p, names)}
    metrics = {
        "accuracy": float(skm.accuracy_score(y, p)),
        "macroF1": float(skm.f1_score(y, p, average="macro")),
        "logLoss": float(skm.log_loss(y, proba, labels=classes)),
    }
    return metrics, {"confusion": charts.confusion(y, p, names)}


def finite_metrics(m):
    return {k: v for k, v in m.items() if not (isinstance(v, float) and math.isnan(v))}


HIGHER_IS_BETTER = {"auc": True, "accuracy": True, "f1": True, "macroF1": True, "r2": True, "precision": True, "recall": True, "lift": True, "logLoss": False, "rmse": False, "mae": False, "mape": False}


def target_values(table, request):
    task, name = request["task"], request["target"]
    if task == "regression":
        if not str(table.column(name).type).startswith(NUMERIC_TYPES):
            raise TrainError("ML_TARGET_TYPE", f"a regression target must be numeric; {name} is {table.column(name).type}")
        y = float_column(table.column(name))
        keep = ~np.isnan(y)
    else:
        raw = table.column(name).to_pylist()
        y = np.array([None if v is None else (v if isinstance(v, (bool, int)) else category_text(v)) for v in raw], dtype=object)
        keep = np.array([v is not None for v in raw], dtype=bool)
    return y, keep


SETTINGS = ("C", "maxIter", "alpha", "nTrees", "learningRate", "maxDepth", "minSamplesLeaf")


def combinations(algorithm, search):
    """The settings the search tries for an algorithm: the grid's product (settings in SETTINGS
    order, values in the listed order), or `budget` of them drawn with random.Random(seed), in grid
    order. The MLlib script draws them with the same code, so both engines try the same ones."""
    grid = algorithm.get("grid") or {}
    keys = [k for k in SETTINGS if k in grid]
    base = {k: v for k, v in algorithm.items() if k != "grid"}
    every = list(itertools.product(*[grid[k] for k in keys]))
    total = len(every)
    if search["kind"] == "random" and search["budget"] < total:
        every = [every[i] for i in sorted(random.Random(search["seed"]).sample(range(total), search["budget"]))]
    return [{**base, **dict(zip(keys, c))} for c in every], keys, total


def weights_for(request, y):
    """Balanced class weights as per-row weights (scikit-learn's class_weight="balanced" arithmetic,
    which every estimator, gradient boosting included, takes as sample_weight)."""
    return compute_sample_weight("balanced", y) if request.get("classWeights") == "balanced" else None


def fit(request, algorithm, task, seed, x, y):
    pipeline = Pipeline([("prep", preprocessor(request["features"], task)), ("model", estimator(algorithm, task, seed))])
    w = weights_for(request, y)
    pipeline.fit(x, y, **({} if w is None else {"model__sample_weight": w}))
    return pipeline


def aligned_proba(model, x, classes):
    """predict_proba in the order of `classes` (a fold's model may not have seen every class)."""
    proba = model.predict_proba(x)
    out = np.zeros((len(x), len(classes)))
    at = {c: i for i, c in enumerate(classes.tolist())}
    for j, c in enumerate(model.classes_.tolist()):
        out[:, at[c]] = proba[:, j]
    return out


def time_text(v):
    if v is None:
        return ""
    return v.isoformat() if hasattr(v, "isoformat") else category_text(v)


def splits(request, table, keep, y, task):
    """(train, test) row indices, folds [(train, validation)] for the search, and the time split's bounds."""
    validation = request["validation"]
    n = len(y)
    kind = validation["kind"]
    if kind == "kfold":
        k = validation["k"]
        if n < 2 * k:
            raise TrainError("ML_TOO_FEW_ROWS", f"{n} rows with a target are too few for {k} folds: use fewer folds")
        folds = list(KFold(n_splits=k, shuffle=True, random_state=validation["seed"]).split(np.arange(n)))
        if task in CLASSIFICATION and any(len(set(y[tr].tolist())) < 2 for tr, _ in folds):
            raise TrainError("ML_TARGET_CONSTANT", f"a fold's training rows have a single class of {request['target']}: use fewer folds or add rows")
        return np.arange(n), None, folds, None
    ratio = validation["testRatio"]
    n_test = math.ceil(n * ratio)
    if n_test < 2 or n - n_test < 2:
        raise TrainError("ML_TOO_FEW_ROWS", f"{n} rows with a target are too few for a {ratio} test split")
    if kind == "time_split":
        column = validation["column"]
        values = table.column(column).filter(pa.array(keep))
        nulls = values.null_count
        if nulls:
            raise TrainError("ML_TIME_COLUMN_NULL", f"{nulls} rows with a target have no {column}: filter them out or use a random split")
        # Stable: rows with the same time keep their order in the dataset.
        order = pc.sort_indices(values).to_numpy()
        train_idx, test_idx = order[: n - n_test], order[n - n_test :]
        bounds = {"column": column, "trainUntil": time_text(values[int(train_idx[-1])].as_py()), "testFrom": time_text(values[int(test_idx[0])].as_py())}
        # The search's validation rows: the latest share of the training rows, again.
        n_val = math.ceil(len(train_idx) * ratio)
        inner = [(np.arange(len(train_idx) - n_val), np.arange(len(train_idx) - n_val, len(train_idx)))]
        return train_idx, test_idx, inner, bounds
    train_idx, test_idx = train_test_split(np.arange(n), test_size=ratio, random_state=validation["seed"])
    inner = [tuple(train_test_split(np.arange(len(train_idx)), test_size=ratio, random_state=validation["seed"]))]
    return train_idx, test_idx, inner, None


def cross_validate(request, algorithm, task, seed, x, y, folds, classes):
    """The metrics of each fold's model on its validation rows, and the out-of-fold outputs."""
    per_fold = []
    out = np.zeros((len(y), len(classes))) if classes is not None else np.zeros(len(y))
    for tr, va in folds:
        model = fit(request, algorithm, task, seed, x[tr], y[tr])
        o = aligned_proba(model, x[va], classes) if classes is not None else model.predict(x[va])
        out[va] = o
        per_fold.append(score_output(task, classes, o, y[va], seed)[0])
    return per_fold, out


def mean_std(per_fold, metric):
    values = [m[metric] for m in per_fold if not math.isnan(m.get(metric, math.nan))]
    if not values:
        return None, None
    return float(np.mean(values)), float(np.std(values))


def train(request):
    started = time.monotonic()
    task, target = request["task"], request["target"]
    if any(f["name"] == target for f in request["features"]):
        raise TrainError("ML_TARGET_IS_FEATURE", f"the target {target} cannot also be a feature")
    table = read_table(request)
    y, keep = target_values(table, request)
    x = feature_matrix(table, request["features"])[keep]
    y = y[keep]
    dropped = int((~keep).sum())
    if len(y) == 0:
        raise TrainError("ML_TARGET_EMPTY", f"the target {target} is empty (NULL on every row)")
    distinct = np.unique(y.astype(str) if task != "regression" else y)
    if len(distinct) < 2:
        raise TrainError(
            "ML_TARGET_CONSTANT",
            f"the target {target} has a single value ({distinct[0]}) on every row: there is nothing to learn",
        )
    if task == "binary" and len(distinct) != 2:
        raise TrainError("ML_TARGET_NOT_BINARY", f"a binary target has two classes; {target} has {len(distinct)}: use multiclass")
    if task in CLASSIFICATION:
        # A typed array (bool, int or text): scikit-learn refuses object labels. Mixed labels compare as text.
        labels = y.tolist()
        y = np.array([category_text(v) for v in labels] if len({type(v) for v in labels}) > 1 else labels)
    validation = request["validation"]
    seed = validation.get("seed", 0)
    kfold = validation["kind"] == "kfold"
    train_idx, test_idx, folds, bounds = splits(request, table, keep, y, task)
    x_train, y_train = x[train_idx], y[train_idx]
    if task in CLASSIFICATION:
        if len(set(y_train.tolist())) < 2:
            raise TrainError("ML_TARGET_CONSTANT", f"the training split has a single class of {target}: add rows or change the seed")
    # As the MLlib script says it: scikit-learn's imputer would drop such a column and fail later
    # with a shape error that names no feature.
    empty = [f["name"] for i, f in enumerate(request["features"]) if not has_value(x_train[:, i])]
    if empty:
        names = ", ".join(empty)
        raise TrainError(
            "ML_FEATURE_EMPTY",
            f"feature {names} has no value on the training rows: exclude it"
            if len(empty) == 1
            else f"features {names} have no value on the training rows: exclude them",
        )
    all_classes = np.unique(y) if task in CLASSIFICATION else None
    if kfold:
        log(f"read {table.num_rows} rows ({dropped} without a target); {validation['k']} folds of {len(y)} rows")
    else:
        x_test, y_test = x[test_idx], y[test_idx]
        log(f"read {table.num_rows} rows ({dropped} without a target); train {len(y_train)}, test {len(y_test)}")

    out_dir = request["outputDir"]
    os.makedirs(out_dir, exist_ok=True)
    metric = request["metric"]
    sign = 1 if HIGHER_IS_BETTER[metric] else -1
    search = request.get("search") or {"kind": "grid"}
    held_out = x if kfold else x_test
    sample_n = min(request.get("sampleRows", 0), len(held_out))
    sample = held_out[:sample_n]
    models = []
    for index, algorithm in enumerate(request["algorithms"]):
        kind = algorithm["algorithm"]
        combos, keys, total = combinations(algorithm, search)
        tried = []
        fold_results = []
        t0 = time.monotonic()
        if len(combos) > 1 or kfold:
            # With k-fold every combination is cross-validated; with a split, scored on the inner
            # validation rows of the training rows (the test rows never choose).
            xs, ys = (x, y) if kfold else (x_train, y_train)
            for combo in combos:
                per_fold, oof = cross_validate(request, combo, task, seed, xs, ys, folds, all_classes)
                mean, std = mean_std(per_fold, metric)
                tried.append({"params": {k: combo[k] for k in keys}, "score": mean, **({"std": std} if kfold and std is not None else {})})
                fold_results.append((per_fold, oof))
                log(f"{kind} {json.dumps({k: combo[k] for k in keys})}: {metric} {mean}")
            best_i = max(range(len(combos)), key=lambda i: -math.inf if tried[i]["score"] is None else sign * tried[i]["score"])
        else:
            best_i = 0
        chosen = combos[best_i]
        pipeline = fit(request, chosen, task, seed, x if kfold else x_train, y if kfold else y_train)
        train_ms = (time.monotonic() - t0) * 1000
        classes = pipeline.classes_ if task in CLASSIFICATION else None
        m_std = None
        if kfold:
            # Mean and deviation over the folds; the charts from every row's out-of-fold output.
            per_fold, oof = fold_results[best_i]
            m = {}
            m_std = {}
            for name in per_fold[0]:
                mean, std = mean_std(per_fold, name)
                if mean is not None:
                    m[name], m_std[name] = mean, std
            chart_data = score_output(task, all_classes, oof, y, seed)[1]
        else:
            m, chart_data = score(task, pipeline, x_test, y_test, seed)
            m = finite_metrics(m)
        chart_data["importances"] = charts.importances(pipeline, request["features"])
        folder = f"{index}-{kind}"
        os.makedirs(os.path.join(out_dir, folder), exist_ok=True)
        joblib.dump(pipeline, os.path.join(out_dir, folder, "model.pkl"))
        write_json(os.path.join(out_dir, folder, "charts.json"), chart_data)
        if kind != "xgboost":  # float32 sums: scores through Python only (sous_ml/xgb.py)
            write_json(os.path.join(out_dir, folder, "portable.json"), portable(pipeline, request["features"], kind, task, classes))
        predictions = {"prediction": [json_value(v.item() if hasattr(v, "item") else v) for v in pipeline.predict(sample)] if sample_n else []}
        if task in CLASSIFICATION and sample_n:
            predictions["probabilities"] = pipeline.predict_proba(sample).tolist()
        log(f"{kind}: trained in {train_ms:.0f} ms, {json.dumps(m)}")
        model = {
            "algorithm": chosen,
            "metrics": m,
            "trainMs": train_ms,
            "pickle": f"{folder}/model.pkl",
            "charts": f"{folder}/charts.json",
            "sample": predictions,
        }
        if kind != "xgboost":
            model["portable"] = f"{folder}/portable.json"
        if m_std is not None:
            model["metricsStd"] = m_std
        if keys and tried:
            model["search"] = {"metric": metric, "gridSize": total, "tried": tried, "best": best_i}
        models.append(model)
    if not any(metric in mm["metrics"] for mm in models):
        raise TrainError("ML_METRIC_UNDEFINED", f"{metric} is undefined on the test rows (a single class there?): add rows or choose another metric")
    best = max(range(len(models)), key=lambda i: sign * models[i]["metrics"].get(metric, -sign * math.inf))
    rows = {"read": table.num_rows, "withoutTarget": dropped, "train": len(y) if kfold else len(y_train), "test": len(y) if kfold else len(y_test)}
    if kfold:
        rows["folds"] = validation["k"]
    result = {
        "ok": True,
        "task": task,
        "target": target,
        "classes": None if classes is None else [json_value(c.item() if hasattr(c, "item") else c) for c in classes],
        "rows": rows,
        "models": models,
        "best": {"index": best, "metric": metric},
        "sample": [{f["name"]: features_mod.sample_cell(f, v, json_value) for f, v in zip(request["features"], row)} for row in sample.tolist()],
        "totalMs": (time.monotonic() - started) * 1000,
    }
    if bounds:
        result["timeSplit"] = bounds
    return result


def answer_request(argv, handle):
    """A trainer's command line: reads the JSON request (from the file argv[1], or stdin for "-"),
    prints handle(request)'s result as JSON on stdout and returns 0; a request it cannot read or a
    TrainError prints {"ok": false, "error": {code, message}} and returns 2."""
    try:
        raw = open(argv[1]).read() if len(argv) > 1 and argv[1] != "-" else sys.stdin.read()
        request = json.loads(raw)
    except (OSError, ValueError) as e:
        print(json.dumps({"ok": False, "error": {"code": "ML_BAD_REQUEST", "message": f"cannot read the request: {e}"}}))
        return 2
    try:
        result = handle(request)
    except TrainError as e:
        log(f"refused: {e}")
        print(json.dumps({"ok": False, "error": {"code": e.code, "message": str(e)}}))
        return 2
    print(json.dumps(result))
    return 0


def main(argv):
    return answer_request(argv, train)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
