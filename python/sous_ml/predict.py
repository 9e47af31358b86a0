"""Scores a Parquet with a trained pipeline (the trainer's model.pkl) in scikit-learn:
`python -m sous_ml.predict <request.json>` (or the request on stdin). The reference the SQL
scorer is checked against, and the Python side of bench/ml-scoring.ts.

Request: {"pickle", "parquet", "features" (the training request's), "task", "output" (a Parquet
file to write), "keep" (input columns copied to the output, optional)}. The output has, per input
row in order, the kept columns, `prediction` and, for classifiers, `p0`, `p1`, ... in the model's
class order. stdout: one JSON document with the row count and the time of each phase.
"""

import json
import sys
import time

import joblib
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .train import CLASSIFICATION, feature_matrix


def predict(request):
    t0 = time.monotonic()
    pipeline = joblib.load(request["pickle"])
    names = [f["name"] for f in request["features"]]
    keep = request.get("keep", [])
    table = ds.dataset(request["parquet"], format="parquet").to_table(columns=[*keep, *names])
    x = feature_matrix(table, request["features"])
    t1 = time.monotonic()
    columns = {k: table.column(k) for k in keep}
    if request["task"] in CLASSIFICATION:
        proba = pipeline.predict_proba(x)
        t2 = time.monotonic()
        # predict itself (a linear model's decision values), timed apart: a forest's predict runs
        # predict_proba again, which is not part of writing the result.
        labels = pipeline.predict(x).tolist()
        t3 = time.monotonic()
        columns["prediction"] = pa.array(labels)
        for k in range(proba.shape[1]):
            columns[f"p{k}"] = pa.array(proba[:, k])
    else:
        prediction = pipeline.predict(x)
        t2 = t3 = time.monotonic()
        columns["prediction"] = pa.array(prediction)
    pq.write_table(pa.table(columns), request["output"])
    t4 = time.monotonic()
    return {
        "ok": True,
        "rows": table.num_rows,
        "readMs": (t1 - t0) * 1000,
        "predictMs": (t2 - t1) * 1000,
        "labelMs": (t3 - t2) * 1000,
        "writeMs": (t4 - t3) * 1000,
    }


def main(argv):
    raw = open(argv[1]).read() if len(argv) > 1 and argv[1] != "-" else sys.stdin.read()
    print(json.dumps(predict(json.loads(raw))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
