"""What the second stage reads about each passage of its window, beside ``qa.answerable``.

Inside the window the passages are all about the question's topic, often neighbours in one
law; two things the first stage cannot see tell them apart (chosen by out-of-fold
measurement among sentence-cosine spreads, retriever ranks and lengths, which did not hold):

- **stems, not only lemmas**: BM25 and the coverage features match lemmas, so «удалять» in
  the question misses «удаление» in the answer, «уничтожая» misses «уничтожение», «видео»
  misses «видеозапись». A question word counts here when a passage word shares its stem
  (the first letters of both, all but the last three of the shorter, at least four): how
  much of the question's rare vocabulary the passage and its best sentence then hold beyond
  the exact lemmas. Hand-written because pymorphy3 lemmatises, it does not relate a verb to
  its noun, and a stemmer (snowball) cuts «удаление» and «удалять» to different stems.
- **its place in its document and in the window**: whether it opens its document (a title,
  a preamble), is a heading-only fragment or short, how many window passages its document
  has and whether it is that document's first one there (the document is right: which of
  its passages?).

All of it is read from the passage texts and the passage order the index already stores,
so it costs no indexing and a few milliseconds per question (the sentence lemmas are cached).
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from muniqa.index.lemmas import lemmas
from muniqa.index.sentences import sentence_spans

FEATURES = ("log_words", "short", "doc_first", "doc_share", "doc_best",
            "stem_cov_gain", "stem_sent_cov", "stem_sent_gain")
MIN_CHARS = 12          # as index.sentvec: shorter pieces ("1.", "- ") are no sentences
SHORT_WORDS = 25        # a heading, a signature line, a fragment of a table


@lru_cache(maxsize=8192)
def _pieces(text: str) -> tuple[frozenset[str], ...]:
    """Lemmas of each sentence of a passage (cached: the same passages come back)."""
    pieces = [text[s:e].strip() for s, e in sentence_spans(text)]
    pieces = [p for p in pieces if len(p) >= MIN_CHARS] or [text.strip() or text]
    return tuple(frozenset(lemmas(p)) for p in pieces)


@lru_cache(maxsize=8192)
def _by_start(lemma_set: frozenset[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for t in lemma_set:
        if len(t) >= 4:
            out.setdefault(t[:4], []).append(t)
    return out


def _shares_stem(word: str, by_start: dict[str, list[str]]) -> bool:
    """``word`` and a lemma of ``by_start`` (lemmas by their first four letters) begin alike
    for all but the last three letters of the shorter one, at least four letters."""
    for other in by_start.get(word[:4], ()):
        n = max(4, min(len(word), len(other)) - 3)
        if word[:n] == other[:n]:
            return True
    return False


def _cover(groups: list[set[str]], weights: list[float], held: frozenset[str], stems: bool) -> float:
    starts = _by_start(held) if stems else {}
    return sum(w for g, w in zip(groups, weights)
               if not g.isdisjoint(held) or (stems and any(len(t) >= 4 and _shares_stem(t, starts) for t in g)))


def window_features(data, groups: list[set[str]], cand: np.ndarray, head: np.ndarray,
                    coverage: np.ndarray) -> np.ndarray:
    """One row per window passage (``head``: candidate positions, best first), columns as
    ``FEATURES``. ``cand``: the candidates' passage ids; ``coverage``: their exact share of
    the question's idf mass (``ranker.coverage``); ``groups`` as ``retrieve.query_groups``."""
    n = len(head)
    out = np.zeros((n, len(FEATURES)), np.float32)
    if not n:
        return out
    idf = data.lexical.idf
    rarest = math.log(1 + max(len(data.chunks), 1))
    weights = [max(idf(t) for t in g) or rarest for g in groups]
    total = sum(weights) or 1.0
    chunk_doc = data.chunk_doc
    docs = np.asarray(chunk_doc)[cand[head]]
    seen: set[int] = set()
    for row, (j, ident, doc) in enumerate(zip(head.tolist(), cand[head].tolist(), docs.tolist())):
        text = data.chunks[ident].text
        pieces = _pieces(text)
        exact_sent = max(_cover(groups, weights, p, False) for p in pieces) / total
        soft_sent = max(_cover(groups, weights, p, True) for p in pieces) / total
        soft_all = _cover(groups, weights, frozenset().union(*pieces), True) / total
        words = len(text.split())
        first = ident == 0 or int(chunk_doc[ident - 1]) != doc
        out[row] = (math.log1p(words), float(words < SHORT_WORDS), float(first),
                    float((docs == doc).sum()) / n, float(doc not in seen),
                    soft_all - coverage[j], soft_sent, soft_sent - exact_sent)
        seen.add(doc)
    return out
