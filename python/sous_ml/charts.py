"""What the Lab's result charts need, computed once on the test split and stored next to the model
(`charts.json`), so the browser draws ROC, precision-recall, a confusion matrix with a live
threshold, calibration, importances and residuals without the rows. The shapes mirror @sous/ml's
ModelChartsSchema, which validates them.

Sizes are bounded whatever the test split's size: curves are thinned to at most CURVE_POINTS,
scores are kept as a 100-bin histogram per class (exact confusion matrices at every 0.01
threshold, with scikit-learn's rule: positive when the score is above the threshold), scatter plots keep at most SCATTER_POINTS rows.
"""

import math

import numpy as np
from sklearn import metrics as skm

CURVE_POINTS = 200
SCATTER_POINTS = 1000
BINS = 100


def _thin(xs, ys, n=CURVE_POINTS):
    idx = np.unique(np.linspace(0, len(xs) - 1, min(n, len(xs))).round().astype(int))
    return [[float(xs[i]), float(ys[i])] for i in idx]


def lift_at(y_true, score, fraction=0.1):
    """Positive rate in the top `fraction` of scores over the overall positive rate."""
    n = max(1, math.ceil(len(score) * fraction))
    top = np.argsort(-score, kind="stable")[:n]
    base = float(np.mean(y_true))
    return float(np.mean(y_true[top]) / base) if base > 0 else 0.0


def binary_extras(y_true, score):
    """Metrics the charts also show: precision, recall and lift at 10 % (threshold 0.5)."""
    # predict()'s rule: a tie at 0.5 is the first class.
    predicted = score > 0.5
    return {
        "precision": float(skm.precision_score(y_true, predicted, zero_division=0)),
        "recall": float(skm.recall_score(y_true, predicted, zero_division=0)),
        "lift": lift_at(y_true, score),
    }


def binary_charts(y_true, score):
    fpr, tpr, _ = skm.roc_curve(y_true, score)
    precision, recall, _ = skm.precision_recall_curve(y_true, score)
    # Bin i holds scores in (edges[i], edges[i+1]] (0 goes to bin 0), so "positive at threshold
    # edges[i]" (score > edges[i]) is exactly the sum of bins >= i. Comparing with the edges, not
    # flooring score * 100, keeps that exact where the product rounds.
    edges = np.arange(BINS + 1) / BINS
    bins = np.maximum(np.searchsorted(edges, score, side="left") - 1, 0)
    positives = np.bincount(bins[y_true], minlength=BINS)
    negatives = np.bincount(bins[~y_true], minlength=BINS)
    tenths = np.linspace(0, 1, 11)
    calibration = []
    for lo, hi in zip(tenths[:-1], tenths[1:]):
        inside = (score >= lo) & ((score < hi) if hi < 1 else (score <= hi))
        if inside.any():
            calibration.append(
                {"predicted": float(score[inside].mean()), "observed": float(y_true[inside].mean()), "count": int(inside.sum())}
            )
    return {
        "roc": _thin(fpr, tpr),
        "pr": _thin(recall[::-1], precision[::-1]),
        "scoreHistogram": {"positives": positives.tolist(), "negatives": negatives.tolist()},
        "calibration": calibration,
    }


def confusion(y_true, y_pred, classes):
    return skm.confusion_matrix(y_true, y_pred, labels=classes).tolist()


def regression_charts(y_true, y_pred, seed):
    n = len(y_true)
    keep = np.random.default_rng(seed).permutation(n)[:SCATTER_POINTS] if n > SCATTER_POINTS else np.arange(n)
    residuals = y_pred - y_true
    counts, edges = np.histogram(residuals, bins=30)
    return {
        "scatter": [[float(y_true[i]), float(y_pred[i])] for i in keep],
        "residuals": {"edges": edges.tolist(), "counts": counts.tolist()},
    }


def regression_extras(y_true, y_pred):
    nonzero = y_true != 0
    mape = float(np.mean(np.abs((y_pred[nonzero] - y_true[nonzero]) / y_true[nonzero]))) if nonzero.any() else None
    return {} if mape is None else {"mape": mape}


def importances(pipeline, features):
    """One importance per input feature (one-hot columns summed), normalised to sum to 1.

    Trees: scikit-learn's impurity importances. Linear models: |coefficient| per transformed
    column (the inputs are what the model saw, so a rescaled feature compares fairly only if
    rescaled: the UI says the numbers are relative).
    """
    model = pipeline.named_steps["model"]
    if hasattr(model, "feature_importances_"):
        per_column = np.asarray(model.feature_importances_, dtype=float)
    else:
        coef = np.atleast_2d(np.asarray(model.coef_, dtype=float))
        per_column = np.abs(coef).sum(axis=0)
    widths = []
    prep = pipeline.named_steps["prep"]
    for f in features:
        transformer = prep.named_transformers_[f["name"]]
        if f["type"] == "numeric":
            widths.append(1)
        elif "onehot" in transformer.named_steps:
            widths.append(len(transformer.named_steps["onehot"].get_feature_names_out()))
        else:
            widths.append(features_width(f, transformer))
    out, start = [], 0
    for f, w in zip(features, widths):
        out.append([f["name"], float(per_column[start : start + w].sum())])
        start += w
    total = sum(v for _, v in out)
    return sorted(
        [{"feature": n, "importance": (v / total if total > 0 else 0.0)} for n, v in out],
        key=lambda e: -e["importance"],
    )


def features_width(feature, pipe):
    """Transformed columns of an ordinal, target, date or text feature."""
    if feature["type"] == "date":
        return len(feature["parts"])
    if feature["type"] == "text":
        return len(pipe.named_steps["tfidf"].get_feature_names_out())
    if "target" in pipe.named_steps:
        # One column per class for a multiclass target.
        return len(pipe.named_steps["target"].get_feature_names_out())
    return 1
