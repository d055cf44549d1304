"""How each part of the default ranker is fitted, for ``muniqa.eval.train_ranker``: the first
stage, the second stage's pairs and its pointwise answer model, the confidence model with its
trees, and the no-answer threshold. Kept apart from the training run (which gathers the
candidates, orders them out-of-fold and writes ``qa/ranker.json``) so each fit can be read,
and tested, on its own: every one weighs each gold set the same, and within a set each
question, so XQuAD's 1,190 questions do not decide alone.
"""
from __future__ import annotations

import numpy as np

from muniqa.qa import boosted, rerank

WINDOW = rerank.WINDOW


def fit_confidence(tops: list[tuple[np.ndarray, bool, str]], c: float, with_trees: bool = True):
    """Answerable (1) against unanswerable (0), one row per question: its top candidate's
    ranking log-odds, absolute evidence and ``qa.answerable`` evidence. Each class weighs
    the same, and within a class each gold set weighs the same (the ~100 easy off-topic
    XQuAD negatives would otherwise outweigh the near misses of the municipal sets)."""
    from sklearn.linear_model import LogisticRegression
    x = np.vstack([t[0] for t in tops])
    y = np.array([int(t[1]) for t in tops])
    sets = np.array([t[2] for t in tops])
    if len(set(y)) < 2:
        return None
    w = np.zeros(len(y))
    for label in (0, 1):
        names = sorted(set(sets[y == label]))
        for name in names:
            sel = (y == label) & (sets == name)
            w[sel] = 0.5 / len(names) / sel.sum()
    model = LogisticRegression(C=c, max_iter=5000).fit(x, y, sample_weight=w * len(y))
    trees = None
    if with_trees:                   # qa.boosted: averaged with the linear model when serving
        from sklearn.ensemble import HistGradientBoostingClassifier
        hgb = HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, max_leaf_nodes=4, min_samples_leaf=40,
                                             l2_regularization=1.0, random_state=0).fit(x, y, sample_weight=w * len(y))
        trees = boosted.export(hgb)
        assert np.allclose(boosted.log_odds(trees, x[:50]), hgb._raw_predict(x[:50]).ravel(), atol=1e-6)
    return model.coef_[0].tolist(), float(model.intercept_[0]), trees


def confidence_log_odds(model, x: np.ndarray) -> float:
    linear = float(x @ np.asarray(model[0]) + model[1])
    return (linear + float(boosted.log_odds(model[2], x)[0])) / 2 if model[2] else linear


def plain_trees(trees: dict | None) -> dict | None:
    """``qa.boosted``'s JSON without the arrays it caches for scoring."""
    return {k: v for k, v in trees.items() if not k.startswith("_")} if trees else None


def fit_first_stage(rows: list[dict], c: float):
    from sklearn.linear_model import LogisticRegression
    per_set: dict[str, int] = {}
    for r in rows:
        per_set[r["set"]] = per_set.get(r["set"], 0) + 1
    x = np.vstack([r["x"] for r in rows])
    y = np.concatenate([r["y"] for r in rows])
    w = np.concatenate([np.full(len(r["y"]), 1000.0 / per_set[r["set"]] / max(len(r["y"]), 1)) for r in rows])
    model = LogisticRegression(C=c, max_iter=5000).fit(x, y, sample_weight=w)
    return model.coef_[0].tolist(), float(model.intercept_[0])


def fit_answer(rows: list[dict], c: float):
    """Pointwise, over each window's log-odds and ``qa.answerable``'s evidence: the log-odds
    that a passage answers (``qa.rerank.answer_logits``), which the confidence model reads."""
    from sklearn.linear_model import LogisticRegression
    rows = [r for r in rows if r["y"][r["order"][:WINDOW]].any()]
    per_set: dict[str, int] = {}
    for r in rows:
        per_set[r["set"]] = per_set.get(r["set"], 0) + 1
    x = np.vstack([np.column_stack([r["logit"][r["order"][:WINDOW]], r["ev"]]) for r in rows])
    y = np.concatenate([r["y"][r["order"][:WINDOW]] for r in rows])
    w = np.concatenate([np.full(len(r["ev"]), 1000.0 / per_set[r["set"]] / len(r["ev"])) for r in rows])
    model = LogisticRegression(C=c, max_iter=5000).fit(x, y, sample_weight=w)
    return model.coef_[0].tolist(), float(model.intercept_[0])


