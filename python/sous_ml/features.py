"""Feature handlings beyond numeric and one-hot (issue #15), for the local trainer: ordinal and
target encoding of categories, tf-idf of text, parts of dates. The semantics are
@sous/ml's (packages/ml/src/feature-handling/schemas.ts); the MLlib script and the SQL scorer
repeat them. Every class and function here is module-level so fitted pipelines pickle.
"""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

ORDINAL_UNSEEN = -1.0
DEFAULT_TARGET_SMOOTHING = 10.0
DEFAULT_TEXT_MAX_CHARS = 10_000
MS_PER_DAY = 86_400_000.0


def ranked_levels(values):
    """Distinct levels by decreasing count, ties by level text (the order of ordinal codes)."""
    levels, counts = np.unique(values.astype(str), return_counts=True)
    order = sorted(range(len(levels)), key=lambda i: (-int(counts[i]), str(levels[i])))
    return [str(levels[i]) for i in order], [int(counts[i]) for i in order]


class OrdinalCodes(BaseEstimator, TransformerMixin):
    """Level -> its rank by frequency on the training rows (0 the most frequent); levels past
    max_levels and unseen ones -> ORDINAL_UNSEEN. Input: one column of imputed text."""

    def __init__(self, max_levels=20):
        self.max_levels = max_levels

    def fit(self, x, y=None):
        levels, _ = ranked_levels(np.asarray(x)[:, 0])
        self.levels_ = levels[: self.max_levels]
        return self

    def transform(self, x):
        code = {level: float(i) for i, level in enumerate(self.levels_)}
        return np.array([[code.get(str(v), ORDINAL_UNSEEN)] for v in np.asarray(x)[:, 0]], dtype=np.float64)

    def get_feature_names_out(self, input_features=None):
        return np.array(["ordinal"], dtype=object)


class TargetMeans(BaseEstimator, TransformerMixin):
    """Level -> (sum of the target + smoothing x prior) / (rows + smoothing) over the training
    rows; unseen -> the prior (the target's mean). The target is the value (regression) or 1 for
    the positive class, the second of the sorted classes (binary). A multiclass target gives one
    column per class (sorted), each the encoding of that class's indicator (classes_)."""

    def __init__(self, task="binary", smoothing=DEFAULT_TARGET_SMOOTHING):
        self.task = task
        self.smoothing = smoothing

    def fit(self, x, y):
        if y is None:
            raise ValueError("target encoding needs the target")
        y = np.asarray(y)
        if self.task == "binary":
            classes = np.unique(y)
            targets = [(y == classes[-1]).astype(np.float64)]
            self.classes_ = None
        elif self.task == "multiclass":
            self.classes_ = list(np.unique(y))
            targets = [(y == c).astype(np.float64) for c in self.classes_]
        else:
            targets = [y.astype(np.float64)]
            self.classes_ = None
        values = np.asarray(x)[:, 0].astype(str)
        levels, inverse = np.unique(values, return_inverse=True)
        counts = np.bincount(inverse, minlength=len(levels)).astype(np.float64)
        m = float(self.smoothing)
        self.levels_ = [str(v) for v in levels]
        # Per output column: the prior and each level's smoothed mean.
        self.priors_, self.columns_ = [], []
        for t in targets:
            sums = np.bincount(inverse, weights=t, minlength=len(levels))
            prior = float(t.mean())
            self.priors_.append(prior)
            self.columns_.append([float((s + m * prior) / (n + m)) for s, n in zip(sums, counts)])
        self.prior_, self.values_ = self.priors_[0], self.columns_[0]
        return self

    def _fitted(self):
        # Pipelines pickled before multiclass encoding have only prior_ and values_ (one column).
        if hasattr(self, "columns_"):
            return self.priors_, self.columns_
        return [self.prior_], [self.values_]

    def transform(self, x):
        cells = np.asarray(x)[:, 0]
        priors, columns = self._fitted()
        out = np.empty((len(cells), len(columns)), dtype=np.float64)
        for k, (prior, column) in enumerate(zip(priors, columns)):
            value = dict(zip(self.levels_, column))
            out[:, k] = [value.get(str(v), prior) for v in cells]
        return out

    def get_feature_names_out(self, input_features=None):
        if getattr(self, "classes_", None) is None:
            return np.array(["target"], dtype=object)
        return np.array([f"target_{k}" for k in range(len(self.classes_))], dtype=object)


