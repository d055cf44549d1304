"""Does anything in the first passages answer the question, or only talk about the same thing?

``qa.answerable`` judges one passage at a time, and the confidence model used to read only the
top one. A near miss — «Сколько пресс-релизов опубликовала мэрия Томска в 2023 году?» asked of
a report that counts 2024's press releases and mentions 2023 elsewhere — passes every check
of its top passage: the year is in the document, the number is in the sentence about press
releases. What gives it away is a question-level look at the whole window of passages shown
(``rerank.WINDOW``) and at the index:

- **joint coverage**: the best share of the question's rare vocabulary (idf mass) that one
  sentence holds *together with all of the question's focus* (places, names, years; a
  sentence inherits its passage's heading and its document's city, title and years). A
  question whose year and topic are only ever in different sentences scores 0.
- **focus not indexed**: the share of the question's places, names and years that no passage
  of the whole index holds («Красноярск» asked of reports about Tomsk and Khabarovsk).
- the best sentence coverage, typed coverage and fewest missing focus **over the window**
  rather than the first passage (an answer one card down still counts), and how much the
  top passage stands out among the window (its log-odds gap and share).
- **rare words away from the window**: the idf mass of the question's words that the index
  holds somewhere but no passage of the window does.

All of it reuses ``qa.answerable``'s cached sentence analysis of the window's passages, so
it adds a few dot products per question, not another pass over the passages. Hand-written
for the same reason as ``qa.answerable``: the rules are about how Russian questions name
their focus, and a reader model that could judge answers is not among the installable
packages.
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from muniqa.corpus.morph import analyzer
from muniqa.index.lemmas import fold, lemmas

from .answerable import EVIDENCE, analysed_sentences, name_held
from .question_focus import YEAR, focus

FEATURES = ("win_sent_cov", "win_typed_cov", "win_focus_missing", "focus_unindexed", "joint_cov",
            "joint_cov_passage", "rare_off_window", "top_gap", "top_share", "asked_unindexed", "asked_off_window",
            "asked_joint_cov")
# «какая студия…», «в какой гостинице…», «сколько гостиниц…», «кто возглавлял управление…»:
# the word that names what the answer is
_WH = re.compile(r"\b(?:как(?:ой|ая|ое|ие|ого|ую|ом|им|их|ими|ою)|сколько|скольк\w+|кто|кем|кого|кому|"
                 r"ч(?:ей|ья|ье|ьи)|котор\w+|что\s+за)\b", re.I)
_VAGUE = frozenset("раз год день штука единица процент время образ способ вид тип место".split())
_SENT, _TYPED, _FOCUS = EVIDENCE.index("sent_cov"), EVIDENCE.index("typed_cov"), EVIDENCE.index("focus_missing")


def evidence(question: str, groups: list[set[str]], data, window: np.ndarray, logit: np.ndarray,
             window_evidence: np.ndarray) -> np.ndarray:
    """One row (``FEATURES``) for the question. ``window``: the shown passages' ids, best
    first; ``logit``: their log-odds; ``window_evidence``: their ``answerable.EVIDENCE`` rows."""
    from muniqa.index.chunk import passage_head
    lex = data.lexical
    f = focus(question)
    n = len(data.chunks)
    rarest = float(np.log(1 + max(n, 1)))
    weights = [max(lex.idf(t) for t in g) or rarest for g in groups]
    total = sum(weights) or 1.0
    needs = len(f.entities) + len(f.years)
    indexed = sum(any(lex.doc_freq(t) > 0 for t in names) for names in f.entities)
    indexed += sum(lex.doc_freq(str(y)) > 0 for y in f.years)
    focus_unindexed = 1.0 - indexed / needs if needs else 0.0
    asked = set(lemmas(asked_noun(question)))          # as the index splits it («пресс-релиз»)
    asked_indexed = bool(asked) and all(lex.doc_freq(t) > 0 for t in asked)
    joint = joint_passage = asked_joint = 0.0
    seen: set[str] = set()
    for i in window:
        chunk = data.chunks[int(i)]
        doc = data.documents[chunk.doc_id]
        head_toks = set(lemmas(f"{passage_head(chunk, doc)} {doc.meta.title or ''}"))
        doc_years = set(range(doc.meta.year, (doc.meta.year_end or doc.meta.year) + 1)) if doc.meta.year else set()
        sentences = analysed_sentences(chunk.text)
        passage_toks = head_toks.union(*(t for _, _, t, _ in sentences))
        seen |= passage_toks
        years_p = doc_years | {int(y) for y in YEAR.findall(chunk.text)}
        if _all_focus(f, passage_toks, years_p):
            joint_passage = max(joint_passage, _cov(groups, weights, total, passage_toks))
        for sent, _, stoks, _ in sentences:
            have = stoks | head_toks
            if _all_focus(f, have, doc_years | {int(y) for y in YEAR.findall(sent)}):
                cov = _cov(groups, weights, total, have)
                joint = max(joint, cov)
                if asked <= have:
                    asked_joint = max(asked_joint, cov)
    off = sum(w for g, w in zip(groups, weights) if any(lex.doc_freq(t) > 0 for t in g) and g.isdisjoint(seen))
    ev = np.asarray(window_evidence, dtype=np.float32).reshape(len(window), len(EVIDENCE))
    lg = np.asarray(logit, dtype=np.float64)
    gap = float(lg[0] - lg[1]) if len(lg) > 1 else 5.0
    share = float(1 / np.exp(lg - lg[0]).sum()) if len(lg) else 1.0
    return np.array([ev[:, _SENT].max() if len(ev) else 0.0, ev[:, _TYPED].max() if len(ev) else 0.0,
                     ev[:, _FOCUS].min() if len(ev) else 1.0, focus_unindexed, joint, joint_passage,
                     off / total, min(gap, 5.0), share, float(bool(asked) and not asked_indexed),
                     float(not asked <= seen), asked_joint], dtype=np.float32)


@lru_cache(maxsize=4096)
def asked_noun(question: str) -> str:
    """The lemma of the first noun within three words after the question word, or ''."""
    m = _WH.search(question)
    if not m:
        return ""
    for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", question[m.end():])[:3]:
        parsed = analyzer().parse(w)[0]
        if "NOUN" in parsed.tag:
            name = fold(parsed.normal_form)
            return "" if name in _VAGUE else name
    return ""


def _all_focus(f, toks: set[str], years: set[int]) -> bool:
    return all(name_held(names, toks) for names in f.entities) and set(f.years) <= years


def _cov(groups: list[set[str]], weights: list[float], total: float, toks: set[str]) -> float:
    return sum(w for g, w in zip(groups, weights) if not g.isdisjoint(toks)) / total
