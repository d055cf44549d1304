"""Do the question's words stand together in a passage, and in the question's order?

Every other lexical signal of the ranking is a bag of lemmas (BM25, the share of the
question's rare words held, stems), so a passage that names «защита», «персональный» and
«данные» in three different sentences scores like the one that says «защиты персональных
данных». Word proximity is the classic remedy in lexical retrieval (Metzler and Croft's
sequential dependence model: ordered adjacent pairs and unordered windows; BM25 with a
minimal covering span). The measures below are read from the lemma lists the index already
stores for each passage (stop words dropped, so «защиты прав на данные» keeps «защита»,
«право», «данные» adjacent), weighted by idf like ``ranker.coverage``:

- ``pair_adj``: share of the question's adjacent content-lemma pairs that stand in the same
  order, at most ``ADJ_GAP`` lemmas apart, in the passage (a phrase, inflected any way);
- ``pair_near``: the same pairs within ``NEAR`` lemmas, any order;
- ``span``: the most idf mass of the question that a single stretch of ``SPAN`` lemmas holds
  (a bag of words held in one place, not spread over the passage);
- ``phrase``: the longest run of the question's consecutive lemmas found consecutive in the
  passage, as a share of the question's idf mass (a multi-word name matched as a whole).

Hand-written: a few dictionary look-ups per passage word, on lemma lists already decoded; no
library computes these over pymorphy3 lemmas with place-name groups.

Measured out-of-fold in both stages of the ranking and **not kept** (``eval.proximity_trial``,
README «Word order and proximity»): the question's words already stand together in most
passages the first stage ranks high, and where the default misses (XQuAD sentences asked in
other words) the wrong passage holds them closer together than the answer does. Kept here,
outside ``qa``, so the measurement can be repeated when the ranking changes.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

FEATURES = ("pair_adj", "pair_near", "span", "phrase")
ADJ_GAP = 2      # «охраны объектов культурного наследия»: at most one content word between
NEAR = 8         # Metzler–Croft's unordered window
SPAN = 12        # about a clause of content words


def _positions(groups: list[set[str]], tokens: Sequence[str]) -> list[list[int]]:
    """Where each question group's lemmas stand in the passage."""
    of: dict[str, list[int]] = {}
    for g, group in enumerate(groups):
        for t in group:
            of.setdefault(t, []).append(g)
    out: list[list[int]] = [[] for _ in groups]
    for p, t in enumerate(tokens):
        for g in of.get(t, ()):
            out[g].append(p)
    return out


def _pair_within(a: list[int], b: list[int], gap: int, ordered: bool) -> bool:
    """Does a position of ``b`` follow one of ``a`` by 1..``gap`` (or stand within ``gap``
    either side, unordered)? Both lists are sorted and short."""
    if not a or not b:
        return False
    j = 0
    for p in a:
        while j < len(b) and b[j] < p - (0 if ordered else gap):
            j += 1
        k = j
        while k < len(b) and b[k] <= p + gap:
            if b[k] != p and (not ordered or b[k] > p):
                return True
            k += 1
    return False


def _best_span(pos: list[list[int]], weights: list[float], width: int) -> float:
    """The most weight of distinct groups found in ``width`` consecutive passage lemmas."""
    hits = sorted((p, g) for g, ps in enumerate(pos) for p in ps)
    best, held, lo = 0.0, {}, 0
    total = 0.0
    for p, g in hits:
        held[g] = held.get(g, 0) + 1
        if held[g] == 1:
            total += weights[g]
        while hits[lo][0] <= p - width:
            q = hits[lo][1]
            held[q] -= 1
            if not held[q]:
                total -= weights[q]
            lo += 1
        best = max(best, total)
    return best


def _longest_phrase(pos: list[list[int]], weights: list[float]) -> float:
    """Weight of the longest run of consecutive question groups found at consecutive
    passage positions (two words at least)."""
    best = 0.0
    ends: dict[int, float] = {}            # passage position -> weight of a run ending there
    for g, ps in enumerate(pos):
        now: dict[int, float] = {}
        for p in ps:
            if p - 1 in ends:
                now[p] = ends[p - 1] + weights[g]
                best = max(best, now[p])
            else:
                now[p] = weights[g]
        ends = now
    return best


def features(groups: list[set[str]], weights: list[float], token_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """One row per passage (its lemma list), columns as ``FEATURES``, each a share in [0, 1].
    ``groups``: the question's content lemmas in question order, each with its place's
    other names (``retrieve.query_groups``); ``weights``: their idf."""
    out = np.zeros((len(token_lists), len(FEATURES)), np.float32)
    total = sum(weights) or 1.0
    pairs = [min(weights[i], weights[i + 1]) for i in range(len(groups) - 1)]
    pair_total = sum(pairs) or 1.0
    for row, tokens in enumerate(token_lists):
        pos = _positions(groups, tokens)
        adj = sum(w for i, w in enumerate(pairs) if _pair_within(pos[i], pos[i + 1], ADJ_GAP, True))
        near = sum(w for i, w in enumerate(pairs) if _pair_within(pos[i], pos[i + 1], NEAR, False))
        out[row] = (adj / pair_total, near / pair_total, _best_span(pos, weights, SPAN) / total,
                    _longest_phrase(pos, weights) / total)
    return out
