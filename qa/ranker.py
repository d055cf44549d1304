"""The default fusion: a logistic model over what each retriever says about a candidate.

Min-max convex fusion gives BM25's best hit full weight even when BM25 found nothing but
common words, which is how paraphrased questions lose to dense alone. The features below
say how far a candidate stands above the other candidates in each retriever, how much of
the question's rare vocabulary it holds, and how well its best sentence matches, so BM25
counts when it found the question's words and fades when it did not. The weights
(``ranker.json``) are fitted by ``muniqa.eval.train_ranker`` with logistic regression on the
gold sets, and evaluated with k-fold cross-validation so no question is scored by a model
that saw it. Its output is a log-odds that the passage answers: ``qa.confidence`` uses the
same number to decide whether anything answers at all.

Hand-written rather than a library model: scoring is one dot product per candidate, and
the weights stay a readable JSON file instead of a pickle.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import boosted

FEATURES = ("d_gap", "d_z", "s_gap", "s_z", "b_mm", "b_rel", "cov", "b_mm_x_covtop")
WEIGHTS_FILE = Path(__file__).with_name("ranker.json")
# A question none of whose words any passage holds («xyzzy qwerty») is answered by cosine
# alone, which always finds a "best" passage; it is never a confident answer.
UNKNOWN_WORDS_PENALTY = 100.0


def _z(x: np.ndarray, ref: np.ndarray) -> np.ndarray:
    return (x - ref.mean()) / (ref.std() + 1e-6)


def features(dense: np.ndarray, dense_ref: np.ndarray, best_sentence: np.ndarray,
             bm25: np.ndarray, bm25_ref: np.ndarray, coverage: np.ndarray) -> np.ndarray:
    """One row per candidate, columns as ``FEATURES``.

    ``dense``, ``best_sentence``, ``bm25``, ``coverage``: the candidates' cosine, best
    sentence cosine, BM25 score (0 when BM25 did not find it) and share of the query's idf
    mass they hold; ``dense_ref`` / ``bm25_ref``: the scores of each retriever's own top list,
    which say what is usual for this query.
    """
    if len(bm25_ref) and bm25_ref.max() > 0:
        lo, hi = bm25_ref.min(), bm25_ref.max()
        b_mm = np.where(bm25 > 0, (bm25 - lo) / (hi - lo) if hi > lo else 1.0, 0.0).clip(0, 1)
        b_rel = bm25 / hi
    else:
        b_mm = b_rel = np.zeros(len(dense))
    cov_top = coverage.max() if len(coverage) else 0.0
    ref_d = dense_ref if len(dense_ref) else dense
    return np.column_stack([
        dense - ref_d.max(), _z(dense, ref_d),
        best_sentence - best_sentence.max(), _z(best_sentence, best_sentence),
        b_mm, b_rel, coverage, b_mm * cov_top,
    ]).astype(np.float32)


def coverage(groups: list[set[str]], idf, n_passages: int, passage_tokens: list[set[str]]) -> np.ndarray:
    """Share of the query's idf mass (rare words count most) found in each passage.

    ``groups``: each query lemma with the other names of its place (any of them counts);
    a word no passage has counts as the rarest possible, so a question about something
    the index never mentions covers little.
    """
    rarest = math.log(1 + max(n_passages, 1))
    weights = [max(idf(t) for t in g) or rarest for g in groups]
    total = sum(weights) or 1.0
    return np.array([sum(w for g, w in zip(groups, weights) if not g.isdisjoint(toks)) / total
                     for toks in passage_tokens], dtype=np.float32)


@lru_cache(maxsize=4)
def load_weights(path: str = str(WEIGHTS_FILE)) -> tuple[np.ndarray, float, dict]:
    """(coefficients in ``FEATURES`` order, intercept, the whole file)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{path}: features {data['features']} do not match {list(FEATURES)}; "
                         "retrain with: python -m muniqa.eval.train_ranker")
    return np.asarray(data["coef"], dtype=np.float32), float(data["intercept"]), data


def question_key(question: str) -> str:
    return " ".join(question.lower().replace("ё", "е").split())


def hash_fold(key: str, folds: int = 5) -> int:
    import hashlib
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % folds


def fold_of(question: str, folds: int = 5) -> int:
    """The cross-validation fold of a question: a stable hash of its words, or, for a set
    folded by document (``question_folds`` of ``ranker.json``: the real documents), the fold
    of its document, so that its model never saw a question on that document."""
    key = question_key(question)
    fixed = load_weights()[2].get("question_folds", {})
    return fixed[key] if key in fixed else hash_fold(key, folds)


def score(x: np.ndarray, held_out: str | None = None) -> np.ndarray:
    """Log-odds that each candidate answers. ``held_out``: score with the model of this
    question's cross-validation fold, which was fitted without it (for evaluation)."""
    coef, intercept, data = load_weights()
    if held_out is not None and data.get("folds"):
        model = data["folds"][fold_of(held_out, len(data["folds"]))]
        coef, intercept = np.asarray(model["coef"], dtype=np.float32), float(model["intercept"])
    return x @ coef + intercept


def absolute(dense: np.ndarray, best_sentence: np.ndarray, coverage: np.ndarray) -> np.ndarray:
    """What does not depend on the other candidates: a passage can be the best of a bad lot.
    Cosine of passage and best sentence, and the share of the question's rare words held."""
    return np.column_stack([dense, best_sentence, coverage]).astype(np.float32)


def confidence(logit: np.ndarray, absolute_evidence: np.ndarray, held_out: str | None = None,
               answer_evidence: np.ndarray | None = None, question_evidence: np.ndarray | None = None) -> np.ndarray:
    """Log-odds that a passage really answers, from its ranking log-odds, its absolute
    evidence and whether it holds what the question asks for (``qa.answerable``: a second
    logistic model fitted on answerable against unanswerable questions, averaged with a small
    boosted tree ensemble when the file holds one, ``qa.boosted``).
    The ranking order stays that of ``logit``; this only decides what counts as an answer."""
    data = load_weights()[2]
    model = data.get("confidence")
    if not model:
        return logit
    if held_out is not None and model.get("folds"):
        model = model["folds"][fold_of(held_out, len(model["folds"]))]
    columns = [logit, absolute_evidence]
    if answer_evidence is not None and len(model["coef"]) > 1 + absolute_evidence.shape[1]:
        columns.append(answer_evidence)      # a model fitted with qa.answerable's evidence
    if question_evidence is not None and wants_question_evidence():   # qa.noanswer_evidence, one row per question
        columns.append(np.broadcast_to(question_evidence, (len(logit), len(question_evidence))))
    x = np.column_stack(columns)
    linear = x @ np.asarray(model["coef"], dtype=np.float32) + float(model["intercept"])
    if model.get("boosted"):                 # qa.boosted: the mean of the two models' log-odds
        return ((linear + boosted.log_odds(model["boosted"], x)) / 2).astype(np.float32)
    return linear


def wants_question_evidence() -> bool:
    """Was the confidence model fitted with ``qa.noanswer_evidence``'s question-level features
    (``train_ranker --question-evidence``)? Only then are they computed when serving."""
    return bool((load_weights()[2].get("confidence") or {}).get("question_evidence"))


def no_answer_logit() -> float:
    """Below this top-hit log-odds nothing is presented as an answer (calibrated by
    ``muniqa.eval.train_ranker`` on out-of-fold scores)."""
    return float(load_weights()[2].get("no_answer_logit", -99.0))
