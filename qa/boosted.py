"""A small boosted tree ensemble beside the linear confidence model, kept as readable JSON.

The logistic confidence model (``ranker.confidence``) draws one straight line through its
features; questions about something else altogether (XQuAD's history and science asked of
municipal reports) sit in a corner it cuts badly: a low cosine *and* a low coverage mean
"off-topic" far more surely than either alone. A gradient-boosted ensemble (sklearn's
``HistGradientBoostingClassifier``, fitted by ``muniqa.eval.train_ranker``, same folds and
weights) sees such corners; the served log-odds are the mean of the two models'. Averaged,
out-of-fold, it shows fewer off-topic questions a confident answer (0.20 → ~0.08) without
letting more near misses through (README «Quality»).

Evaluated here by hand rather than with sklearn: serving then needs no scikit-learn (a
``train`` extra only), the trees stay in ``ranker.json`` as numbers anyone can read, and one
question's walk down 100 four-leaf trees is a few microseconds of numpy.
"""
from __future__ import annotations

import numpy as np


def export(model) -> dict:
    """The fitted ``HistGradientBoostingClassifier`` (binary, numeric features) as JSON."""
    trees = []
    for (predictor,) in model._predictors:
        n = predictor.nodes
        trees.append({"feature": n["feature_idx"].tolist(), "threshold": n["num_threshold"].tolist(),
                      "left": n["left"].tolist(), "right": n["right"].tolist(),
                      "leaf": n["is_leaf"].astype(int).tolist(), "value": n["value"].tolist()})
    return {"baseline": float(np.ravel(model._baseline_prediction)[0]), "trees": trees}


def log_odds(model: dict, x: np.ndarray) -> np.ndarray:
    """Raw log-odds of the ensemble for each row of ``x`` (as ``export`` stored it): every
    tree walked for every row at once, one level per step."""
    x = np.atleast_2d(np.asarray(x, dtype=np.float64))
    feature, threshold, left, right, leaf, value = _arrays(model)
    trees = np.arange(len(feature))[:, None]
    rows = np.arange(len(x))[None, :]
    node = np.zeros((len(feature), len(x)), dtype=np.int64)
    for _ in range(feature.shape[1]):                 # no path is longer than the node count
        goes_left = x[rows, feature[trees, node]] <= threshold[trees, node]
        step = np.where(goes_left, left[trees, node], right[trees, node])
        node = np.where(leaf[trees, node], node, step)
    return model["baseline"] + value[trees, node].sum(axis=0)


def _arrays(model: dict) -> tuple[np.ndarray, ...]:
    """The trees as padded (trees × nodes) arrays, built once per loaded model."""
    cached = model.get("_arrays")
    if cached is None:
        width = max(len(t["leaf"]) for t in model["trees"])
        def pad(key, dtype, fill):
            return np.array([t[key] + [fill] * (width - len(t[key])) for t in model["trees"]], dtype=dtype)
        cached = (pad("feature", np.int64, 0), pad("threshold", np.float64, 0.0), pad("left", np.int64, 0),
                  pad("right", np.int64, 0), pad("leaf", bool, True), pad("value", np.float64, 0.0))
        model["_arrays"] = cached
    return cached