def date_millis(col):
    """A date or timestamp column as float64 milliseconds since the epoch (UTC), NaN for NULL.
    A naive timestamp is read as UTC, as the SQL scorer and the MLlib script read it."""
    t = col.type
    if pa.types.is_date(t):
        days = pc.cast(pc.cast(col, pa.date32()), pa.int32())
        ms = pc.multiply(pc.cast(days, pa.float64()), MS_PER_DAY)
    elif pa.types.is_timestamp(t):
        # The stored integer counts units since the epoch in UTC (tz-aware or naive alike).
        raw = pc.cast(col.cast(pa.timestamp(t.unit)), pa.int64())
        nulls = pc.is_null(raw).to_numpy(zero_copy_only=False)
        v = pc.fill_null(raw, 0).to_numpy(zero_copy_only=False).astype(np.int64)
        # Whole milliseconds, rounded down (as DuckDB's epoch_ms and Spark's unix_millis).
        v = v * 1000 if t.unit == "s" else v // {"ms": 1, "us": 1000, "ns": 1_000_000}[t.unit]
        out = v.astype(np.float64)
        out[nulls] = np.nan
        return out
    else:
        return None
    return pc.fill_null(ms, np.nan).to_numpy(zero_copy_only=False).astype(np.float64)


def date_parts(ms, parts):
    """The parts of float64 epoch milliseconds (NaN stays NaN), with the SQL scorer's operations."""
    ms = np.asarray(ms, dtype=np.float64).reshape(-1)
    missing = np.isnan(ms)
    days = np.floor(ms / MS_PER_DAY)
    safe = np.where(missing, 0.0, days).astype(np.int64)
    dates = safe.astype("datetime64[D]")
    out = []
    for p in parts:
        if p == "year":
            v = dates.astype("datetime64[Y]").astype(np.int64) + 1970
        elif p == "month":
            v = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
        elif p == "dayOfWeek":
            v = (safe + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
        elif p == "hour":
            v = np.floor((ms - days * MS_PER_DAY) / 3.6e6)
        else:
            v = days
        v = np.asarray(v, dtype=np.float64)
        v[missing] = np.nan
        out.append(v)
    return np.column_stack(out)


def _date_parts(x, parts):
    return date_parts(np.asarray(x, dtype=np.float64)[:, 0], parts)


def date_pipeline(feature):
    rescale = StandardScaler() if feature["rescale"] == "standard" else "passthrough"
    return Pipeline(
        [
            ("parts", FunctionTransformer(_date_parts, kw_args={"parts": list(feature["parts"])})),
            ("impute", SimpleImputer(strategy="mean", keep_empty_features=True)),
            ("rescale", rescale),
        ]
    )


def _text_cells(x):
    return ["" if not isinstance(v, str) else v for v in np.asarray(x, dtype=object)[:, 0]]


def text_pipeline(feature):
    return Pipeline(
        [
            ("cells", FunctionTransformer(_text_cells)),
            ("tfidf", TfidfVectorizer(max_features=feature["maxFeatures"], dtype=np.float64)),
        ]
    )


def text_values(col, max_chars):
    """Text cells cut to max_chars characters (NaN for NULL): a 1 MB cell costs what a short one does."""
    col = col.cast(pa.large_string()) if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)) else col
    longer = pc.sum(pc.greater(pc.utf8_length(col), max_chars)).as_py() or 0
    if longer:
        import sys

        print(f"[sous_ml] {longer} text cell(s) longer than {max_chars} characters: only their first {max_chars} are read", file=sys.stderr, flush=True)
    cut = pc.utf8_slice_codeunits(col, 0, max_chars)
    values = cut.to_numpy(zero_copy_only=False).astype(object)
    values[pc.is_null(cut).to_numpy(zero_copy_only=False)] = np.nan
    return values