def fit_rerank(rows: list[dict], c: float):
    """The second stage (``qa.rerank``): over each question's first ``WINDOW`` passages of
    the out-of-fold first-stage order, their log-odds, ``qa.answerable``'s evidence and
    ``qa.rerank_features``. Fitted on pairs — the answering passage against each other
    passage of its window, as feature differences (standardised; logistic regression) — since
    only the order inside the window matters: pointwise, the easy windows decide the weights
    (out-of-fold MRR@10, README «A second look»). The pairwise scores are then scaled to
    log-odds (one logistic fit on them), which the confidence model and the passages below
    the window read. Questions whose relevant passage is not in the window teach it nothing
    and are left out; every set weighs the same, and within a set every question."""
    from sklearn.linear_model import LogisticRegression
    windows, d, labels, weights = rerank_pairs(rows)
    scale = d.std(axis=0) + 1e-6
    pair = LogisticRegression(C=c, max_iter=5000, fit_intercept=False).fit(d / scale, labels, sample_weight=weights)
    coef = pair.coef_[0] / scale
    x = np.vstack([w[0] for w in windows])
    score = (x @ coef)[:, None]
    y = np.concatenate([w[1] for w in windows])
    sw = np.concatenate([np.full(len(w[1]), w[2] / len(w[1])) for w in windows])
    platt = LogisticRegression(C=1e4, max_iter=5000).fit(score, y, sample_weight=sw)
    a, b = float(platt.coef_[0][0]), float(platt.intercept_[0])
    return (coef * a).tolist(), b


def rerank_pairs(rows: list[dict]):
    """The second stage's training data: each window (its columns, labels, weight) and, from
    them, the answering passage against each other passage of its window as feature
    differences, both ways, with labels and weights (every set the same, within a set every
    question). Windows without an answering passage are left out."""
    rows = [r for r in rows if r["y"][r["order"][:WINDOW]].any()]
    per_set: dict[str, int] = {}
    for r in rows:
        per_set[r["set"]] = per_set.get(r["set"], 0) + 1
    windows = [(np.column_stack([r["logit"][r["order"][:WINDOW]], r["ev"], r["nf"]]), r["y"][r["order"][:WINDOW]],
                1000.0 / per_set[r["set"]]) for r in rows]
    diffs, weights = [], []
    for x, y, w in windows:
        good, bad = np.flatnonzero(y), np.flatnonzero(y == 0)
        if len(bad):
            d = (x[good][:, None, :] - x[bad][None, :, :]).reshape(-1, x.shape[1])
            diffs += [d, -d]
            weights += [np.full(len(d), w / len(d))] * 2
    labels = np.repeat([1, 0] * (len(diffs) // 2), [len(a) for a in diffs])
    return windows, np.vstack(diffs), labels, np.concatenate(weights)


def mrr_at_10(order_labels: np.ndarray) -> float:
    hits = np.flatnonzero(order_labels[:10])
    return 1.0 / (hits[0] + 1) if len(hits) else 0.0


def calibrate(tops: list[tuple[float, bool]], hide: float) -> float:
    """The threshold under which a top hit is "no answer": as high as possible while hiding
    less than ``hide`` of the answerable questions (out-of-fold scores)."""
    answerable = np.sort([t for t, a in tops if a])
    if not len(answerable):
        return -99.0
    k = max(int(np.ceil(hide * len(answerable))) - 1, 0)      # hides k answers: k / n stays under ``hide``
    return float(answerable[k] - 1e-4) if k < len(answerable) else float(answerable[-1])
