"""A second look at the first passages: does each one hold what the question asks for?

On real documents most misses lead with the right document but the wrong passage: the
neighbouring article, the other half of a section, the order's preamble instead of its
appendix. Retrieval scores measure aboutness, and those passages are all about the same
thing. ``qa.answerable``'s evidence tells them apart where it can — is there a number in a
sentence holding the question's words when it asks «сколько», a date for «когда», a name
for «кто»; are the question's places, names and years there; how much of its rare
vocabulary a single sentence holds — and it is computed anyway for the passages shown (the
confidence model reads it). So the first ``WINDOW`` passages of the ranking are re-scored
by a second logistic model over their ranking log-odds and that evidence (weights under
``"rerank"`` in ``ranker.json``, fitted out-of-fold by ``muniqa.eval.train_ranker`` on the
first-stage order). ``qa.rerank_features`` adds what the first stage cannot see: stems
shared by question and passage words, the passage's place in its document and the window;
the weights are fitted on pairs (the answering passage against each other one of its
window) and scaled to log-odds afterwards. Only the window is re-ordered; the passages below keep their order, so
the extra cost is the evidence of ten passages, not of the hundreds of candidates.
"""
from __future__ import annotations

import numpy as np

from . import ranker, rerank_features

WINDOW = 10


def _model(held_out: str | None) -> tuple[np.ndarray, float] | None:
    data = ranker.load_weights()[2]
    model = data.get("rerank")
    if not model:
        return None
    if held_out is not None and model.get("folds"):
        model = model["folds"][ranker.fold_of(held_out, len(model["folds"]))]
    return np.asarray(model["coef"], dtype=np.float32), float(model["intercept"])


def enabled() -> bool:
    return _model(None) is not None


def uses_window_features() -> bool:
    """Was the model fitted with ``rerank_features`` (a ``ranker.json`` from before reads
    only ``answerable``'s evidence)?"""
    model = ranker.load_weights()[2].get("rerank") or {}
    return len(model.get("features", ())) > 1 and model["features"][-1] == rerank_features.FEATURES[-1]


def pairwise() -> bool:
    """Was the order fitted on pairs? Such a model orders the window but says little about
    whether a passage answers at all (windows without an answer look like any other), so
    the confidence model reads ``answer_logits`` instead."""
    return bool((ranker.load_weights()[2].get("rerank") or {}).get("pairwise"))


def answer_logits(order: np.ndarray, logit: np.ndarray, evidence: np.ndarray, held_out: str | None = None
                  ) -> np.ndarray:
    """Every candidate's log-odds that it answers, by the pointwise window model (first-stage
    log-odds and ``answerable``'s evidence, fitted beside the pairwise one): what the
    confidence model reads. ``order``, ``logit``, ``evidence``: the first stage's."""
    model = (ranker.load_weights()[2].get("rerank") or {}).get("answer")
    if not model:
        return logit
    if held_out is not None and model.get("folds"):
        model = model["folds"][ranker.fold_of(held_out, len(model["folds"]))]
    coef = np.asarray(model["coef"], dtype=np.float32)
    return reorder_with((coef, float(model["intercept"])), order, logit, evidence)[1]


def _rescore_with(model: tuple[np.ndarray, float], logit: np.ndarray, evidence: np.ndarray,
                  extra: np.ndarray | None = None) -> np.ndarray:
    """Second-stage log-odds of the window's passages (rows of ``evidence`` as
    ``answerable.EVIDENCE``, of ``extra`` as ``rerank_features.FEATURES``, ``logit`` their
    first-stage log-odds)."""
    coef, intercept = model
    columns = [logit, evidence] if extra is None or len(coef) == 1 + evidence.shape[1] else [logit, evidence, extra]
    return np.column_stack(columns).astype(np.float32) @ coef + intercept


def reorder(order: np.ndarray, logit: np.ndarray, evidence: np.ndarray, held_out: str | None = None,
            extra: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``order``: candidate positions best first (first stage); ``evidence`` and ``extra``:
    rows for ``order[:WINDOW]``. Returns the new order, every candidate's log-odds (the
    window's re-scored, the rest never above the window's last) and the evidence rows in
    the new order of the window."""
    model = _model(held_out)
    if model is None:
        return order, logit, evidence
    return reorder_with(model, order, logit, evidence, extra)


def reorder_with(model: tuple[np.ndarray, float], order: np.ndarray, logit: np.ndarray, evidence: np.ndarray,
                 extra: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``reorder`` with a given (coefficients, intercept): also what ``train_ranker`` scores
    its out-of-fold orders with, so they are the orders ``muniqa eval`` sees."""
    head = order[:WINDOW]
    new = logit.astype(np.float32).copy()
    if len(head):
        new[head] = _rescore_with(model, logit[head], evidence, extra)
    inner = np.lexsort((head, -new[head]))
    rest = order[WINDOW:]
    if len(rest) and len(head):
        new[rest] = np.minimum(new[rest], new[head].min() - 1e-3)
    return np.concatenate([head[inner], rest]), new, evidence[inner]