def categorical_encoder(feature, task):
    encoding = feature.get("encoding") or "onehot"
    if encoding == "ordinal":
        return "ordinal", OrdinalCodes(max_levels=feature["maxLevels"])
    if encoding == "target":
        smoothing = feature.get("smoothing")
        return "target", TargetMeans(task=task, smoothing=DEFAULT_TARGET_SMOOTHING if smoothing is None else float(smoothing))
    return None


def _num(x):
    x = float(x)
    if not np.isfinite(x):
        raise ValueError(f"non-finite fitted value {x}")
    return x


def portable_entry(feature, pipe):
    """The portable form of an ordinal, target, date or text feature's fitted pipeline."""
    name = feature["name"]
    if feature["type"] == "date":
        imputer = pipe.named_steps["impute"]
        scaler = pipe.named_steps["rescale"]
        parts = []
        for k, p in enumerate(feature["parts"]):
            entry = {"part": p, "impute": _num(imputer.statistics_[k])}
            if scaler == "passthrough":
                entry["rescale"] = {"kind": "none"}
            else:
                entry["rescale"] = {"kind": "standard", "mean": _num(scaler.mean_[k]), "scale": _num(scaler.scale_[k])}
            parts.append(entry)
        return {"name": name, "type": "date", "parts": parts}
    if feature["type"] == "text":
        tfidf = pipe.named_steps["tfidf"]
        return {
            "name": name,
            "type": "text",
            "maxChars": int(feature.get("maxChars") or DEFAULT_TEXT_MAX_CHARS),
            "vocabulary": [str(t) for t in tfidf.get_feature_names_out()],
        }
    impute = str(pipe.named_steps["impute"].statistics_[0])
    if "ordinal" in pipe.named_steps:
        enc = pipe.named_steps["ordinal"]
        return {"name": name, "type": "ordinal", "impute": impute, "levels": list(enc.levels_), "unseen": ORDINAL_UNSEEN}
    enc = pipe.named_steps["target"]
    entries = [
        {
            "name": name,
            "type": "target",
            "impute": impute,
            "levels": list(enc.levels_),
            "values": [_num(v) for v in column],
            "unseen": _num(prior),
        }
        for prior, column in zip(*enc._fitted())
    ]
    if getattr(enc, "classes_", None) is None:
        return entries[0]
    # Multiclass: one target feature per class, in the transformer's column order.
    for entry, c in zip(entries, enc.classes_):
        entry["forClass"] = _label(c)
    return entries


def _label(v):
    """A class label as JSON (numpy scalars as Python's)."""
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    return v if isinstance(v, (bool, int, float)) else str(v)


_EPOCH = None


def iso_millis(v):
    """An ISO date or date-time (naive: UTC) as float64 epoch milliseconds; None for None."""
    import datetime as dt

    global _EPOCH
    if _EPOCH is None:
        _EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    if v is None:
        return None
    if isinstance(v, str):
        d = dt.datetime.fromisoformat(v.strip())
    elif isinstance(v, dt.datetime):
        d = v
    elif isinstance(v, dt.date):
        d = dt.datetime(v.year, v.month, v.day)
    else:
        raise ValueError(f"expected an ISO date or date-time, got {type(v).__name__}")
    if d.tzinfo is None:
        d = d.replace(tzinfo=dt.timezone.utc)
    return float((d - _EPOCH) // dt.timedelta(milliseconds=1))


def serve_cell(feature, v):
    """A request cell of a date or text feature as the trainer's feature_matrix holds it."""
    if feature["type"] == "date":
        ms = iso_millis(v)
        return np.nan if ms is None else ms
    if v is None:
        return np.nan
    if not isinstance(v, str):
        raise ValueError(f"expected text, got {type(v).__name__}")
    return v[: feature.get("maxChars") or DEFAULT_TEXT_MAX_CHARS]


def sample_cell(feature, v, plain):
    """A held-out cell as the result's sample shows it: a date as ISO text (UTC), else plain(v)."""
    if feature["type"] == "date":
        if isinstance(v, float) and not np.isnan(v):
            return str(np.datetime64(int(v), "ms").astype("datetime64[ms]")) + "Z"
        return None
    return plain(v)
