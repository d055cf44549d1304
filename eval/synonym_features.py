"""Does a passage hold, in other words, what the question asks? Thesaurus synonyms
(``eval.synonyms``) of the question words the passage does not already hold by lemma or stem.

Per passage, as shares of the question's idf mass (weighted like ``ranker.coverage``):

- ``syn_gain``: the question groups held by a synonym (its lemma, or a lemma sharing its
  stem as ``qa.rerank_features`` counts stems) and by nothing else, in the whole passage;
- ``syn_sent_gain``: how much the best sentence's coverage grows when synonyms count
  (best sentence with synonyms minus best sentence without).

Kept in ``eval`` beside the trial that measures them (``eval.synonym_trial``).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from muniqa.qa.rerank_features import _by_start, _pieces, _shares_stem
from .synonyms import synonyms

FEATURES = ("syn_gain", "syn_sent_gain")


def _held(group: set[str], held: frozenset[str], starts: dict[str, list[str]]) -> bool:
    return not group.isdisjoint(held) or any(len(t) >= 4 and _shares_stem(t, starts) for t in group)


def _by_synonym(group: set[str], held: frozenset[str], starts: dict[str, list[str]]) -> bool:
    return any(s in held or (len(s) >= 4 and _shares_stem(s, starts)) for t in group for s in synonyms(t))


def _covers(groups: list[set[str]], weights: list[float], held: frozenset[str]) -> tuple[float, float]:
    """(idf mass held by lemma or stem, idf mass held by a synonym only)."""
    starts = _by_start(held)
    plain = syn = 0.0
    for g, w in zip(groups, weights):
        if _held(g, held, starts):
            plain += w
        elif _by_synonym(g, held, starts):
            syn += w
    return plain, syn


def passage_gain(groups: list[set[str]], weights: list[float], token_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """``syn_gain`` of each passage given its lemma list."""
    total = sum(weights) or 1.0
    return np.array([_covers(groups, weights, frozenset(t))[1] / total for t in token_lists], np.float32)


def sentence_gain(groups: list[set[str]], weights: list[float], text: str) -> float:
    """``syn_sent_gain`` of one passage text."""
    total = sum(weights) or 1.0
    covers = [_covers(groups, weights, p) for p in _pieces(text)]
    return (max(a + b for a, b in covers) - max(a for a, _ in covers)) / total
