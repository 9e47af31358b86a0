"""The portable model: a fitted pipeline as plain JSON that @sous/ml's scorePortable evaluates in
TypeScript (and, later, the compiler turns into SQL) without Python.

Layout of the input vector, in feature order: a numeric feature gives one column; a categorical
one gives one column per kept level, then an "others" column when some levels were grouped
(scikit-learn's infrequent category). Every number is the fitted float64 value, unrounded, so the
TypeScript arithmetic repeats scikit-learn's exactly (same operations in the same order).
"""

import math

import numpy as np

from . import features as features_mod


def _num(x):
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        raise ValueError(f"non-finite fitted value {x}")
    return x


def _label(v):
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    return v


def preprocessing(column_transformer, features):
    """The fitted imputers, scalers and one-hot levels, one entry per feature."""
    out = []
    for feature in features:
        pipe = column_transformer.named_transformers_[feature["name"]]
        if feature["type"] in ("date", "text") or (feature.get("encoding") or "onehot") != "onehot":
            entry = features_mod.portable_entry(feature, pipe)
            # A multiclass target encoding is one portable feature per class.
            out.extend(entry if isinstance(entry, list) else [entry])
            continue
        imputer = pipe.named_steps["impute"]
        if feature["type"] == "numeric":
            entry = {"name": feature["name"], "type": "numeric", "impute": _num(imputer.statistics_[0])}
            scaler = pipe.named_steps.get("rescale")
            if scaler is None or scaler == "passthrough":
                entry["rescale"] = {"kind": "none"}
            elif feature.get("rescale") == "standard":
                # StandardScaler.transform: (x - mean_) / scale_ (scale_ is 1 for a constant column).
                entry["rescale"] = {"kind": "standard", "mean": _num(scaler.mean_[0]), "scale": _num(scaler.scale_[0])}
            else:
                # MinMaxScaler.transform: x * scale_ + min_ (not (x - min) / range: a different rounding).
                entry["rescale"] = {"kind": "minmax", "scale": _num(scaler.scale_[0]), "offset": _num(scaler.min_[0])}
        else:
            encoder = pipe.named_steps["onehot"]
            infrequent = encoder.infrequent_categories_[0]
            grouped = set() if infrequent is None else {str(v) for v in infrequent}
            levels = [str(v) for v in encoder.categories_[0] if str(v) not in grouped]
            entry = {
                "name": feature["name"],
                "type": "categorical",
                "impute": str(imputer.statistics_[0]),
                "levels": levels,
                "others": bool(grouped),
            }
            # Guard the layout assumption against the encoder's own names.
            expected = len(levels) + (1 if grouped else 0)
            if len(encoder.get_feature_names_out()) != expected:
                raise AssertionError(f"one-hot layout of {feature['name']} is not levels + others")
        out.append(entry)
    return out


def _tree(tree, classifier):
    t = tree.tree_
    value = t.value[:, 0, :]
    if classifier:
        # DecisionTreeClassifier.predict_proba normalises each leaf's weighted class fractions.
        sums = value.sum(axis=1, keepdims=True)
        sums[sums == 0] = 1.0
        value = value / sums
    return {
        "feature": [int(f) for f in t.feature],
        "threshold": [float(x) for x in t.threshold],
        "left": [int(c) for c in t.children_left],
        "right": [int(c) for c in t.children_right],
        "value": [[float(x) for x in row] for row in value],
    }


def _boosted(estimator, task):
    """GradientBoosting*: raw[k] = init + learning_rate * each stage's tree k, added stage by stage
    (predict_stages), then expit (binary), softmax (multiclass) or nothing (regression)."""
    stages, k_out = estimator.estimators_.shape
    # The initial raw score does not depend on the row (the default init is the class prior or
    # the mean); _raw_predict_init is private, hence the pinned scikit-learn.
    zero = np.zeros((1, estimator.n_features_in_), dtype=np.float32)
    base = np.atleast_1d(estimator._raw_predict_init(zero)[0])
    trees, outputs = [], []
    for i in range(stages):
        for k in range(k_out):
            t = estimator.estimators_[i, k].tree_
            trees.append(
                {
                    "feature": [int(f) for f in t.feature],
                    "threshold": [float(x) for x in t.threshold],
                    "left": [int(c) for c in t.children_left],
                    "right": [int(c) for c in t.children_right],
                    "value": [[_num(v)] for v in t.value[:, 0, 0]],
                }
            )
            outputs.append(k)
    link = "identity" if task == "regression" else ("logistic" if task == "binary" else "softmax")
    return {
        "kind": "boosted",
        # As the forests: the input is cast to float32 before the trees compare it.
        "inputFloat32": True,
        "link": link,
        "base": [_num(b) for b in base],
        "trees": trees,
        "weights": [_num(estimator.learning_rate)] * len(trees),
        "outputs": outputs,
    }


def model(estimator, kind, task):
    if kind in ("logistic", "linear"):
        coef = np.atleast_2d(estimator.coef_)
        intercept = np.atleast_1d(estimator.intercept_)
        link = "identity" if task == "regression" else ("logistic" if task == "binary" else "softmax")
        return {
            "kind": "linear",
            "link": link,
            "coefficients": [[_num(x) for x in row] for row in coef],
            "intercepts": [_num(x) for x in intercept],
        }
    if kind == "gbt":
        return _boosted(estimator, task)
    classifier = task != "regression"
    trees = [estimator] if kind == "decisionTree" else list(estimator.estimators_)
    return {
        "kind": "trees",
        # scikit-learn casts the input to float32 before comparing with the float64 thresholds.
        "inputFloat32": True,
        "trees": [_tree(t, classifier) for t in trees],
    }


def portable(pipeline, features, kind, task, classes):
    return {
        "format": "sous-portable-model",
        "version": 1,
        "task": task,
        "classes": None if classes is None else [_label(c) for c in classes],
        "features": preprocessing(pipeline.named_steps["prep"], features),
        "model": model(pipeline.named_steps["model"], kind, task),
    }
