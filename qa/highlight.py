"""Point at the evidence: the sentence that best answers, and the query's words in any form.

A query word highlights every inflected form of its lemma ("соглашение" marks
"соглашения", "соглашением"), and place names also mark their other names through the
gazetteer ("белорусских" marks "Беларусь"). The best sentence is the one holding the
rarest query lemmas (summed BM25 idf), which is what a reader scans for; when the index has
sentence vectors, the one closest in meaning to the question, with shared rare words as a
tie-breaker (a paraphrased question shares few words with its answer).
"""
from __future__ import annotations

from collections.abc import Callable

from muniqa.index.lemmas import lemmas, word_spans
from muniqa.index.sentences import sentence_spans
from muniqa.index.sentvec import MIN_CHARS


def term_spans(text: str, query_lemmas: set[str]) -> list[tuple[int, int]]:
    """(start, end) of every word in ``text`` whose lemma is one of the query's."""
    return [(s, e) for s, e, lem in word_spans(text) if lem in query_lemmas]


def best_sentence(text: str, query_lemmas: set[str], idf: Callable[[str], float],
                  sims=None) -> tuple[int, int]:
    """(start, end) of the sentence of ``text`` that best answers: closest in meaning when
    ``sims`` (cosine per sentence vector, see ``index.sentvec``) is given, else sharing the
    most informative query lemmas."""
    spans = sentence_spans(text) or [(0, len(text))]
    embedded = [sp for sp in spans if len(text[sp[0]:sp[1]].strip()) >= MIN_CHARS]
    meaning = dict(zip(embedded, sims)) if sims is not None and len(sims) == len(embedded) else {}
    best, best_score = spans[0], float("-inf")
    for start, end in spans:
        found = set(lemmas(text[start:end])) & query_lemmas
        score = sum(idf(t) or 0.1 for t in found)
        if meaning:
            score = float(meaning.get((start, end), -1.0)) + 0.01 * score
        if score > best_score:
            best, best_score = (start, end), score
    return best


def mark(text: str, spans: list[tuple[int, int]], open_tag: str, close_tag: str,
         escape: Callable[[str], str] = lambda s: s) -> str:
    """``text`` with each span wrapped in tags; everything else passed through ``escape``."""
    out, pos = [], 0
    for s, e in sorted(spans):
        if s < pos:
            continue
        out += [escape(text[pos:s]), open_tag, escape(text[s:e]), close_tag]
        pos = e
    out.append(escape(text[pos:]))
    return "".join(out)
