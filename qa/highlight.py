"""Point at the evidence: the sentence that best answers, and the query's words in any form.

A query word highlights every inflected form of its lemma ("соглашение" marks
"соглашения", "соглашением"), and place names also mark their other names through the
gazetteer ("белорусских" marks "Беларусь"). The best sentence is the one holding the
rarest query lemmas (summed BM25 idf), which is what a reader scans for.
"""
from __future__ import annotations

from collections.abc import Callable

from muniqa.index.lemmas import lemmas, word_spans
from muniqa.index.sentences import sentence_spans


def term_spans(text: str, query_lemmas: set[str]) -> list[tuple[int, int]]:
    """(start, end) of every word in ``text`` whose lemma is one of the query's."""
    return [(s, e) for s, e, lem in word_spans(text) if lem in query_lemmas]


def best_sentence(text: str, query_lemmas: set[str], idf: Callable[[str], float]) -> tuple[int, int]:
    """(start, end) of the sentence of ``text`` that shares the most informative query lemmas."""
    spans = sentence_spans(text) or [(0, len(text))]
    best, best_score = spans[0], 0.0
    for start, end in spans:
        found = set(lemmas(text[start:end])) & query_lemmas
        score = sum(idf(t) or 0.1 for t in found)
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
