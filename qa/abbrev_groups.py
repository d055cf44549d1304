"""The question's words with the other form of the abbreviations the indexed documents define,
for the evidence read from passage text (``answerable``, ``rerank_features``,
``noanswer_evidence``).

The index's BM25 tokens already hold both forms (``index.abbrev``), but the second stage and
the confidence model lemmatise the passage's sentences again, so a table headed «в з.е.»
did not count as holding «зачетных единиц». Here each question word that is part of a
defined short form also stands for the long form's lemmas, and each word of a long form for
the short form's, as alternatives of that word (like a place's other names). The maps are
the manifest's ``abbreviations``; all documents' definitions count, which only widens what
a sentence may hold for the question, never what BM25 searches.
"""
from __future__ import annotations

from muniqa.index.abbrev import STEM, lemma_pairs
from muniqa.index.lemmas import lemmas

Pairs = list[tuple[tuple[str, ...], tuple[str, ...]]]
# by id of the manifest, kept beside it: a freed manifest's id may be reused by the next one
_PAIRS: dict[int, tuple[dict, dict[str, Pairs], dict[str, Pairs]]] = {}


def _pairs(manifest: dict) -> tuple[dict[str, Pairs], dict[str, Pairs]]:
    """(short form's lemmas, long form's lemmas) of every definition in the index, by the
    short form's first lemma and by the long form's first stem; once per manifest object (an
    index version), so a question looks up only the definitions its words can start."""
    cached = _PAIRS.get(id(manifest))
    if cached is None or cached[0] is not manifest:
        found = set()
        maps = manifest.get("abbreviations") if isinstance(manifest, dict) else None
        for defs in (maps.values() if isinstance(maps, dict) else ()):
            if isinstance(defs, dict):
                found.update((tuple(s), tuple(l)) for s, l in lemma_pairs(defs))
        by_short: dict[str, Pairs] = {}
        by_long: dict[str, Pairs] = {}
        for s, l in sorted(found):
            by_short.setdefault(s[0], []).append((s, l))
            by_long.setdefault(l[0][:STEM], []).append((s, l))
        if len(_PAIRS) > 8:
            _PAIRS.clear()
        cached = _PAIRS[id(manifest)] = (manifest, by_short, by_long)
    return cached[1], cached[2]


def with_abbreviations(question: str, groups: list[set[str]], manifest: dict) -> list[set[str]]:
    """``groups`` (``retrieve.query_groups`` of ``question``) with the other forms added."""
    by_short, by_long = _pairs(manifest)
    if not by_short:
        return groups
    words = list(dict.fromkeys(lemmas(question)))
    if len(words) != len(groups):
        return groups
    stems = [w[:STEM] for w in words]
    out = [set(g) for g in groups]
    for short, long in {p for w in words for p in by_short.get(w, ())}:
        if all(s in words for s in short):
            for i, w in enumerate(words):
                if w in short:
                    out[i].update(long)
    for short, long in {p for st in stems for p in by_long.get(st, ())}:
        if all(t[:STEM] in stems for t in long) and not all(s in words for s in short):
            long_stems = {t[:STEM] for t in long}
            for i, st in enumerate(stems):
                if st in long_stems:
                    out[i].update(short)
    return out
