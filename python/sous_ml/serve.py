"""Scores rows with trained scikit-learn pipelines for the API node: `python -m sous_ml.serve`.

One JSON request per stdin line, one JSON answer per stdout line, in order:
  {"id": 1, "model": "<path to model.pkl>", "task": "binary", "classes": [...],
   "features": [{"name": "x", "type": "numeric"}, ...], "rows": [{"x": 1.5}, ...]}
  -> {"id": 1, "predictions": [...], "probabilities": [[...], ...]}   (classifiers)
  -> {"id": 1, "predictions": [...]}                                  (regression)
  -> {"id": 1, "error": {"code": "invalid_input", "message": "..."}}
Cells are read as the trainer reads them (feature_matrix's spelling: numbers as float with NaN
for null, categories as category_text) so a pipeline sees what it was fitted on. Pipelines stay
loaded (the few most recent), since an endpoint scores with one model for a long time.
"""

import json
import math
import sys
from collections import OrderedDict

import joblib
import numpy as np

from . import features as features_mod
from .train import aligned_proba, category_text, json_value

KEEP_MODELS = 8


class InvalidInput(Exception):
    pass


def numeric(name, v):
    if v is None:
        return np.nan
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise InvalidInput(f"feature {name} is numeric: expected a number or null, got {type(v).__name__} {json.dumps(str(v))[:40]}")
    return float(v)


def category(name, v):
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return np.nan
    if isinstance(v, (dict, list)):
        raise InvalidInput(f"feature {name} is categorical: expected text, got {'object' if isinstance(v, dict) else 'array'}")
    return category_text(v)


def matrix(features, rows):
    x = np.empty((len(rows), len(features)), dtype=object)
    for r, row in enumerate(rows):
        if not isinstance(row, dict):
            raise InvalidInput(f"item {r}: features must be an object")
        try:
            for j, f in enumerate(features):
                v = row.get(f["name"])
                if f["type"] in ("date", "text"):
                    try:
                        x[r, j] = features_mod.serve_cell(f, v)
                    except ValueError as e:
                        raise InvalidInput(f"feature {f['name']} is {f['type']}: {e}") from None
                else:
                    x[r, j] = numeric(f["name"], v) if f["type"] == "numeric" else category(f["name"], v)
        except InvalidInput as e:
            raise InvalidInput(f"item {r}: {e}") from None
    if all(f["type"] == "numeric" for f in features):
        return x.astype(np.float64)
    return x


def main():
    models = OrderedDict()
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        answer = {"id": request.get("id")}
        try:
            path = request["model"]
            model = models.pop(path, None) or joblib.load(path)
            models[path] = model
            while len(models) > KEEP_MODELS:
                models.popitem(last=False)
            x = matrix(request["features"], request["rows"])
            if request["task"] == "regression":
                answer["predictions"] = [json_value(float(v)) for v in model.predict(x)]
            else:
                classes = np.array(request["classes"], dtype=object)
                proba = aligned_proba(model, x, classes)
                # The class of the highest probability (the first on a tie), as predict picks it.
                answer["predictions"] = [request["classes"][int(i)] for i in np.argmax(proba, axis=1)]
                answer["probabilities"] = proba.tolist()
        except InvalidInput as e:
            answer["error"] = {"code": "invalid_input", "message": str(e)}
        except Exception as e:  # noqa: BLE001 - every failure becomes an answer; the pool stays up
            answer["error"] = {"code": "engine_error", "message": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
