"""Scores a dataset with a trained pipeline (the trainer's model.pkl) in scikit-learn, for a Score
recipe whose model has no portable form (the SQL path scores the others):
`python -m sous_ml.score_dataset <request.json>` (or the request on stdin).

Request: {"pickle", "parquet" (a dataset version folder or file), "features" (the training
request's), "task", "output" (the Parquet file to write), "prediction": {"column", "type"} (the
output type: integer, bigint, double, boolean or string), "probabilities": [{"column", "label"}]
(per class, in the saved version's class order; empty for regression)}. The output has every input
column, in order, then the prediction, then the probabilities: the columns and types the SQL path
writes. A clustering (task "clustering": a Gaussian mixture) writes its cluster (predict) as the
prediction, type integer, with no probabilities.
stdout: one JSON document, {"ok": true, "rows"} or {"ok": false, "error"} (exit 1).
"""

import json
import sys

import joblib
import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .train import CLASSIFICATION, feature_matrix

ARROW_TYPES = {
    "integer": pa.int32(),
    "bigint": pa.int64(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
    "string": pa.string(),
}


def label_text(v):
    """A class as text, as the SQL path writes it (booleans lower-case)."""
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    return str(v)


def prediction_array(values, type_name):
    target = ARROW_TYPES[type_name]
    if type_name == "string":
        return pa.array([label_text(v) for v in values], type=target)
    if type_name == "double":
        return pa.array(np.asarray(values, dtype=np.float64), type=target)
    if type_name == "integer":
        return pa.array(np.asarray(values, dtype=np.int32), type=target)
    return pa.array(list(values), type=target)


def key(v):
    """Classes compared as the saved version lists them (JSON) and as the pipeline's classes_."""
    return label_text(v.item() if hasattr(v, "item") else v)


def score(request):
    pipeline = joblib.load(request["pickle"])
    table = ds.dataset(request["parquet"], format="parquet").to_table()
    columns = {name: table.column(name) for name in table.column_names}
    prediction = request["prediction"]
    wanted = request.get("probabilities", [])
    n = table.num_rows
    if n == 0:
        # scikit-learn refuses an empty matrix: the schema alone.
        columns[prediction["column"]] = pa.array([], type=ARROW_TYPES[prediction["type"]])
        for p in wanted:
            columns[p["column"]] = pa.array([], type=pa.float64())
    else:
        x = feature_matrix(table, request["features"])
        probas = {}
        if request["task"] in CLASSIFICATION:
            proba = pipeline.predict_proba(x)
            at = {key(c): j for j, c in enumerate(pipeline.classes_)}
            for p in wanted:
                j = at.get(key(p["label"]))
                # A class the pipeline never saw (not for a trained version): probability 0.
                probas[p["column"]] = pa.array(proba[:, j] if j is not None else np.zeros(n), type=pa.float64())
            # A model without decision values (trees, forests) predicts the first most probable
            # class, as its predict does: taken from the probabilities instead of computing them
            # twice (a forest's predict runs predict_proba again). Linear models keep predict
            # (their decision values, as the SQL path).
            final = pipeline.steps[-1][1] if hasattr(pipeline, "steps") else pipeline
            if hasattr(final, "decision_function"):
                values = pipeline.predict(x).tolist()
            else:
                values = pipeline.classes_.take(np.argmax(proba, axis=1)).tolist()
        else:
            values = pipeline.predict(x)
        columns[prediction["column"]] = prediction_array(values, prediction["type"])
        columns.update(probas)
    pq.write_table(pa.table(columns), request["output"])
    return {"ok": True, "rows": n}


def main(argv):
    raw = open(argv[1]).read() if len(argv) > 1 and argv[1] != "-" else sys.stdin.read()
    try:
        result = score(json.loads(raw))
    except Exception as e:  # noqa: BLE001 - the worker shows the message; the traceback goes to stderr
        import traceback

        traceback.print_exc()
        message = getattr(e, "message", None) or str(e)
        print(json.dumps({"ok": False, "error": f"{type(e).__name__}: {message}"}))
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
