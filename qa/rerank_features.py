"""What the second stage reads about each passage of its window, beside ``qa.answerable``.

The first stage scores a passage by its cosine, its best sentence's cosine, BM25 and the
share of the question's rare words it holds: aboutness. Inside the window, where the
passages are all about the question's topic (often neighbours in one law), what tells the
answering one apart is *where* the match is and *how it is spread*:

- the sentences' cosines beyond the best one (the second best, the best two adjacent
  sentences together): an answer stated over two sentences, or one strong sentence in a
  passage of noise;
- the question's rare words held by the sentence the embedder likes best (both signals in
  the same sentence, not one sentence each);
- the passage's rank in each retriever and in the first stage, its length, whether it
  opens its document (a preamble, a title page) or is a heading-only fragment;
- how many passages of its document are in the window and whether it is its document's
  first one there (the document is right; which of its passages?).

All of it is read from what the index already stores (sentence vectors, lemmas, passage
order), so it costs no indexing and a few milliseconds per question.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from muniqa.index.lemmas import lemmas
from muniqa.index.sentvec import MIN_CHARS
from muniqa.index.sentences import sentence_spans

FEATURES = ("pos", "logit_gap", "d_z", "s_z", "b_rel", "cov", "dense_rank", "bm25_rank",
            "sent2", "adj2", "sent_mean", "n_sent", "bestsent_cov", "bestsent_cov_x_cos",
            "log_words", "short", "doc_first", "doc_share", "doc_best", "stem_cov_gain", "stem_sent_cov",
            "stem_sent_gain")


@lru_cache(maxsize=8192)
def _pieces(text: str) -> tuple[frozenset[str], ...]:
    """Lemmas of the sentences that got a vector (as ``index.sentvec.sentence_texts`` cuts them)."""
    pieces = [text[s:e].strip() for s, e in sentence_spans(text)]
    pieces = [p for p in pieces if len(p) >= MIN_CHARS] or [text.strip() or text]
    return tuple(frozenset(lemmas(p)) for p in pieces)


def _stem_len(a: str, b: str) -> int:
    return max(4, min(len(a), len(b)) - 3)


def _shares_stem(word: str, by_start: dict[str, list[str]]) -> bool:
    """``word`` shares a stem with a lemma of ``by_start`` (lemmas by first four letters):
    a common beginning of all but the last three letters of the shorter one, at least four
    letters — «удалять» / «удаление», «уничтожать» / «уничтожение», «видео» / «видеозапись»."""
    for other in by_start.get(word[:4], ()):
        n = _stem_len(word, other)
        if word[:n] == other[:n]:
            return True
    return False


@lru_cache(maxsize=8192)
def _by_start(lemma_set: frozenset[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for t in lemma_set:
        if len(t) >= 4:
            out.setdefault(t[:4], []).append(t)
    return out


def _soft_cov(groups: list[set[str]], weights: list[float], total: float, lemma_set: frozenset[str]) -> float:
    """Share of the question's idf mass held by ``lemma_set`` exactly or by a word of the
    same stem (lemmas on BM25's side differ between a verb and its noun)."""
    starts = _by_start(lemma_set)
    return sum(w for g, w in zip(groups, weights)
               if not g.isdisjoint(lemma_set) or any(len(t) >= 4 and _shares_stem(t, starts) for t in g)) / total


def _ranks(values: np.ndarray) -> np.ndarray:
    """Rank (0 = best) of each value among ``values``, higher first."""
    order = np.argsort(-values, kind="stable")
    out = np.empty(len(values), np.float32)
    out[order] = np.arange(len(values))
    return out


def window_features(data, vec: np.ndarray, groups: list[set[str]], cand: np.ndarray, head: np.ndarray,
                    logit: np.ndarray, x: np.ndarray, bm25: np.ndarray) -> np.ndarray:
    """One row per window passage (``head``: candidate positions, best first), columns as
    ``FEATURES``. ``cand``: the candidates' passage ids; ``logit``: their first-stage
    log-odds; ``x``: their ``ranker.FEATURES`` rows; ``bm25``: their BM25 scores."""
    n = len(head)
    out = np.zeros((n, len(FEATURES)), np.float32)
    if not n:
        return out
    idf = data.lexical.idf
    rarest = math.log(1 + max(len(data.chunks), 1))
    weights = [max(idf(t) for t in g) or rarest for g in groups]
    total = sum(weights) or 1.0
    dense_rank = _ranks(x[:, 0])[head]
    bm_rank = np.where(bm25[head] > 0, _ranks(bm25)[head], len(cand))
    docs = np.asarray(data.chunk_doc)[cand[head]]
    seen: set[int] = set()
    for row, (j, ident, doc) in enumerate(zip(head.tolist(), cand[head].tolist(), docs.tolist())):
        chunk = data.chunks[ident]
        sims = np.asarray(data.sentences.group(ident), np.float32) @ vec
        top = np.sort(sims)[::-1]
        s1 = float(top[0]) if len(top) else 0.0
        s2 = float(top[1]) if len(top) > 1 else s1
        adj = float(((sims[:-1] + sims[1:]) / 2).max()) if len(sims) > 1 else s1
        pieces = _pieces(chunk.text)
        cov = 0.0
        if len(pieces) == len(sims) and len(sims):
            held = pieces[int(np.argmax(sims))]
            cov = sum(w for g, w in zip(groups, weights) if not g.isdisjoint(held)) / total
        exact_sent = max(sum(w for g, w in zip(groups, weights) if not g.isdisjoint(p)) / total for p in pieces)
        soft_sent = max(_soft_cov(groups, weights, total, p) for p in pieces)
        soft_all = _soft_cov(groups, weights, total, frozenset().union(*pieces))
        words = len(chunk.text.split())
        first = ident == 0 or int(data.chunk_doc[ident - 1]) != doc
        out[row] = (math.log1p(row), logit[j] - logit[head[0]], x[j, 1], x[j, 3], x[j, 5], x[j, 6],
                    math.log1p(dense_rank[row]), math.log1p(bm_rank[row]),
                    s1 - s2, s1 - adj, s1 - float(sims.mean()) if len(sims) else 0.0, math.log1p(len(sims)),
                    cov, cov * s1, math.log1p(words), float(words < 25), float(first),
                    float((docs == doc).sum()) / n, float(doc not in seen),
                    soft_all - x[j, 6], soft_sent, soft_sent - exact_sent)
        seen.add(doc)
    return out
