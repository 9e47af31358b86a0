"""The baseline of bench/ml.ts: the same pipeline as Sous's local trainer, written as an analyst
would in a plain script (pyarrow to NumPy, one ColumnTransformer, the same estimator, seed and
split), on the same Parquet. Prints one JSON line: the test AUC and the seconds spent.

    python bench/plain_sklearn.py <parquet> <target> <numeric,...> <categorical,...> <trees> <depth> <seed>
"""

import json
import sys
import time

t0 = time.monotonic()
import numpy as np  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder, StandardScaler  # noqa: E402

path, target, numeric, categorical, trees, depth, seed = sys.argv[1:8]
numeric = numeric.split(",") if numeric else []
categorical = categorical.split(",") if categorical else []
table = pq.read_table(path, columns=[target, *numeric, *categorical])
y = np.array(table.column(target).to_pylist())
x = np.empty((table.num_rows, len(numeric) + len(categorical)), dtype=object)
for i, name in enumerate(numeric):
    x[:, i] = table.column(name).to_numpy(zero_copy_only=False).astype(np.float64)
for j, name in enumerate(categorical):
    values = table.column(name).to_numpy(zero_copy_only=False).astype(object)
    values[[v is None for v in values]] = np.nan
    x[:, len(numeric) + j] = values
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=int(seed))
parts = [
    (name, Pipeline([("impute", SimpleImputer(strategy="mean")), ("rescale", StandardScaler())]), [i])
    for i, name in enumerate(numeric)
] + [
    (
        name,
        Pipeline(
            [
                ("impute", SimpleImputer(strategy="most_frequent", missing_values=np.nan)),
                ("onehot", OneHotEncoder(max_categories=21, handle_unknown="infrequent_if_exist", sparse_output=False)),
            ]
        ),
        [len(numeric) + j],
    )
    for j, name in enumerate(categorical)
]
model = Pipeline(
    [
        ("prep", ColumnTransformer(parts, remainder="drop", sparse_threshold=0)),
        ("model", RandomForestClassifier(n_estimators=int(trees), max_depth=int(depth), min_samples_leaf=2, random_state=int(seed), n_jobs=1)),
    ]
)
model.fit(x_train, y_train)
auc = roc_auc_score(y_test == model.classes_[1], model.predict_proba(x_test)[:, 1])
print(json.dumps({"auc": float(auc), "seconds": time.monotonic() - t0}))
