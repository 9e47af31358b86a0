"""XGBoost for the local trainer, as scikit-learn estimators the Lab's pipeline takes.

XGBClassifier wants its classes as 0..K-1; the Lab's labels are booleans, numbers or text, so the
classifier here encodes them (classes_ in sorted order, as scikit-learn's estimators keep them)
and decodes its predictions. Pickled pipelines name this module, so it ships with sous_ml.

XGBoost sums its trees in float32 and rounds probabilities to float32: no float64 portable form
repeats that to 1e-9, so these models score through Python only (train.py writes no portable.json).
"""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.preprocessing import LabelEncoder


def available():
    try:
        import xgboost  # noqa: F401
    except ImportError:
        return False
    return True


def _params(n_trees, learning_rate, max_depth, seed):
    # hist on one thread: the same model on every run for a seed (and the machine's other work
    # keeps its cores); no subsampling, so the seed only breaks ties.
    return {
        "n_estimators": n_trees,
        "learning_rate": learning_rate,
        "max_depth": max_depth,
        "tree_method": "hist",
        "n_jobs": 1,
        "random_state": seed,
    }


class XGBoostClassifier(ClassifierMixin, BaseEstimator):
    def __init__(self, n_trees=100, learning_rate=0.3, max_depth=6, seed=0):
        self.n_trees = n_trees
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.seed = seed

    def fit(self, x, y, sample_weight=None):
        from xgboost import XGBClassifier

        self.encoder_ = LabelEncoder().fit(y)
        self.classes_ = self.encoder_.classes_
        self.model_ = XGBClassifier(**_params(self.n_trees, self.learning_rate, self.max_depth, self.seed))
        self.model_.fit(np.asarray(x, dtype=np.float64), self.encoder_.transform(y), sample_weight=sample_weight)
        self.feature_importances_ = self.model_.feature_importances_
        return self

    def predict_proba(self, x):
        # float32 from XGBoost, as float64 for the metrics (the values themselves unchanged).
        return self.model_.predict_proba(np.asarray(x, dtype=np.float64)).astype(np.float64)

    def predict(self, x):
        return self.classes_[np.argmax(self.predict_proba(x), axis=1)]


class XGBoostRegressor(RegressorMixin, BaseEstimator):
    def __init__(self, n_trees=100, learning_rate=0.3, max_depth=6, seed=0):
        self.n_trees = n_trees
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.seed = seed

    def fit(self, x, y, sample_weight=None):
        from xgboost import XGBRegressor

        self.model_ = XGBRegressor(**_params(self.n_trees, self.learning_rate, self.max_depth, self.seed))
        self.model_.fit(np.asarray(x, dtype=np.float64), y, sample_weight=sample_weight)
        self.feature_importances_ = self.model_.feature_importances_
        return self

    def predict(self, x):
        return self.model_.predict(np.asarray(x, dtype=np.float64)).astype(np.float64)
