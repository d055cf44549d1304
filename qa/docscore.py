"""Document-level evidence for the ranker: score the document, then the passage within it.

On real documents (laws, orders, specifications) many passages of different documents say
nearly the same thing («меры по обеспечению безопасности персональных данных…»), and what
tells them apart is the document: its title («Об утверждении состава и содержания … мер»,
«проект федерального закона о персональных данных») and the other passages of it that
also match the question (the authority, the subject). A passage alone cannot see either.
Each candidate therefore also gets what its document says about the question, computed
over the candidates only (so the cost per query does not grow with the index):

- ``doc_d_gap``: the best cosine among the candidates of its document, minus the best of all;
- ``doc_cov``: the share of the question's idf mass held by its document's candidates
  together with the document's title;
- ``title_cov``: the share of the question's idf mass held by the document's title.
"""
from __future__ import annotations

import numpy as np

from muniqa.index.lemmas import lemmas

FEATURES = ("doc_d_gap", "doc_cov", "title_cov")

_TITLES: dict[tuple[int, str], frozenset[str]] = {}


def title_lemmas(data, doc_id: str) -> frozenset[str]:
    """Lemmas of a document's title (cached per index version and document)."""
    key = (id(data), doc_id)
    hit = _TITLES.get(key)
    if hit is None:
        if len(_TITLES) > 100_000:
            _TITLES.clear()
        hit = _TITLES[key] = frozenset(lemmas(data.documents[doc_id].meta.title or ""))
    return hit


def doc_features(data, cand: np.ndarray, dense: np.ndarray, held: list[set[str]],
                 groups: list[set[str]], weights: np.ndarray) -> np.ndarray:
    """Columns ``FEATURES`` for candidates ``cand`` (passage ids) with cosine ``dense`` and
    lemma sets ``held``; ``groups``/``weights``: the question's lemma groups and their share
    of its idf mass (as ``ranker.coverage``)."""
    n = len(cand)
    if n == 0:
        return np.zeros((0, len(FEATURES)), np.float32)
    docs = [data.chunks[int(i)].doc_id for i in cand]
    best_doc: dict[str, float] = {}
    words: dict[str, set[str]] = {}
    for d, s, toks in zip(docs, dense, held):
        best_doc[d] = max(best_doc.get(d, -1.0), float(s))
        words.setdefault(d, set()).update(toks)
    top = float(dense.max())

    def cov(toks) -> float:
        return float(sum(w for g, w in zip(groups, weights) if not g.isdisjoint(toks)))

    title = {d: cov(title_lemmas(data, d)) for d in best_doc}
    whole = {d: cov(words[d] | title_lemmas(data, d)) for d in best_doc}
    return np.array([[best_doc[d] - top, whole[d], title[d]] for d in docs], dtype=np.float32)
